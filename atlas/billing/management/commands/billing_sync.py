"""`atlas billing_sync`: link imported members' existing Stripe subscriptions to tiers."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.billing import services, sync
from atlas.billing.models import Tier
from atlas.billing.stripe_api import configured


class Command(BaseCommand):
    help = (
        "Link the Stripe subscriptions of members who have a Stripe customer (imported from "
        "Ghost or Substack) to tiers, by price. Reads only: nobody is charged, no customer is "
        "created. Members with a customer but no live subscription become free."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--price",
            action="append",
            default=[],
            metavar="PRICE=TIER",
            help="Link a Stripe price Atlas did not create to a tier (by slug) first; repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not configured():
            raise CommandError("Stripe is not configured (STRIPE_SECRET_KEY and the others).")
        for mapping in options["price"]:
            price_id, _, slug = mapping.partition("=")
            tier = Tier.objects.filter(slug=slug).first()
            if not price_id or tier is None:
                raise CommandError(f"--price {mapping!r}: expected PRICE_ID=TIER_SLUG.")
            services.link_price(tier, price_id)
            self.stdout.write(f"Linked {price_id} to {tier.name}.")

        def progress(report: dict[str, Any]) -> None:
            self.stdout.write(f"{report['subscriptions']} subscriptions read...")

        report = sync.run(progress)
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        if report["unknown_prices"]:
            self.stdout.write(
                self.style.WARNING(
                    "Some subscriptions have prices no tier knows: they count as paid without "
                    "a tier. Link them with --price PRICE=TIER and run again."
                )
            )
