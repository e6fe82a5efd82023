"""The newsroom's member page and billing: the plan billing keeps is not set by hand there, and
the page shows the subscription or the plan given, as billing sees it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.billing import entitlement
from atlas.billing import services as billing_services
from atlas.billing.models import PaidSubscription, Tier
from atlas.members.hooks import may_read, plan_of
from atlas.members.models import Member, MemberEvent
from atlas.publishing.models import Post


@pytest.fixture
def supporter(db: Any) -> Tier:
    return Tier.objects.create(name="Supporter", slug="supporter", monthly_amount=500)


@pytest.fixture
def paid_post(make_post: Any) -> Post:
    return make_post("Paid analysis", visibility=Post.Visibility.PAID)


def paying_member(tier: Tier, email: str = "payer@example.org", **fields: Any) -> Member:
    member = Member.objects.create(
        email=email, status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        stripe_customer_id=f"cus_{email}",
    )  # fmt: skip
    now = timezone.now()
    values = {"status": "active", "current_period_start": now - timedelta(days=3),
              "current_period_end": now + timedelta(days=27), **fields}  # fmt: skip
    PaidSubscription.objects.create(
        stripe_id=f"sub_{email}", stripe_customer_id=member.stripe_customer_id, member=member,
        tier=tier, amount=500, interval="month", currency="eur", ever_paid=True,
        started_at=now - timedelta(days=40), **values,
    )  # fmt: skip
    entitlement.recompute(member.pk)
    member.refresh_from_db()
    return member


def save_form(client: Client, member: Member, **fields: str) -> Any:
    data = {"name": "Renamed", "notes": "Called about her card.", "labels_text": "", **fields}
    return client.post(f"/newsroom/members/{member.pk}/", data)


def test_a_paying_subscribers_plan_cannot_be_set_to_free_by_hand(
    editor_client: Client, supporter: Tier, paid_post: Post
) -> None:
    member = paying_member(supporter)
    page = editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    assert 'name="tier"' not in page
    assert "Billing keeps it" in page and "/newsroom/tiers/plans-given/?email=" in page
    assert save_form(editor_client, member, tier="free").status_code == 302
    member.refresh_from_db()
    assert member.tier == Member.Tier.PAID and member.notes == "Called about her card."
    assert plan_of(member).paying and may_read(member, paid_post)


def test_a_member_billing_knows_is_given_a_plan_through_plans_given_not_by_hand(
    editor_client: Client, supporter: Tier, paid_post: Post
) -> None:
    member = Member.objects.create(
        email="lapsed@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        stripe_customer_id="cus_lapsed",
    )  # fmt: skip
    entitlement.recompute(member.pk)  # billing has seen them: free
    save_form(editor_client, member, tier="comped")
    member.refresh_from_db()
    assert member.tier == Member.Tier.FREE and not may_read(member, paid_post)
    form = editor_client.get(f"/newsroom/tiers/plans-given/?email={member.email}")
    assert 'value="lapsed@example.org"' in form.content.decode()
    billing_services.give(member, supporter, note="Press")
    member.refresh_from_db()
    assert member.tier == Member.Tier.COMPED and may_read(member, paid_post)


def test_a_member_billing_never_saw_keeps_a_plan_set_by_hand_that_access_follows(
    editor_client: Client, paid_post: Post
) -> None:
    member = Member.objects.create(
        email="friend@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now()
    )
    assert 'name="tier"' in editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    save_form(editor_client, member, tier="comped")
    member.refresh_from_db()
    assert member.tier == Member.Tier.COMPED and may_read(member, paid_post)
    assert MemberEvent.objects.filter(member=member, kind=MemberEvent.Kind.TIER_CHANGED).exists()
    save_form(editor_client, member, tier="free")
    member.refresh_from_db()
    assert member.tier == Member.Tier.FREE and not may_read(member, paid_post)


def test_the_member_page_shows_the_subscription_as_billing_sees_it(
    editor_client: Client, supporter: Tier
) -> None:
    trial_end = timezone.now() + timedelta(days=10)
    member = paying_member(supporter, status="trialing", trial_end=trial_end)
    page = editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    card = page[page.index('id="member-billing"') :]
    card = card[: card.index("</section>")]
    assert "Trialing" in card and "Supporter" in card and "€5.00 a month" in card
    assert f"Trial ends</dt><dd>{timezone.localtime(trial_end):%-d %b %Y}" in card
    assert "Renews" in card and "sub_payer@example.org" in card


def test_the_member_page_shows_a_gift_and_a_complimentary_plan_distinctly(
    editor_client: Client, supporter: Tier, editor: Any
) -> None:
    member = Member.objects.create(email="given@example.org", status=Member.Status.ACTIVE)
    until = timezone.now() + timedelta(days=60)
    billing_services.give(member, supporter, kind="gift", ends_at=until, note="From her aunt")
    page = editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    card = page[page.index('id="member-billing"') :]
    card = card[: card.index("</section>")]
    assert "Supporter (gift)" in card and ">Gift</span> <strong>Supporter</strong>" in card
    assert f"until {timezone.localtime(until):%-d %b %Y}" in card and "Note: From her aunt" in card
    billing_services.give(member, supporter, note="Press pass")
    card = editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    assert ">Complimentary</span> <strong>Supporter</strong>, until revoked" in card
    assert "Note: Press pass" in card
