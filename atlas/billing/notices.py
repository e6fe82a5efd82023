"""Billing's emails to readers, through members' outbox, each at most once.

`notify(member)` looks at what billing knows of a member and queues the emails that are due and
not yet sent: a welcome for each new subscription that was ever paid (`welcome_due`: started by
Atlas's checkout, or just started, after the member came; never one a reader brought from an
earlier platform, whether a webhook or `billing_sync` told us first), a cancellation when one is
set to end, and a payment-failed email per failed invoice (recent ones only). A row in `Notice`,
unique per (kind, key), is written in the same transaction as the outbox row, so however many
deliveries of however many events race here, each email is queued once. Stripe sends receipts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from atlas.billing.models import (
    BillingSettings,
    Notice,
    PaidSubscription,
    PaymentFailure,
    format_money,
)
from atlas.members import outbox
from atlas.members.models import Member, MemberEvent
from atlas.publishing.models import Publication

PORTAL_LINK_SALT = "atlas.billing.portal-link"
PORTAL_LINK_MAX_AGE = timedelta(days=14)
RECENT_FAILURE = timedelta(days=7)
# A subscription Atlas's checkout did not start (staff made it in Stripe's dashboard) is new, and
# welcomed, if it started this recently (Stripe retries a webhook for three days).
NEW_SUBSCRIPTION = timedelta(days=3)


def portal_link_token(member_id: int) -> str:
    return signing.dumps({"member": member_id}, salt=PORTAL_LINK_SALT, compress=True)


def read_portal_link_token(token: str) -> int | None:
    try:
        found = signing.loads(token, salt=PORTAL_LINK_SALT, max_age=PORTAL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return int(found["member"]) if isinstance(found, dict) and "member" in found else None


def portal_link(member_id: int) -> str:
    path = reverse("billing:portal_link", args=[portal_link_token(member_id)])
    return Publication.current().absolute(path)


def _date(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "j F Y") if value else ""


def notify(member_id: int) -> int:
    """Queue the billing emails due to this member; return how many were queued now."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return 0
    queued = 0
    now, imported = timezone.now(), imported_at(member)
    subscriptions = list(PaidSubscription.objects.filter(member=member).select_related("tier"))
    for subscription in subscriptions:
        if not subscription.ever_paid:
            continue
        if welcome_due(subscription, imported, now):
            queued += once(
                Notice.Kind.WELCOME, subscription.stripe_id, member, welcome(subscription)
            )
        else:
            skip(Notice.Kind.WELCOME, subscription.stripe_id, member.pk)
        if subscription.cancel_at_period_end or subscription.cancel_at or subscription.ended_at:
            queued += once(
                Notice.Kind.CANCELED, subscription.stripe_id, member, canceled(subscription)
            )
    failures = PaymentFailure.objects.filter(
        stripe_subscription_id__in=[each.stripe_id for each in subscriptions],
        failed_at__gte=timezone.now() - RECENT_FAILURE,
    )
    for failure in failures:
        queued += once(
            Notice.Kind.PAYMENT_FAILED,
            failure.stripe_invoice_id,
            member,
            payment_failed(failure, member),
        )
    return queued


def welcome_due(
    subscription: PaidSubscription, imported_at: datetime | None, now: datetime
) -> bool:
    """Is this subscription one the member just started, to be welcomed? Yes if Atlas's checkout
    started it; no if `billing_sync` linked it (it came from an earlier platform); otherwise
    only if it started recently and after the member was imported (a renewal of an old Ghost
    subscription, or its first webhook, is no news to the reader)."""
    if subscription.started_by_checkout:
        return True
    if subscription.linked_by_sync:
        return False
    started = subscription.started_at
    if started is None or started < now - NEW_SUBSCRIPTION:
        return False
    return imported_at is None or started > imported_at


def imported_at(member: Member) -> datetime | None:
    """When the member was last imported (None: never)."""
    return (
        MemberEvent.objects.filter(member=member, kind=MemberEvent.Kind.IMPORTED)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def once(kind: str, key: str, member: Member, email: tuple[str, dict[str, str]]) -> int:
    """Queue `email` (template, context) unless this (kind, key) was already handled."""
    template, context = email
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = Notice.objects.create(kind=kind, key=key, member=member)
        except IntegrityError:
            return 0
        outbound = outbox.queue(member.email, template, member=member, **context)
        Notice.objects.filter(pk=notice.pk).update(email=outbound)
    return 1


def skip(kind: str, key: str, member_id: int | None) -> None:
    """Record a notice as handled without an email (a subscription from an earlier platform)."""
    try:
        with transaction.atomic():
            Notice.objects.create(kind=kind, key=key, member_id=member_id, skipped=True)
    except IntegrityError:
        pass


def _plan(subscription: PaidSubscription) -> dict[str, str]:
    price = format_money(subscription.amount, subscription.currency or "eur")
    per = {"month": "a month", "year": "a year"}.get(subscription.interval, "")
    return {
        "tier_name": subscription.tier.name if subscription.tier else "paid",
        "price": f"{price} {per}".strip() if subscription.amount else "",
    }


def welcome(subscription: PaidSubscription) -> tuple[str, dict[str, str]]:
    trial_end = subscription.trial_end
    return "billing/email/welcome", {
        **_plan(subscription),
        "trial_end": _date(trial_end) if trial_end and trial_end > timezone.now() else "",
        "renews_on": _date(subscription.current_period_end),
    }


def canceled(subscription: PaidSubscription) -> tuple[str, dict[str, str]]:
    ends = subscription.ended_at or subscription.ends_at
    return "billing/email/canceled", {
        **_plan(subscription),
        "ends_on": _date(ends),
        "ended": "yes" if subscription.ended_at else "",
    }


def payment_failed(failure: PaymentFailure, member: Member) -> tuple[str, dict[str, str]]:
    grace_days = BillingSettings.current().past_due_grace_days
    return "billing/email/payment_failed", {
        "amount": format_money(failure.amount_due, failure.currency or "eur")
        if failure.amount_due
        else "",
        "reads_until": _date(failure.failed_at + timedelta(days=grace_days)),
        "portal_url": portal_link(member.pk),
        "support_email": settings.DEFAULT_FROM_EMAIL,
    }
