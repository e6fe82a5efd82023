"""Billing workflows for staff and pages: tiers and their prices at Stripe, complimentary and gift
plans, and what a member's plan looks like (the account page, the newsroom's member page).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlas.billing import entitlement
from atlas.billing.models import (
    BillingSettings,
    Grant,
    MemberAccess,
    PaidSubscription,
    Price,
    Tier,
    format_money,
)
from atlas.billing.stripe_api import client, configured
from atlas.lib import pagecache
from atlas.members.hooks import plan_of
from atlas.members.models import Member

logger = logging.getLogger(__name__)


# Tiers ------------------------------------------------------------------------------------


def free_tier() -> Tier:
    """The publication's free tier (made on first use)."""
    tier, _ = Tier.objects.get_or_create(
        kind=Tier.Kind.FREE, defaults={"name": "Free", "slug": "free"}
    )
    return tier


def save_tier(tier: Tier) -> list[str]:
    """Save a tier and bring its product and prices at Stripe in line with it. Returns problems
    to show staff (the tier is saved either way; prices are retried by `push_pending_tiers`)."""
    with transaction.atomic():
        tier.save()
        pagecache.changed()  # paywalls and /subscribe/ list the tiers
    try:
        push_to_stripe(tier)
    except Exception as error:
        logger.exception("Tier %s not pushed to Stripe", tier.pk)
        return [f"Saved, but Stripe did not take the prices yet ({error}). Atlas tries again."]
    return []


def needs_push(tier: Tier, currency: str) -> bool:
    if not tier.is_paid:
        return False
    for interval in Price.Interval.values:
        amount = tier.amount_for(interval)
        live = tier.prices.filter(interval=interval, active=True, created_by_atlas=True).first()
        if (live is None) != (not amount):
            return True
        if live is not None and (live.amount, live.currency) != (amount, currency):
            return True
    return not tier.stripe_product_id


def push_to_stripe(tier: Tier) -> None:
    """Create the tier's product, and a new price for each amount that changed (Stripe prices
    are immutable; the old one is turned off for new checkouts, its subscribers keep it)."""
    if not tier.is_paid or not configured():
        return
    stripe = client()
    currency = BillingSettings.current().currency
    # The SDK's parameters are TypedDicts; ours are built from the tier.
    product: Any = {
        "name": tier.name,
        "description": tier.description or None,
        "active": not tier.archived,
    }
    if not tier.stripe_product_id:
        created = stripe.v1.products.create(
            params=product | {"metadata": {"atlas_tier": tier.slug}},
            options={"idempotency_key": f"atlas-tier-{tier.pk}-product"},
        )
        Tier.objects.filter(pk=tier.pk, stripe_product_id="").update(stripe_product_id=created.id)
        tier.refresh_from_db(fields=["stripe_product_id"])
    else:
        stripe.v1.products.update(tier.stripe_product_id, params=product)
    for interval in Price.Interval.values:
        _push_price(tier, interval, currency)


def _push_price(tier: Tier, interval: str, currency: str) -> None:
    amount = tier.amount_for(interval)
    live = Price.objects.filter(tier=tier, interval=interval, active=True).first()
    if live is not None and (live.amount, live.currency) == (amount, currency):
        return
    stripe = client()
    if live is not None:
        stripe.v1.prices.update(live.stripe_price_id, params={"active": False})
        Price.objects.filter(pk=live.pk).update(active=False)
    if not amount:
        return
    version = Price.objects.filter(tier=tier, interval=interval).count()
    created = stripe.v1.prices.create(
        params={
            "product": tier.stripe_product_id,
            "currency": currency,
            "unit_amount": amount,
            "recurring": {"interval": interval},
            "nickname": f"{tier.name} ({Price.Interval(interval).label.lower()})",
            "metadata": {"atlas_tier": tier.slug},
        },
        options={
            "idempotency_key": f"atlas-tier-{tier.pk}-{interval}-{version}-{amount}{currency}"
        },
    )
    Price.objects.create(
        tier=tier, interval=interval, amount=amount, currency=currency, stripe_price_id=created.id
    )
    pagecache.changed()


def push_pending_tiers() -> int:
    """Periodic: push tiers whose prices Stripe does not have yet (it was unreachable)."""
    if not configured():
        return 0
    currency = BillingSettings.current().currency
    pushed = 0
    for tier in Tier.objects.paid():
        if needs_push(tier, currency):
            try:
                push_to_stripe(tier)
                pushed += 1
            except Exception:
                logger.exception("Tier %s still not pushed to Stripe", tier.pk)
    return pushed


def link_price(tier: Tier, stripe_price_id: str) -> Price:
    """Link a price Atlas did not create (a Ghost or Substack plan) to a tier, for billing_sync.
    Its amount and interval are read from Stripe."""
    price = client().v1.prices.retrieve(stripe_price_id)
    recurring = price.recurring
    found, _ = Price.objects.update_or_create(
        stripe_price_id=stripe_price_id,
        defaults={
            "tier": tier,
            "interval": recurring.interval if recurring else Price.Interval.MONTH,
            "amount": price.unit_amount or 0,
            "currency": price.currency,
            "active": False,
            "created_by_atlas": False,
        },
    )
    PaidSubscription.objects.filter(stripe_price_id=stripe_price_id).update(tier=tier)
    for member_id in PaidSubscription.objects.filter(
        stripe_price_id=stripe_price_id, member__isnull=False
    ).values_list("member_id", flat=True):
        entitlement.recompute(member_id, reason="price linked to a tier")
    return found


# Complimentary and gift plans ---------------------------------------------------------------


def give(
    member: Member,
    tier: Tier,
    *,
    kind: str = Grant.Kind.COMPLIMENTARY,
    ends_at: datetime | None = None,
    note: str = "",
    by: Any = None,
) -> Grant:
    grant = Grant.objects.create(
        member=member,
        tier=tier,
        kind=kind,
        ends_at=ends_at,
        note=note[:300],
        created_by=by if getattr(by, "pk", None) else None,
    )
    entitlement.recompute(member.pk, reason=f"{kind} plan given")
    return grant


def revoke(grant: Grant) -> None:
    Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    entitlement.recompute(grant.member_id, reason="plan revoked")


# A member's plan, for pages -----------------------------------------------------------------


@dataclass(frozen=True)
class MemberBilling:
    """What a member pays for, for the account page and the newsroom's member page.

    `plan_name`: "Free", a tier's name, "Supporter (complimentary)"; `status`: the subscription's
    (trialing, active, past_due...) or "" without one; `price`: "€5.00 a month";
    `renews_on` / `ends_on` / `trial_ends_on`: dates (at most one of renews_on and ends_on);
    `payment_failed`: the renewal failed and Stripe is retrying; `reads_until`: then, when access
    ends (the grace period's end; neither renews_on nor ends_on is set, Stripe's period says
    nothing about access then);
    `grants`: live complimentary or gift plans; `can_manage`: a Stripe customer exists, so the
    Billing Portal can open.
    """

    paying: bool
    plan_name: str
    source: str
    status: str = ""
    price: str = ""
    renews_on: datetime | None = None
    ends_on: datetime | None = None
    trial_ends_on: datetime | None = None
    payment_failed: bool = False
    reads_until: datetime | None = None
    grants: list[Grant] = field(default_factory=list)
    subscription: PaidSubscription | None = None
    can_manage: bool = False
    stripe_customer_id: str = ""


def manages(member: Member) -> bool:
    """Billing decides this member's plan (`Member.tier` is its summary, and a plan set by hand
    would disagree with who may read): they have a Stripe customer, a subscription, a plan
    given, or access billing worked out before. Members billing has never seen keep the plan
    staff set."""
    return (
        bool(member.stripe_customer_id)
        or MemberAccess.objects.filter(member=member).exists()
        or PaidSubscription.objects.filter(member=member).exists()
        or Grant.objects.filter(member=member).exists()
    )


def member_billing(member: Member) -> MemberBilling:
    now = timezone.now()
    subscription = (
        PaidSubscription.objects.filter(member=member)
        .select_related("tier")
        .order_by("-created_at")
        .first()
    )
    grants = list(Grant.objects.filter(member=member).live(now).select_related("tier"))
    plan = plan_of(member)
    stored = entitlement.stored_access(member)
    source: str = MemberAccess.Source.FREE
    if plan.paying:  # "stored": a member billing has never seen keeps the plan staff stored
        source = stored.source if stored is not None else "stored"
    details: dict[str, Any] = {}
    if subscription is not None:
        ends_on = subscription.ended_at or subscription.ends_at
        per = {"month": "a month", "year": "a year"}.get(subscription.interval, "")
        details = {
            "status": subscription.status,
            "price": f"{format_money(subscription.amount, subscription.currency or 'eur')} {per}"
            if subscription.amount
            else "",
            "ends_on": ends_on,
            "renews_on": None if ends_on else subscription.current_period_end,
            "trial_ends_on": subscription.trial_end
            if subscription.status == PaidSubscription.Status.TRIALING
            else None,
            "payment_failed": subscription.status == PaidSubscription.Status.PAST_DUE,
        }
        if details["payment_failed"]:
            grace = timedelta(days=BillingSettings.current().past_due_grace_days)
            details["reads_until"] = entitlement.grace_end(subscription, grace, now)
            details["renews_on"] = details["ends_on"] = None
    return MemberBilling(
        paying=plan.paying,
        plan_name=plan.name,
        source=source,
        grants=grants,
        subscription=subscription,
        can_manage=bool(member.stripe_customer_id) and configured(),
        stripe_customer_id=member.stripe_customer_id,
        **details,
    )
