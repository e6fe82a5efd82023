"""`atlas check --deploy`: paid tiers without the Stripe keys to sell them."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from atlas.billing.models import Tier
from atlas.billing.stripe_api import configured


@register(Tags.security, deploy=True)
def stripe_keys_for_tiers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if configured():
        return []
    try:
        has_tiers = Tier.objects.paid().filter(archived=False).exists()
    except DatabaseError:  # not migrated yet: nothing to warn about
        return []
    if not has_tiers:
        return []
    return [
        Warning(
            "Paid tiers exist but Stripe is not configured: readers cannot subscribe to them.",
            hint="Set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET "
            "(README, Paid subscriptions).",
            id="atlas.billing.W001",
        )
    ]
