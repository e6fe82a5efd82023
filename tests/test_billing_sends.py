"""A newsletter for chosen paid plans: a send whose audience is the paying members of some
tiers reaches them and nobody else (not free members, not another plan's, not a lapsed plan's)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from atlas.billing.entitlement import recompute
from atlas.billing.models import Grant, Tier
from atlas.delivery.models import Delivery, Send
from atlas.members.models import Member, Newsletter, Subscription
from tests.factories import run_send


def reader(email: str, newsletter: Newsletter, tier: Tier | None = None, **grant: Any) -> Member:
    member = Member.objects.create(
        email=email, name=email.split("@")[0], status=Member.Status.ACTIVE,
        confirmed_at=timezone.now(),
    )  # fmt: skip
    Subscription.objects.create(member=member, newsletter=newsletter, status="active")
    if tier is not None:
        Grant.objects.create(member=member, tier=tier, **grant)
        recompute(member.pk)
    return member


def test_a_send_to_chosen_plans_reaches_only_their_paying_members(
    editor_client: Client, make_post: Any
) -> None:
    supporter = Tier.objects.create(
        name="Supporter", slug="supporter", monthly_amount=500, yearly_amount=5000
    )
    patron = Tier.objects.create(name="Patron", slug="patron", monthly_amount=2000, yearly_amount=0)
    daily = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    reader("free@example.org", daily)
    reader("zoë.åberg@example.org", daily, supporter)
    reader("patron@example.org", daily, patron)
    month_ago = timezone.now() - timedelta(days=30)
    reader("lapsed@example.org", daily, supporter, starts_at=month_ago, ends_at=month_ago)
    post = make_post("For our supporters")

    page = editor_client.get(f"/newsroom/sends/new/?post={post.pk}").content.decode()
    assert "Paying members of the chosen plans only" in page and "Patron" in page
    form = {
        "post": post.pk,
        "newsletters": [daily.pk],
        "mode": "web_and_email",
        "audience": "tiers",
    }
    refused = editor_client.post("/newsroom/sends/new/", form)
    assert refused.status_code == 200 and "Choose at least one plan" in refused.content.decode()
    assert not Send.objects.filter(post=post).exists()

    assert (
        editor_client.post("/newsroom/sends/new/", {**form, "tiers": [supporter.pk]}).status_code
        == 302
    )
    send = Send.objects.get(post=post, is_test=False)
    assert send.audience == Send.Audience.TIERS and send.tier_ids == [supporter.pk]
    run_send(send)
    assert list(Delivery.objects.filter(send=send).values_list("email", flat=True)) == [
        "zoë.åberg@example.org"
    ]


def test_without_paid_plans_the_form_offers_no_audience_by_plan(
    editor_client: Client, make_post: Any
) -> None:
    Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    post = make_post()
    page = editor_client.get(f"/newsroom/sends/new/?post={post.pk}").content.decode()
    assert "Paid and complimentary members only" in page
    assert "chosen plans" not in page
