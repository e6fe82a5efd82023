"""Billing's emails go through the outbox over real SMTP, each once: welcome to paid, payment failed
(with a link to the Billing Portal that works), and the cancellation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from atlas.billing.models import CheckoutSession, Tier
from atlas.members.models import OutboundEmail


def test_welcome_payment_failed_and_cancellation_arrive_once_each(
    stripe_fake: Any, paid_tier: Tier, deliver_webhooks: Any, mailbox: Any, deliver: Any
) -> None:
    stripe_fake.auto_deliver = False
    browser = Client()
    response = browser.post(
        "/billing/checkout/", {"plan": "supporter:year", "email": "lea@example.org"}
    )
    session = CheckoutSession.objects.get(stripe_id=response["Location"].rsplit("/", 1)[1])
    stripe_fake.pay(session.stripe_id, name="Léa Müller")
    deliver_webhooks()
    subscription = stripe_fake.subscriptions()[0]["id"]
    stripe_fake.fail_payment(subscription)
    deliver_webhooks()
    stripe_fake.fail_payment(subscription)  # Stripe's retry fails again: no second email
    stripe_fake.cancel_at_period_end(subscription)
    stripe_fake.end_period(subscription)
    deliver_webhooks(list(stripe_fake.events))  # and everything once more, late
    assert deliver() == 4

    subjects = sorted(message.message["Subject"] for message in mailbox.messages)
    assert subjects == [
        "Welcome to Supporter, thank you for supporting Atlas News",
        "Your Supporter plan has ended",
        "Your payment to Atlas News did not go through",
        "Your payment to Atlas News did not go through",
    ]  # one per failed invoice
    welcome = next(m for m in mailbox.messages if "Welcome" in m.message["Subject"])
    assert "€50.00 a year" in welcome.text
    failed = next(m for m in mailbox.messages if "did not go through" in m.message["Subject"])
    assert "€50.00" in failed.text and "You keep reading until" in failed.text
    portal_link = next(link for link in failed.links() if "/billing/portal/" in link)
    reader = Client()
    path = portal_link.split("8000", 1)[-1]
    assert b"Open billing" in reader.get(path).content
    to_stripe = reader.post(path)
    assert to_stripe.status_code == 303 and "/portal/" in to_stripe["Location"]
    assert OutboundEmail.objects.filter(template__startswith="billing/").count() == 4
