"""`atlas sponsors_refresh`: by hand, the upkeep the workers' clock runs every minute."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from atlas.sponsors.services import refresh_sponsorships


class Command(BaseCommand):
    help = "Move campaign statuses along, count finished sends, forget past visitors."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = refresh_sponsorships()
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in outcome.items()))
