"""Template filters for billing's pages and emails."""

from __future__ import annotations

from decimal import Decimal

from django import template

from atlas.billing.models import PostTier, Tier, format_money
from atlas.publishing.models import Post

register = template.Library()


@register.filter
def money(amount: int | Decimal | None, currency: str) -> str:
    """`{{ price.amount|money:price.currency }}`: "€5.00" (amounts in the smallest unit)."""
    return format_money(round(amount or 0), currency or "eur")


@register.filter
def per_interval(interval: str) -> str:
    return {"month": "a month", "year": "a year"}.get(interval, "")


@register.simple_tag
def tier_choices(post: Post | None) -> list[tuple[Tier, bool]]:
    """(tier, chosen) for every paid tier, for the post editor's tiers panel."""
    chosen: set[int] = set()
    if post is not None and post.pk:
        chosen = set(PostTier.objects.filter(post=post).values_list("tier_id", flat=True))
    return [(tier, tier.pk in chosen) for tier in Tier.objects.paid().filter(archived=False)]
