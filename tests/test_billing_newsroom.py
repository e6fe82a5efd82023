"""The newsroom's paid pages: every route as every role (deny by default), and plans given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from atlas.billing.models import Grant, Tier
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
