"""Stripe's webhooks: only signed events count, each is stored once by its id, and the same events
in any order, twice, or at once from 8 threads end in the same state, with nothing doubled."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.billing import services as billing_services
from atlas.billing import subscriptions, webhooks
from atlas.billing.models import (
    CheckoutSession,
    MemberAccess,
    Notice,
    PaidSubscription,
    PaymentFailure,
    WebhookEvent,
)
from atlas.members.models import Member, OutboundEmail
from tests.fake_stripe import sign


def start_checkout(client: Client, email: str, plan: str = "supporter:month") -> CheckoutSession:
    response = client.post("/billing/checkout/", {"plan": plan, "email": email, "next": "/"})
    assert response.status_code == 303, response.content.decode()[-800:]
    return CheckoutSession.objects.get(stripe_id=response["Location"].rsplit("/", 1)[1])


@pytest.fixture
def twelve_events(stripe_fake: Any, paid_tier: Any) -> list[dict[str, Any]]:
    """A reader's whole year at Stripe, as the 12 events Stripe sends: checkout with a trial, the
    trial converts, a renewal fails, the retry succeeds, they cancel, the period ends."""
    paid_tier.trial_days = 14
    billing_services.save_tier(paid_tier)
    stripe_fake.auto_deliver = False
    session = start_checkout(Client(), "zoe.angstrom@example.org")
    stripe_fake.pay(session.stripe_id, name="Zoë Ångström")
    subscription = stripe_fake.subscriptions()[0]["id"]
    stripe_fake.renew(subscription)
    stripe_fake.fail_payment(subscription)
    stripe_fake.recover_payment(subscription)
    stripe_fake.cancel_at_period_end(subscription)
    stripe_fake.end_period(subscription)
    assert len(stripe_fake.events) == 12
    return list(stripe_fake.events)


def final_state() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the events change, without ids or times of our own."""
    return {
        "members": sorted(
            Member.objects.values_list("email", "name", "status", "tier", "stripe_customer_id")
        ),
        "subscriptions": sorted(
            PaidSubscription.objects.values_list(
                "stripe_id",
                "member__email",
                "status",
                "tier__slug",
                "amount",
                "interval",
                "cancel_at_period_end",
                "current_period_start",
                "current_period_end",
                "trial_end",
                "started_at",
                "ended_at",
                "ever_paid",
                "ever_charged",
            )
        ),
        "access": sorted(
            MemberAccess.objects.values_list("member__email", "paying", "source", "name")
        ),
        "notices": sorted(Notice.objects.values_list("kind", "key", "member__email", "skipped")),
        "emails": sorted(OutboundEmail.objects.values_list("to", "template")),
        "events": sorted(WebhookEvent.objects.values_list("stripe_id", "type", "status")),
        "failures": sorted(PaymentFailure.objects.values_list("stripe_invoice_id", "amount_due")),
        "checkouts": sorted(
            CheckoutSession.objects.values_list("stripe_id", "status", "member__email")
        ),
    }


def forget_everything() -> None:
    """Back to the moment before the first event (the checkout started, nothing arrived)."""
    for model in (
        Notice,
        PaymentFailure,
        WebhookEvent,
        PaidSubscription,
        MemberAccess,
        OutboundEmail,
    ):
        model.objects.all().delete()
    Member.objects.all().delete()
    CheckoutSession.objects.update(
        status=CheckoutSession.Status.OPEN, member=None, created_member=False
    )


@pytest.mark.slow
def test_the_same_events_in_any_order_twice_or_at_once_end_in_one_state(
    live_server: Any, stripe_fake: Any, twelve_events: list[dict[str, Any]]
) -> None:
    stripe_fake.webhook_url = live_server.url + "/billing/stripe/webhook/"
    shuffled = random.Random(16).sample(twelve_events, len(twelve_events))
    orders = {
        "in order": twelve_events,
        "reversed": twelve_events[::-1],
        "shuffled": shuffled,
        "each twice": [event for event in shuffled for _ in range(2)],
    }
    states = {}
    for name, order in orders.items():
        forget_everything()
        assert [stripe_fake.deliver(event) for event in order] == [200] * len(order), name
        states[name] = final_state()
    forget_everything()
    deliveries = [event for event in twelve_events for _ in range(2)]
    random.Random(8).shuffle(deliveries)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(stripe_fake.deliver, deliveries))
    assert statuses == [200] * 24
    states["8 threads, each twice"] = final_state()

    expected = states["in order"]
    for name, state in states.items():
        assert state == expected, name
    # And that one state is right: one member, one subscription, each email once.
    assert expected["members"] == [
        ("zoe.angstrom@example.org", "Zoë Ångström", "active", "free",
         stripe_fake.subscriptions()[0]["customer"])
    ]  # fmt: skip
    (subscription,) = expected["subscriptions"]
    assert subscription[2:6] == ("canceled", "supporter", 500, "month")
    assert subscription[-2:] == (True, True)  # was paid, was charged
    assert expected["access"] == [("zoe.angstrom@example.org", False, "free", "Free")]
    assert [template for _, template in expected["emails"]] == [
        "billing/email/canceled", "billing/email/payment_failed", "billing/email/welcome",
    ]  # fmt: skip
    assert len(expected["events"]) == 12
    assert {status for *_, status in expected["events"]} == {"done", "ignored"}


def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing(
    client: Client, stripe_fake: Any, twelve_events: list[dict[str, Any]], signed_webhook: Any
) -> None:
    completed = next(e for e in twelve_events if e["type"] == "checkout.session.completed")
    forged = signed_webhook(client, completed, secret="whsec_someone_else")
    unsigned = client.post("/billing/stripe/webhook/", completed, content_type="application/json")
    stale = signed_webhook(client, completed, signature="t=1000000000,v1=" + "0" * 64)
    garbage = client.post(
        "/billing/stripe/webhook/", b"{not json", content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=00"},
    )  # fmt: skip
    assert [forged.status_code, unsigned.status_code, stale.status_code, garbage.status_code] == [
        400
    ] * 4
    assert not WebhookEvent.objects.exists()
    assert not Member.objects.exists() and not PaidSubscription.objects.exists()
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.OPEN


def test_a_tampered_payload_is_refused(
    client: Client, stripe_fake: Any, twelve_events: list[dict[str, Any]]
) -> None:
    event = twelve_events[-1]
    signature = sign(json.dumps(event).encode(), stripe_fake.webhook_secret)
    event = {**event, "type": "customer.subscription.created"}
    response = client.post(
        "/billing/stripe/webhook/", json.dumps(event).encode(), content_type="application/json",
        headers={"Stripe-Signature": signature},
    )  # fmt: skip
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_duplicate_delivery_is_stored_once_and_does_nothing_more(
    client: Client, stripe_fake: Any, twelve_events: list[dict[str, Any]], signed_webhook: Any
) -> None:
    created = next(e for e in twelve_events if e["type"] == "customer.subscription.created")
    first = signed_webhook(client, created)
    fetches = len(stripe_fake.requests)
    second = signed_webhook(client, created)
    assert first.status_code == second.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.deliveries, event.attempts) == ("done", 2, 1)
    assert len(stripe_fake.requests) == fetches  # the second delivery did not even ask Stripe
    assert PaidSubscription.objects.count() == 1


def test_a_webhook_for_an_unknown_customer_is_recorded_without_a_crash(
    client: Client, stripe_fake: Any, paid_tier: Any, signed_webhook: Any
) -> None:
    stripe_fake.auto_deliver = False
    customer = stripe_fake.create_customer({"email": "someone.else@example.org"})["id"]
    price = paid_tier.prices.get(interval="month").stripe_price_id
    stripe_fake.create_subscription(customer, price)
    statuses = [signed_webhook(client, event).status_code for event in stripe_fake.events]
    assert statuses == [200, 200, 200]
    handled = WebhookEvent.objects.exclude(type="customer.created")
    assert set(handled.values_list("status", "unknown_customer")) == {("done", True)}
    subscription = PaidSubscription.objects.get()
    assert subscription.member is None and subscription.stripe_customer_id == customer
    assert subscription.tier == paid_tier and subscription.status == "active"
    assert not Member.objects.exists() and not OutboundEmail.objects.exists()


def test_an_unknown_customers_subscription_counts_once_a_member_has_that_customer(
    client: Client, stripe_fake: Any, paid_tier: Any, signed_webhook: Any
) -> None:
    stripe_fake.auto_deliver = False
    customer = stripe_fake.create_customer({"email": "later@example.org"})["id"]
    stripe_fake.create_subscription(customer, paid_tier.prices.get(interval="year").stripe_price_id)
    for event in stripe_fake.events:
        signed_webhook(client, event)
    member = Member.objects.create(email="later@example.org", stripe_customer_id=customer,
                                   status=Member.Status.ACTIVE)  # fmt: skip
    subscriptions.link_customer(member.pk, customer)
    member.refresh_from_db()
    assert member.tier == Member.Tier.PAID
    assert MemberAccess.objects.get(member=member).paying


def test_an_event_that_fails_is_kept_and_tried_again_until_it_works(
    client: Client, stripe_fake: Any, twelve_events: list[dict[str, Any]], signed_webhook: Any,
    settings: Any,
) -> None:  # fmt: skip
    created = next(e for e in twelve_events if e["type"] == "customer.subscription.created")
    real_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    assert signed_webhook(client, created).status_code == 200  # stored: Stripe need not retry
    event = WebhookEvent.objects.get()
    assert event.status == "failed" and "Error" in event.last_error
    settings.STRIPE_API_BASE = real_base
    assert webhooks.retry_pending() == 0  # not before its next try
    WebhookEvent.objects.update(lease_until=timezone.now())
    assert webhooks.retry_pending() == 1
    assert WebhookEvent.objects.get().status == "done"
    assert PaidSubscription.objects.get().status == "canceled"  # as Stripe says now


def test_events_are_forgotten_a_month_after_they_were_acted_on(
    client: Client, stripe_fake: Any, twelve_events: list[dict[str, Any]], signed_webhook: Any
) -> None:
    for event in twelve_events[:3]:
        signed_webhook(client, event)
    WebhookEvent.objects.filter(stripe_id=twelve_events[0]["id"]).update(
        received_at=timezone.now() - timedelta(days=31)
    )
    assert webhooks.prune_events() == 1
    assert WebhookEvent.objects.count() == 2
