"""`atlas dkim_keygen --domain D`: make DKIM keys and print the DNS records to publish."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from atlas.lib.dkim import DkimKey, generate_key


class Command(BaseCommand):
    help = "Generate DKIM keys (RSA-2048 and Ed25519) and print their DNS TXT records."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--domain", default=settings.ATLAS_DKIM_DOMAIN, help="Signing domain.")
        parser.add_argument("--selector", default="atlas", help="Selector (default: atlas).")
        parser.add_argument("--dir", default=settings.ATLAS_DKIM_DIR)
        parser.add_argument("--force", action="store_true", help="Replace existing keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = options["domain"]
        if not domain:
            raise CommandError("Give --domain (or set ATLAS_DKIM_DOMAIN).")
        folder = Path(options["dir"])
        folder.mkdir(parents=True, exist_ok=True)
        selectors = {"rsa": options["selector"], "ed25519": f"{options['selector']}-ed"}
        for algorithm, selector in selectors.items():
            path = folder / f"{selector}.{algorithm}.pem"
            if path.exists() and not options["force"]:
                pem = path.read_bytes()
            else:
                pem = generate_key(algorithm)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "wb") as key_file:
                    key_file.write(pem)
            record = DkimKey.from_pem(domain, selector, pem).dns_record()
            self.stdout.write(f'{selector}._domainkey.{domain}. IN TXT "{record}"')
        self.stdout.write(
            f"\nKeys are in {folder}. "
            f"Set ATLAS_DKIM_DOMAIN={domain} so that newsletters are signed."
        )
