"""Readers' subscriptions as Stripe describes them: fetch, store the newest state, link members.

Webhooks arrive late, twice, in parallel and out of order. So an event is only a reason to ask
Stripe for the subscription as it is now; the answer is stored unless a newer one (asked later)
is already there: whatever order the answers arrive in, the last question's answer stays. Facts
that only ever become true (was paid once, was charged once) are OR-ed in, from the answer and
from the event, so they too end the same in any order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from atlas.billing import entitlement, notices
from atlas.billing.models import PaidSubscription, Price, Tier
from atlas.billing.stripe_api import (
    StripeDict,
    as_dict,
    client,
    object_id,
    period,
    price_of,
    timestamp,
)
from atlas.members.models import Member

PAID = {"trialing", "active"}
# A subscription that still counts (paid, in grace, or its first payment under way): a member
# who has one must not start another.
LIVE_STATUSES = ("trialing", "active", "past_due", "incomplete")


@dataclass(frozen=True)
class Synced:
    subscription: PaidSubscription
    member_id: int | None


def fetch(stripe_id: str) -> StripeDict:
    return as_dict(client().v1.subscriptions.retrieve(stripe_id))


def sync(
    stripe_id: str,
    *,
    seen: StripeDict | None = None,
    member_id: int | None = None,
    from_checkout: bool = False,
) -> Synced:
    """Ask Stripe for the subscription now and store it (see the module's docstring)."""
    asked_at = timezone.now()
    return store(
        fetch(stripe_id), asked_at, seen=seen, member_id=member_id, from_checkout=from_checkout
    )


def store(
    state: StripeDict,
    asked_at: datetime,
    *,
    seen: StripeDict | None = None,
    member_id: int | None = None,
    linked_by_sync: bool = False,
    from_checkout: bool = False,
) -> Synced:
    customer_id = object_id(state.get("customer"))
    with transaction.atomic():
        row = _row_for(state["id"], customer_id)
        PaidSubscription.objects.filter(pk=row.pk).filter(
            Q(synced_at__isnull=True) | Q(synced_at__lt=asked_at)
        ).update(**fields_of(state), synced_at=asked_at, updated_at=timezone.now())
        known = [*facts_of(state).items(), *facts_of(seen or {}).items()]
        facts = {name: True for name, value in known if value}
        if linked_by_sync:
            facts["linked_by_sync"] = True
        if from_checkout:
            facts["started_by_checkout"] = True
        if facts:
            PaidSubscription.objects.filter(pk=row.pk).update(**facts)
        owner = member_id or _member_for_customer(customer_id)
        if owner is not None:
            PaidSubscription.objects.filter(pk=row.pk, member__isnull=True).update(member_id=owner)
        row.refresh_from_db()
    if row.member_id is not None:
        entitlement.recompute(row.member_id, reason=f"subscription {row.status}")
        notices.notify(row.member_id)
    return Synced(row, row.member_id)


def _row_for(stripe_id: str, customer_id: str) -> PaidSubscription:
    row = PaidSubscription.objects.filter(stripe_id=stripe_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return PaidSubscription.objects.create(
                stripe_id=stripe_id, stripe_customer_id=customer_id
            )
    except IntegrityError:  # another delivery of the same news created it first
        return PaidSubscription.objects.get(stripe_id=stripe_id)


def _member_for_customer(customer_id: str) -> int | None:
    if not customer_id:
        return None
    return (
        Member.objects.filter(stripe_customer_id=customer_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def fields_of(state: StripeDict) -> dict[str, Any]:
    """The columns of PaidSubscription that Stripe's subscription object sets."""
    start, end = period(state)
    price = price_of(state)
    recurring = price.get("recurring") or {}
    price_id = object_id(price) if price else ""
    return {
        "stripe_customer_id": object_id(state.get("customer")),
        "status": state.get("status") or PaidSubscription.Status.INCOMPLETE,
        "tier_id": tier_for(price_id, state.get("metadata") or {}),
        "stripe_price_id": price_id,
        "interval": recurring.get("interval") or price.get("interval") or "",
        "amount": int(price.get("unit_amount") or price.get("amount") or 0),
        "currency": (price.get("currency") or state.get("currency") or "").lower(),
        "cancel_at_period_end": bool(state.get("cancel_at_period_end")),
        "cancel_at": timestamp(state.get("cancel_at")),
        "current_period_start": start,
        "current_period_end": end,
        "trial_end": timestamp(state.get("trial_end")),
        "started_at": timestamp(state.get("start_date") or state.get("created")),
        "canceled_at": timestamp(state.get("canceled_at")),
        "ended_at": timestamp(state.get("ended_at")),
    }


def facts_of(state: StripeDict) -> dict[str, bool]:
    status = state.get("status")
    return {
        "ever_paid": status in PAID,
        "ever_charged": status in ("active", "past_due"),
        "started_by_checkout": started_by_checkout(state),
    }


def started_by_checkout(state: StripeDict) -> bool:
    """Atlas's checkout names the tier in the subscription's metadata; subscriptions made on
    another platform (Ghost, Substack) or in Stripe's dashboard do not have it."""
    return bool((state.get("metadata") or {}).get("atlas_tier"))


def tier_for(price_id: str, metadata: dict[str, Any]) -> int | None:
    """The tier of a price Atlas knows (its own, or one staff linked); else the tier Atlas named
    when it started the checkout."""
    found = Price.objects.filter(stripe_price_id=price_id).values_list("tier_id", flat=True).first()
    if found is None and metadata.get("atlas_tier"):
        found = (
            Tier.objects.filter(slug=metadata["atlas_tier"]).values_list("pk", flat=True).first()
        )
    return found


def link_customer(member_id: int, customer_id: str) -> int:
    """Give a member the subscriptions of their Stripe customer that nobody holds yet."""
    linked = PaidSubscription.objects.filter(
        stripe_customer_id=customer_id, member__isnull=True
    ).update(member_id=member_id)
    if linked:
        entitlement.recompute(member_id, reason="customer linked")
        notices.notify(member_id)
    return linked


def live_subscription(member: Member) -> PaidSubscription | None:
    """The member's subscription that still counts (paid, in grace, or not yet ended)."""
    return (
        PaidSubscription.objects.filter(member=member)
        .filter(status__in=LIVE_STATUSES)
        .order_by("-created_at")
        .first()
    )
