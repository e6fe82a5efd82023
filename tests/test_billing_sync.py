"""`atlas billing_sync`: members imported with a Stripe customer keep paying, linked to tiers by
price; nobody is charged again, no customer is duplicated, nobody gets a welcome email."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from atlas.billing import sync
from atlas.billing.models import MemberAccess, Notice, PaidSubscription, Price, SyncRun, Tier
from atlas.members.models import Member, MemberEvent, OutboundEmail

DAY = 24 * 3600
YEAR = 365 * DAY


@pytest.fixture
def moved_in(stripe_fake: Any, paid_tier: Tier) -> dict[str, Member]:
    """Readers who paid through Ghost before: their customers and subscriptions live at Stripe,
    some on a price Atlas never made."""
    stripe_fake.auto_deliver = False
    ghost_product = stripe_fake.create("prod", "product", {"name": "Ghost Supporter"})["id"]
    ghost_price = stripe_fake.create_price(
        {
            "product": ghost_product,
            "currency": "eur",
            "unit_amount": "450",
            "recurring": {"interval": "month"},
        }
    )["id"]
    atlas_price = paid_tier.prices.get(interval="year").stripe_price_id
    members = {}
    for name, price, status in [
        ("monthly", ghost_price, "active"), ("yearly", atlas_price, "active"),
        ("lapsed", ghost_price, "canceled"), ("grace", ghost_price, "past_due"),
    ]:  # fmt: skip
        customer = stripe_fake.create_customer({"email": f"{name}@example.org"})["id"]
        stripe_fake.create_subscription(
            customer, price, status=status, started=int(time.time()) - YEAR
        )
        members[name] = Member.objects.create(
            email=f"{name}@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
            tier=Member.Tier.PAID, stripe_customer_id=customer, source="import",
        )  # fmt: skip
    members["no subscription"] = Member.objects.create(
        email="nosub@example.org", status=Member.Status.ACTIVE, tier=Member.Tier.PAID,
        stripe_customer_id=stripe_fake.create_customer({"email": "nosub@example.org"})["id"],
    )  # fmt: skip
    stranger = stripe_fake.create_customer({"email": "not-a-member@example.org"})["id"]
    stripe_fake.create_subscription(stranger, atlas_price)
    members["ghost_price"] = ghost_price  # type: ignore[assignment]
    return members


def test_sync_links_existing_subscriptions_by_price_without_charging_anyone(
    moved_in: dict[str, Any], stripe_fake: Any, paid_tier: Tier
) -> None:
    writes_before = [request for request in stripe_fake.requests if request[0] != "GET"]
    report = sync.run()
    writes_after = [request for request in stripe_fake.requests if request[0] != "GET"]
    assert writes_after == writes_before  # only reads: no charge, no customer, no change
    assert report["subscriptions"] == 5 and report["unknown_customers"] == 1
    assert report["linked"] == 4
    assert report["paying_members"] == 3 and report["free_members"] == 2
    assert report["unknown_prices"] == {moved_in["ghost_price"]: 3}

    tiers = {member.email: member for member in Member.objects.all()}
    assert {email: member.tier for email, member in tiers.items()} == {
        "monthly@example.org": "paid", "yearly@example.org": "paid", "grace@example.org": "paid",
        "lapsed@example.org": "free", "nosub@example.org": "free",
    }  # fmt: skip
    yearly = PaidSubscription.objects.get(member=moved_in["yearly"])
    assert yearly.tier == paid_tier and yearly.linked_by_sync
    assert PaidSubscription.objects.get(member=moved_in["monthly"]).tier is None
    assert not OutboundEmail.objects.exists()  # no welcome, no cancellation for the old one
    assert Member.objects.count() == 5


def test_linking_a_ghost_price_to_a_tier_then_syncing_again_changes_nothing_else(
    moved_in: dict[str, Any], paid_tier: Tier
) -> None:
    sync.run()
    call_command(
        "billing_sync",
        "--price",
        f"{moved_in['ghost_price']}=supporter",
        stdout=io.StringIO(),
    )
    linked = Price.objects.get(stripe_price_id=moved_in["ghost_price"])
    assert (linked.tier, linked.amount, linked.active, linked.created_by_atlas) == (
        paid_tier,
        450,
        False,
        False,
    )
    assert set(
        PaidSubscription.objects.exclude(member=None).values_list("tier__slug", flat=True)
    ) == {"supporter"}
    assert MemberAccess.objects.get(member=moved_in["monthly"]).tiers.get() == paid_tier
    assert PaidSubscription.objects.count() == 4 and not OutboundEmail.objects.exists()


def test_the_command_refuses_without_stripe_or_with_a_bad_mapping(
    moved_in: dict[str, Any], settings: Any
) -> None:
    with pytest.raises(CommandError, match="PRICE_ID=TIER_SLUG"):
        call_command("billing_sync", "--price", "price_x=no-such-tier")
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CommandError, match="not configured"):
        call_command("billing_sync")


def test_the_newsrooms_button_runs_the_sync_and_shows_its_report(
    moved_in: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    owner = User.objects.create_superuser("owner", "owner@example.org", "a-long-password")
    client = Client()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post("/newsroom/tiers/stripe-sync/").status_code == 302
    run = SyncRun.objects.get()
    sync.run_recorded(run.pk)  # what the task does
    assert len(callbacks) == 1
    page = client.get("/newsroom/tiers/").content.decode()
    assert "Members paying" in page and moved_in["ghost_price"] in page
    run.refresh_from_db()
    assert run.status == "done" and run.report["linked"] == 4


def test_an_imported_subscriptions_webhook_before_the_sync_sends_no_welcome(
    moved_in: dict[str, Any], stripe_fake: Any, deliver_webhooks: Any
) -> None:
    assert set(deliver_webhooks()) == {200}  # the endpoint was set up before billing_sync ran
    assert Member.objects.get(email="monthly@example.org").tier == Member.Tier.PAID
    assert not OutboundEmail.objects.exists()
    sync.run()
    assert not OutboundEmail.objects.exists()
    linked = PaidSubscription.objects.exclude(member=None)
    assert linked.count() == 4 and all(linked.values_list("linked_by_sync", flat=True))
    assert set(Notice.objects.values_list("skipped", flat=True)) == {True}


def test_an_imported_subscriptions_renewal_after_the_sync_sends_no_welcome(
    moved_in: dict[str, Any], stripe_fake: Any, deliver_webhooks: Any
) -> None:
    sync.run()
    deliver_webhooks()  # the events of the subscriptions' creation, late
    for member in ("monthly", "yearly"):
        subscription_id = PaidSubscription.objects.get(member=moved_in[member]).stripe_id
        stripe_fake.renew(subscription_id)
    assert set(deliver_webhooks()) == {200}
    assert not OutboundEmail.objects.exists()
    assert Member.objects.get(email="yearly@example.org").tier == Member.Tier.PAID


def test_the_renewal_of_a_200_day_old_subscription_sends_no_welcome_without_a_sync(
    stripe_fake: Any, paid_tier: Tier, deliver_webhooks: Any
) -> None:
    stripe_fake.auto_deliver = False
    customer = stripe_fake.create_customer({"email": "old@example.org"})["id"]
    price = paid_tier.prices.get(interval="month").stripe_price_id
    started = int(time.time()) - 200 * DAY
    subscription = stripe_fake.create_subscription(customer, price, started=started)
    member = Member.objects.create(
        email="old@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        stripe_customer_id=customer, source="import",
    )  # fmt: skip
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.IMPORTED)
    sent_before = len(stripe_fake.events)
    stripe_fake.renew(subscription["id"])
    assert set(deliver_webhooks(stripe_fake.events[sent_before:])) == {200}
    member.refresh_from_db()
    assert member.tier == Member.Tier.PAID
    assert not OutboundEmail.objects.exists()


def test_a_subscription_started_after_the_import_is_welcomed_and_one_just_before_is_not(
    stripe_fake: Any, paid_tier: Tier, deliver_webhooks: Any
) -> None:
    """Staff start a subscription in Stripe's dashboard for an imported member: it is new to
    them. One started on the old platform the day before the import is not."""
    stripe_fake.auto_deliver = False
    price = paid_tier.prices.get(interval="month").stripe_price_id
    members = {}
    for name, started in [("after", int(time.time())), ("before", int(time.time()) - DAY)]:
        customer = stripe_fake.create_customer({"email": f"{name}@example.org"})["id"]
        members[name] = Member.objects.create(
            email=f"{name}@example.org", status=Member.Status.ACTIVE,
            confirmed_at=timezone.now(), stripe_customer_id=customer, source="import",
        )  # fmt: skip
        MemberEvent.objects.create(
            member=members[name], kind=MemberEvent.Kind.IMPORTED,
            created_at=timezone.now() - timedelta(hours=1),
        )  # fmt: skip
        stripe_fake.create_subscription(customer, price, started=started)
    assert set(deliver_webhooks()) == {200}
    welcomed = OutboundEmail.objects.values_list("to", "template")
    assert list(welcomed) == [("after@example.org", "billing/email/welcome")]
    sync.run()  # linking them later changes nothing
    assert OutboundEmail.objects.count() == 1
