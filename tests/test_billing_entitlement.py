"""Who reads posts for paying members: Stripe's statuses, the grace period, cancellation at the
period's end, complimentary and gift plans, posts for chosen tiers, newsletters, the page cache."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
import time_machine
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from atlas.billing import entitlement
from atlas.billing import services as billing_services
from atlas.billing.models import Grant, MemberAccess, PaidSubscription, PostTier, Tier
from atlas.delivery import services as delivery_services
from atlas.delivery.engine import prepare_send_task
from atlas.delivery.models import Delivery
from atlas.lib.pagecache import PageCache
from atlas.members.hooks import full_text_readers
from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member, Newsletter, Subscription
from atlas.publishing.models import Post

SECRET = "The paragraph only paying readers may read."


@pytest.fixture
def paid_post(make_post: Any) -> Post:
    return make_post("Paid analysis", visibility=Post.Visibility.PAID, body=SECRET)


@pytest.fixture
def patron(db: Any) -> Tier:
    return Tier.objects.create(name="Patron", slug="patron", monthly_amount=2000)


def member_with(
    status: str | None = None, email: str = "reader@example.org", **fields: Any
) -> Member:
    """A confirmed member with one subscription in `status` (as Stripe described it)."""
    member = Member.objects.create(
        email=email, status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        stripe_customer_id=f"cus_{email}",
    )  # fmt: skip
    if status is not None:
        now = timezone.now()
        values = {"current_period_start": now - timedelta(days=3),
                  "current_period_end": now + timedelta(days=27),
                  "started_at": now - timedelta(days=40), "ever_paid": True, **fields}  # fmt: skip
        PaidSubscription.objects.create(
            stripe_id=f"sub_{email}", stripe_customer_id=member.stripe_customer_id, member=member,
            status=status, amount=500, interval="month", currency="eur", **values,
        )  # fmt: skip
    entitlement.recompute(member.pk)
    member.refresh_from_db()
    return member


def browser_of(member: Member) -> Client:
    client = Client()
    client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    return client


def reads(member: Member, post: Post) -> bool:
    return SECRET in browser_of(member).get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("status", "paid"),
    [("trialing", True), ("active", True), ("past_due", True), ("canceled", False),
     ("unpaid", False), ("incomplete", False), ("incomplete_expired", False), ("paused", False)],
)  # fmt: skip
def test_stripes_statuses_decide_who_reads(status: str, paid: bool, paid_post: Post) -> None:
    member = member_with(status)
    assert reads(member, paid_post) is paid
    assert member.tier == (Member.Tier.PAID if paid else Member.Tier.FREE)


def test_past_due_reads_for_the_grace_period_then_sees_the_teaser(paid_post: Post) -> None:
    settings_row = billing_services.BillingSettings.current()
    settings_row.past_due_grace_days = 5
    settings_row.save()
    renewal = timezone.now()
    member = member_with("past_due", current_period_start=renewal)
    assert reads(member, paid_post)
    with time_machine.travel(renewal + timedelta(days=4, hours=23)):
        assert reads(member, paid_post)
    with time_machine.travel(renewal + timedelta(days=5, minutes=1)):
        assert not reads(member, paid_post)
        assert entitlement.recheck_due() == 1  # the stored plan follows, for lists and sends
        member.refresh_from_db()
        assert member.tier == Member.Tier.FREE


def test_the_account_page_in_past_due_says_when_access_ends_not_when_stripes_period_does(
    paid_post: Post,
) -> None:
    settings_row = billing_services.BillingSettings.current()
    settings_row.past_due_grace_days = 5
    settings_row.save()
    renewal = timezone.now() - timedelta(days=1)
    member = member_with(
        "past_due", current_period_start=renewal, current_period_end=renewal + timedelta(days=30)
    )
    grace_end = date_format(timezone.localtime(renewal + timedelta(days=5)), "j F Y")
    period_end = date_format(timezone.localtime(renewal + timedelta(days=30)), "j F Y")
    account = browser_of(member).get("/account/").content.decode()
    assert f"Your payment failed; you can read until {grace_end}." in account
    assert "Update your card" in account
    assert "Renews on" not in account and "Ends on" not in account and period_end not in account
    with time_machine.travel(renewal + timedelta(days=5, minutes=1)):
        entitlement.recheck_due()
        account = browser_of(member).get("/account/").content.decode()
        assert f"Your payment failed and your access ended on {grace_end}." in account
        assert "Renews on" not in account


def test_a_cancellation_at_the_periods_end_reads_until_the_end_then_the_teaser(
    paid_post: Post,
) -> None:
    end = timezone.now() + timedelta(days=2)
    member = member_with("active", cancel_at_period_end=True, current_period_end=end)
    assert reads(member, paid_post)
    account = browser_of(member).get("/account/").content.decode()
    assert "Ends on" in account and "it will not renew" in account
    with time_machine.travel(end - timedelta(minutes=1)):
        assert reads(member, paid_post)
    with time_machine.travel(end + timedelta(minutes=1)):
        assert not reads(member, paid_post)  # even before Stripe's deletion event arrives


def test_a_complimentary_plan_ends_by_itself_and_shows_as_such(
    paid_post: Post, patron: Tier, editor: Any
) -> None:
    member = member_with(None, email="press@example.org")
    until = timezone.now() + timedelta(days=30)
    billing_services.give(member, patron, ends_at=until, note="Press pass", by=editor)
    member.refresh_from_db()
    assert member.tier == Member.Tier.COMPED and reads(member, paid_post)
    account = browser_of(member).get("/account/").content.decode()
    assert "Patron (complimentary)" in account and "Patron, complimentary until" in account
    with time_machine.travel(until + timedelta(seconds=1)):
        assert not reads(member, paid_post)
        entitlement.recheck_due()
    member.refresh_from_db()
    assert member.tier == Member.Tier.FREE


def test_a_gift_is_shown_distinctly_and_can_be_revoked(paid_post: Post, patron: Tier) -> None:
    member = member_with(None, email="gifted@example.org")
    grant = billing_services.give(member, patron, kind=Grant.Kind.GIFT, note="From Ines")
    assert "Patron (gift)" in browser_of(member).get("/account/").content.decode()
    billing_services.revoke(grant)
    assert not reads(member, paid_post)


def test_a_post_for_chosen_tiers_opens_only_to_them(
    paid_post: Post, paid_tier: Tier, patron: Tier, client: Client
) -> None:
    PostTier.objects.create(post=paid_post, tier=patron)
    supporter = member_with("active", email="supporter@example.org", tier=paid_tier)
    patron_member = member_with("active", email="patron@example.org", tier=patron)
    assert not reads(supporter, paid_post) and reads(patron_member, paid_post)
    gate = browser_of(supporter).get(paid_post.get_absolute_url()).content.decode()
    assert "Upgrade to keep reading" in gate
    patron.prices.create(interval="month", amount=2000, currency="eur", stripe_price_id="price_p")
    anonymous = client.get(paid_post.get_absolute_url()).content.decode()
    assert "Plans that include this post" in anonymous
    assert 'value="patron:month"' in anonymous and "supporter:" not in anonymous


def test_a_member_billing_never_saw_keeps_the_plan_staff_stored(paid_post: Post) -> None:
    imported = Member.objects.create(
        email="imported@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        tier=Member.Tier.PAID,
    )  # fmt: skip
    assert not MemberAccess.objects.filter(member=imported).exists()
    assert reads(imported, paid_post)


def test_a_paid_newsletter_goes_in_full_only_to_readers_it_is_for(
    paid_post: Post, paid_tier: Tier, patron: Tier
) -> None:
    newsletter = Newsletter.objects.get(slug="newsletter")
    readers = {
        "free": member_with(None, email="free@example.org"),
        "paying": member_with("active", email="paying@example.org", tier=paid_tier),
        "grace": member_with("past_due", email="grace@example.org", tier=paid_tier),
        "canceled": member_with("canceled", email="gone@example.org", tier=paid_tier),
        "comped": member_with(None, email="comped@example.org"),
    }
    billing_services.give(readers["comped"], patron)
    for member in readers.values():
        Subscription.objects.create(member=member, newsletter=newsletter, status="active")
    send = delivery_services.start_send(paid_post, [newsletter])
    prepare_send_task.call(send.pk)
    full = dict(Delivery.objects.filter(send=send).values_list("member__email", "full_text"))
    assert full == {
        "free@example.org": False, "paying@example.org": True, "grace@example.org": True,
        "gone@example.org": False, "comped@example.org": True,
    }  # fmt: skip
    PostTier.objects.create(post=paid_post, tier=patron)
    ids = [member.pk for member in readers.values()]
    assert full_text_readers(paid_post, ids) == {readers["comped"].pk}


# The page cache: a paying reader's page is never anyone else's ---------------------------------


@pytest.fixture
def cached_site() -> PageCache:
    return PageCache(get_wsgi_application())


def through_cache(app: PageCache, path: str, cookie: str = "") -> bytes:
    """One request through the page cache, keeping the test's connection open (like the test
    client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return _call(app, path, cookie)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _call(app: PageCache, path: str, cookie: str) -> bytes:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "127.0.0.1"}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(b"")
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


@pytest.mark.parametrize(
    "state",
    [{"status": "active"}, {"status": "trialing"}, {"status": "past_due"},
     {"status": "active", "cancel_at_period_end": True}, {"grant": True}],
)  # fmt: skip
def test_a_paying_readers_page_is_never_served_from_the_cache_to_anyone_else(
    state: dict[str, Any], cached_site: PageCache, paid_post: Post, patron: Tier
) -> None:
    member = member_with(
        state.get("status"), **{k: v for k, v in state.items() if k not in ("status", "grant")}
    )
    if state.get("grant"):
        billing_services.give(member, patron)
    session = browser_of(member).cookies[settings.SESSION_COOKIE_NAME].value
    mine = through_cache(cached_site, paid_post.get_absolute_url(), f"sessionid={session}")
    assert SECRET.encode() in mine
    for _ in range(2):
        anyone = through_cache(cached_site, paid_post.get_absolute_url())
        assert SECRET.encode() not in anyone and b"Subscribe to keep reading" in anyone
    assert not any(SECRET.encode() in entry.body for entry in cached_site.entries.values())
