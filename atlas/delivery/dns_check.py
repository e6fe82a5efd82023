"""The DNS records that let receivers trust our newsletters, and a live check of them.

`dkim_records()` lists the DKIM TXT records to publish (from the keys in ATLAS_DKIM_DIR) and, when
DNS answers, whether each is published as it should be. No DNS, no error: the records are shown
and the check says it could not be made.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.resolver
from django.conf import settings

from atlas.delivery.transport import dkim_keys

TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class DnsRecord:
    name: str
    kind: str
    value: str
    status: str  # "published", "different", "missing" or "unknown" (DNS not reachable)
    found: str = ""


def lookup_txt(name: str) -> list[str] | None:
    """The TXT strings at `name`; [] when there are none, None when DNS could not be asked.
    Asked of the system's resolver, or of ATLAS_DNS_RESOLVER ("host" or "host:port")."""
    resolver = _resolver()
    if resolver is None:
        return None
    resolver.lifetime = TIMEOUT_SECONDS
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.DNSException, OSError):
        return None
    return [b"".join(record.strings).decode(errors="replace") for record in answer]


def _resolver() -> dns.resolver.Resolver | None:
    chosen = getattr(settings, "ATLAS_DNS_RESOLVER", "")
    try:
        if not chosen:
            return dns.resolver.Resolver()
        host, _, port = chosen.rpartition(":") if chosen.count(":") == 1 else (chosen, "", "53")
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = int(port)
        return resolver
    except (dns.exception.DNSException, OSError, ValueError):  # no resolv.conf, a bad setting
        return None


def _normalised(record: str) -> str:
    return "".join(record.split()).rstrip(";")


def dkim_records(check: bool = True) -> list[DnsRecord]:
    records = []
    for key in dkim_keys():
        name = f"{key.selector}._domainkey.{key.domain}"
        wanted = key.dns_record()
        found = lookup_txt(name) if check else None
        if found is None:
            status, seen = "unknown", ""
        elif not found:
            status, seen = "missing", ""
        elif any(_normalised(value) == _normalised(wanted) for value in found):
            status, seen = "published", ""
        else:
            status, seen = "different", found[0]
        records.append(DnsRecord(name, "TXT", wanted, status, seen))
    return records
