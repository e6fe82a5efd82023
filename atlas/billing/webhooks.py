"""Stripe's webhooks: verify, store by event id, then act, once.

1. `receive()` verifies the signature with the SDK (`construct_event`); anything else is refused
   before a row is written.
2. The event is stored by its id. A second delivery finds the row: nothing more happens, unless
   the first attempt failed and the event still waits (then it is tried again).
3. One worker at a time acts on an event: it claims the row with a conditional update and a
   lease, so a worker that dies leaves it to be retried once the lease expires
   (`retry_pending`, a periodic job every worker runs); a failed attempt is tried again later
   and later (2, 4, 8... minutes), or at once when Stripe delivers the event again.
4. Acting means asking Stripe for the subscription as it is now (`subscriptions.sync`); the
   event itself only adds facts that never become false again, and failed invoices.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from atlas.billing import checkout, subscriptions
from atlas.billing.models import PaymentFailure, WebhookEvent
from atlas.billing.stripe_api import (
    StripeDict,
    invoice_subscription_id,
    object_id,
    timestamp,
    verify_event,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12
SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
}
INVOICE_EVENTS = {"invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded"}
HANDLED = {
    "checkout.session.completed",
    "checkout.session.expired",
    *SUBSCRIPTION_EVENTS,
    *INVOICE_EVENTS,
}


def receive(payload: bytes, signature: str) -> WebhookEvent:
    """Verify and store one delivery, then act on it if it is new (raises ValueError or
    stripe.SignatureVerificationError when Stripe did not sign it)."""
    event = verify_event(payload, signature)
    row, created = store(event)
    if not created:
        WebhookEvent.objects.filter(pk=row.pk).update(deliveries=F("deliveries") + 1)
    if row.status in (WebhookEvent.Status.PENDING, WebhookEvent.Status.FAILED):
        process(row.pk)
        row.refresh_from_db()
    return row


def store(event: StripeDict) -> tuple[WebhookEvent, bool]:
    obj = event.get("data", {}).get("object", {})
    kind = obj.get("object")
    if kind == "subscription":
        subscription_id = obj.get("id", "")
    elif kind == "invoice":
        subscription_id = invoice_subscription_id(obj)
    else:
        subscription_id = object_id(obj.get("subscription"))
    fields = {
        "type": event.get("type", "")[:80],
        "created": timestamp(event.get("created")) or timezone.now(),
        "livemode": bool(event.get("livemode")),
        "payload": event,
        "stripe_customer_id": object_id(obj.get("customer"))[:255],
        "stripe_subscription_id": (subscription_id or "")[:255],
        "status": WebhookEvent.Status.PENDING
        if event.get("type") in HANDLED
        else WebhookEvent.Status.IGNORED,
    }
    existing = WebhookEvent.objects.filter(stripe_id=event["id"]).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(stripe_id=event["id"], **fields), True
    except IntegrityError:  # the same event, delivered in parallel, was stored first
        return WebhookEvent.objects.get(stripe_id=event["id"]), False


def claim(event_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.FAILED]) | Q(
        status=WebhookEvent.Status.PROCESSING, lease_until__lt=now
    )
    with transaction.atomic():
        return bool(
            WebhookEvent.objects.filter(claimable, pk=event_id, attempts__lt=MAX_ATTEMPTS).update(
                status=WebhookEvent.Status.PROCESSING,
                lease_until=now + LEASE,
                attempts=F("attempts") + 1,
            )
        )


def process(event_id: int) -> bool:
    """Act on a stored event unless another worker holds it; True when it is done."""
    if not claim(event_id):
        return False
    event = WebhookEvent.objects.get(pk=event_id)
    try:
        member_id = act(event.type, event.payload["data"]["object"])
    except Exception as error:
        logger.exception("Stripe event %s (%s) failed", event.stripe_id, event.type)
        WebhookEvent.objects.filter(pk=event_id).update(
            status=WebhookEvent.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            # For a failed event, the lease is the time of the next try: later after each one.
            lease_until=timezone.now() + timedelta(minutes=2 ** min(event.attempts, 8)),
        )
        return False
    WebhookEvent.objects.filter(pk=event_id).update(
        status=WebhookEvent.Status.DONE,
        processed_at=timezone.now(),
        lease_until=None,
        last_error="",
        unknown_customer=member_id is None,
    )
    return True


def act(event_type: str, obj: StripeDict) -> int | None:
    """Do what the event asks; return the member it concerned (None: no member has the
    customer yet; the subscription is kept and linked when one does)."""
    if event_type == "checkout.session.completed":
        return checkout.complete(obj)
    if event_type == "checkout.session.expired":
        checkout.mark_expired(obj.get("id", ""))
        return None
    if event_type in SUBSCRIPTION_EVENTS:
        return subscriptions.sync(obj["id"], seen=obj).member_id
    subscription_id = invoice_subscription_id(obj)
    if event_type == "invoice.payment_failed":
        record_failure(obj, subscription_id)
    if not subscription_id:
        return None
    return subscriptions.sync(subscription_id).member_id


def record_failure(invoice: StripeDict, subscription_id: str) -> None:
    PaymentFailure.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "stripe_subscription_id": subscription_id,
            "stripe_customer_id": object_id(invoice.get("customer")),
            "amount_due": int(invoice.get("amount_due") or 0),
            "currency": (invoice.get("currency") or "").lower(),
            "failed_at": timestamp(invoice.get("created")) or timezone.now(),
        },
    )


def retry_pending(older_than: timedelta = timedelta(seconds=30)) -> int:
    """Periodic: act on events nobody finished (a crash, Stripe unreachable), with a pause that
    grows with each attempt."""
    now = timezone.now()
    waiting = WebhookEvent.objects.filter(
        Q(status=WebhookEvent.Status.PENDING, received_at__lt=now - older_than)
        | Q(status__in=[WebhookEvent.Status.PROCESSING, WebhookEvent.Status.FAILED])
        & Q(lease_until__lt=now),
        attempts__lt=MAX_ATTEMPTS,
    ).order_by("created", "pk")
    return sum(process(event_id) for event_id in list(waiting.values_list("pk", flat=True)[:200]))


KEEP_EVENTS = timedelta(days=30)


def prune_events() -> int:
    """Periodic: forget events acted on more than 30 days ago (their payloads hold readers'
    addresses). Stripe stops retrying an event after 3 days, so no duplicate can come later."""
    old = WebhookEvent.objects.filter(
        status__in=[WebhookEvent.Status.DONE, WebhookEvent.Status.IGNORED],
        received_at__lt=timezone.now() - KEEP_EVENTS,
    )
    deleted, _ = old.delete()
    return deleted
