"""The newsroom's paid pages: every route as every role (deny by default), and plans given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from atlas.billing.models import BillingSettings, Grant, Tier
from atlas.members.models import Member

READ = ["/newsroom/tiers/", "/newsroom/tiers/numbers/", "/newsroom/tiers/numbers.csv",
        "/newsroom/tiers/plans-given/"]  # fmt: skip
MONEY = ["/newsroom/tiers/new/", "/newsroom/tiers/{tier}/"]


def as_role(role: str) -> Client:
    client = Client()
    if role == "stranger":
        return client
    user = User.objects.create_user(role.lower(), f"{role.lower()}@example.org", "a-long-password")
    if role == "reader":
        client.force_login(user)
        return client
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "reads", "edits_money"),
    [("stranger", False, False), ("reader", False, False), ("Contributor", False, False),
     ("Author", False, False), ("Editor", True, False), ("Administrator", True, True)],
)  # fmt: skip
def test_every_paid_page_checks_the_role_on_the_server(
    role: str, reads: bool, edits_money: bool, paid_tier: Tier
) -> None:
    client = as_role(role)
    for url in READ:
        status = client.get(url).status_code
        assert status == (200 if reads else 302 if role == "stranger" else 403), (role, url)
    for url in MONEY:
        status = client.get(url.format(tier=paid_tier.pk)).status_code
        assert status == (200 if edits_money else 302 if role == "stranger" else 403), (role, url)
    sync = client.post("/newsroom/tiers/stripe-sync/").status_code
    assert sync == (302 if edits_money or role == "stranger" else 403)
    home = client.get("/newsroom/")
    if home.status_code == 200:
        assert ("Paid tiers" in home.content.decode()) is reads


def test_an_editor_gives_a_plan_for_a_period_with_a_note_and_revokes_it(
    paid_tier: Tier, make_post: Any
) -> None:
    member = Member.objects.create(email="reporter@example.org", status="active",
                                   confirmed_at=timezone.now())  # fmt: skip
    editor = as_role("Editor")
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = editor.post("/newsroom/tiers/plans-given/", {
        "email": "Reporter@Example.org", "tier": paid_tier.pk, "kind": "complimentary",
        "until": until, "note": "Visiting fellow, spring term",
    })  # fmt: skip
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (
        grant.note == "Visiting fellow, spring term" and grant.ends_at.date().isoformat() == until
    )
    member.refresh_from_db()
    assert member.tier == Member.Tier.COMPED
    listing = editor.get("/newsroom/tiers/plans-given/").content.decode()
    assert "reporter@example.org" in listing and "Visiting fellow" in listing

    assert editor.post(f"/newsroom/tiers/plans-given/{grant.pk}/revoke/").status_code == 302
    member.refresh_from_db()
    assert member.tier == Member.Tier.FREE


def test_a_plan_given_names_the_address_as_the_reader_wrote_it(paid_tier: Tier) -> None:
    Member.objects.create(email="chloé@xn--mnchen-3ya.example", status="active",
                          confirmed_at=timezone.now())  # fmt: skip
    page = as_role("Editor").post("/newsroom/tiers/plans-given/", {
        "email": "chloé@münchen.example", "tier": paid_tier.pk, "kind": "gift",
    }, follow=True).content.decode()  # fmt: skip
    assert "Supporter given to chloé@münchen.example." in page


def test_a_plan_for_nobody_or_in_the_past_is_refused(paid_tier: Tier) -> None:
    editor = as_role("Editor")
    unknown = editor.post(
        "/newsroom/tiers/plans-given/",
        {"email": "nobody@example.org", "tier": paid_tier.pk, "kind": "gift"},
    )
    assert b"No member has this address." in unknown.content
    Member.objects.create(email="m@example.org", status="active")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    past = editor.post(
        "/newsroom/tiers/plans-given/",
        {"email": "m@example.org", "tier": paid_tier.pk, "kind": "gift", "until": yesterday},
    )
    assert b"Choose today or a later day." in past.content
    assert not Grant.objects.exists()


def test_billing_settings_are_set_in_the_newsroom_by_administrators_only(db: Any) -> None:
    administrator = as_role("Administrator")
    form = administrator.get("/newsroom/settings/billing/")
    assert form.status_code == 200 and "past_due_grace_days" in form.content.decode()
    saved = administrator.post("/newsroom/settings/billing/", {
        "currency": "usd", "past_due_grace_days": "10", "allow_promotion_codes": "on",
    })  # fmt: skip
    assert saved.status_code == 302
    current = BillingSettings.current()
    assert (current.currency, current.past_due_grace_days, current.allow_promotion_codes) == (
        "usd", 10, True
    )  # fmt: skip
    refused = administrator.post("/newsroom/settings/billing/", {
        "currency": "Euro", "past_due_grace_days": "90",
    })  # fmt: skip
    assert refused.status_code == 200 and BillingSettings.current().past_due_grace_days == 10
    typed = administrator.post("/newsroom/settings/billing/", {
        "currency": "GBP", "past_due_grace_days": "10",
    })  # fmt: skip
    assert typed.status_code == 302 and BillingSettings.current().currency == "gbp"
    assert as_role("Editor").get("/newsroom/settings/billing/").status_code == 403
