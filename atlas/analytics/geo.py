"""A reader's country, from a local MaxMind-format database (GeoLite2 or GeoIP2, Country or City),
only when ATLAS_GEOIP_DATABASE names one. Looked up when buffered views are written, never on the
request path; only the two-letter country code is kept, never the address."""

from __future__ import annotations

import logging
from functools import cache

import maxminddb
from django.conf import settings

logger = logging.getLogger(__name__)


@cache
def _reader(path: str) -> maxminddb.Reader | None:
    try:
        return maxminddb.open_database(path)
    except (OSError, ValueError, maxminddb.InvalidDatabaseError):
        logger.exception("ATLAS_GEOIP_DATABASE %s cannot be read: no countries counted", path)
        return None


def enabled() -> bool:
    return bool(settings.ATLAS_GEOIP_DATABASE)


@cache
def country_of(ip: str) -> str:
    """The ISO 3166 code of the country the address is in, or "" (unknown, or not set up)."""
    reader = _reader(settings.ATLAS_GEOIP_DATABASE) if enabled() else None
    if reader is None or not ip:
        return ""
    try:
        record = reader.get(ip)
    except ValueError:  # not an address
        return ""
    country = record.get("country") if isinstance(record, dict) else None
    code = country.get("iso_code") if isinstance(country, dict) else None
    return code[:2].upper() if isinstance(code, str) else ""


def forget() -> None:
    """Drop the open database and remembered lookups (a new file, or tests)."""
    _reader.cache_clear()
    country_of.cache_clear()
