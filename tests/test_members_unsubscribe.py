"""Leaving is one click, including RFC 8058 one-click POSTs from mail providers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from atlas.members.links import unsubscribe_token
from atlas.members.models import Member, MemberEvent, Newsletter, Subscription, Suppression


@pytest.fixture
def member(db: Any) -> Member:
    member = Member.objects.create(
        email="reader@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now()
    )
    for newsletter in (
        Newsletter.objects.get(slug="newsletter"),
        Newsletter.objects.create(name="Weekly", slug="weekly"),
    ):
        Subscription.objects.create(member=member, newsletter=newsletter, status="active")
    return member


def statuses(member: Member) -> dict[str, str]:
    return dict(member.subscriptions.values_list("newsletter__slug", "status"))


def test_one_click_post_works_without_session_or_csrf(member: Member) -> None:
    weekly = Newsletter.objects.get(slug="weekly")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/unsubscribe/{unsubscribe_token(member.pk, weekly.pk)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert statuses(member) == {"newsletter": "active", "weekly": "unsubscribed"}


def test_the_page_after_a_one_click_unsubscribe_says_it_is_done(member: Member) -> None:
    weekly = Newsletter.objects.get(slug="weekly")
    path = f"/unsubscribe/{unsubscribe_token(member.pk, weekly.pk)}/"
    client = Client()
    client.post(path, "List-Unsubscribe=One-Click",
                content_type="application/x-www-form-urlencoded")  # fmt: skip
    page = client.get(path).content.decode()
    assert "You're unsubscribed" in page and "Stop sending" not in page
    assert "Resubscribe to “Weekly”" in page
    everything = f"/unsubscribe/{unsubscribe_token(member.pk, None)}/"
    assert "Stop sending newsletters" in client.get(everything).content.decode()


def test_opening_the_page_changes_nothing_and_the_button_unsubscribes(member: Member) -> None:
    client = Client()
    path = f"/unsubscribe/{unsubscribe_token(member.pk, Newsletter.objects.get(slug='weekly').pk)}/"
    page = client.get(path)
    assert b"Unsubscribe from \xe2\x80\x9cWeekly\xe2\x80\x9d" in page.content
    assert statuses(member)["weekly"] == "active"
    done = client.post(path, {"action": "one"}, headers={"Origin": "http://testserver"})
    assert b"You're unsubscribed" in done.content and b"Resubscribe" in done.content
    assert statuses(member)["weekly"] == "unsubscribed"
    client.post(path, {"action": "resubscribe"}, headers={"Origin": "http://testserver"})
    assert statuses(member)["weekly"] == "active"


def test_unsubscribe_from_everything_suppresses_the_address(member: Member) -> None:
    path = f"/unsubscribe/{unsubscribe_token(member.pk, None)}/"
    Client().post(path, {"action": "all"}, headers={"Origin": "http://testserver"})
    member.refresh_from_db()
    assert member.status == Member.Status.UNSUBSCRIBED
    assert set(statuses(member).values()) == {"unsubscribed"}
    assert Suppression.objects.filter(reason="unsubscribed").exists()
    assert member.events.filter(kind=MemberEvent.Kind.UNSUBSCRIBED_ALL).exists()


def test_repeating_an_unsubscribe_is_harmless(member: Member) -> None:
    path = f"/unsubscribe/{unsubscribe_token(member.pk, None)}/"
    for _ in range(3):
        response = Client().post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxfQ:1abc:xyz", ""])
def test_tampered_tokens_are_refused(client: Client, member: Member, token: str) -> None:
    response = client.post(f"/unsubscribe/{token}/" if token else "/unsubscribe/x/")
    assert response.status_code == 404
    assert set(statuses(member).values()) == {"active"}


def test_a_token_names_one_member_only(member: Member) -> None:

    other = Member.objects.create(email="other@example.org", status="active")
    Subscription.objects.create(
        member=other, newsletter=Newsletter.objects.get(slug="weekly"), status="active"
    )
    forged = signing.dumps([other.pk, None], salt="some.other.purpose")
    response = Client().post(
        f"/unsubscribe/{forged}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 404
    Client().post(
        f"/unsubscribe/{unsubscribe_token(member.pk, None)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert set(statuses(other).values()) == {"active"}
