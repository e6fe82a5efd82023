"""A member's own page: profile, newsletters, address change, data download, deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.members import services
from atlas.members.importing import import_members
from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member, Newsletter, Subscription, Suppression


@pytest.fixture
def member(db: Any) -> Member:
    member = Member.objects.create(
        email="reader@example.org", name="Rea", status=Member.Status.ACTIVE,
        confirmed_at=timezone.now(),
    )  # fmt: skip
    Subscription.objects.create(
        member=member, newsletter=Newsletter.objects.get(slug="newsletter"), status="active"
    )
    return member


@pytest.fixture
def signed_in(member: Member) -> Client:
    client = Client()
    client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    return client


def test_account_needs_sign_in(client: Client, db: Any) -> None:
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/?next=")


def test_member_changes_name_and_newsletters(signed_in: Client, member: Member) -> None:
    weekly = Newsletter.objects.create(name="Weekly", slug="weekly")
    response = signed_in.post(
        "/account/", {"name": "Rea Der", "comment_name": "rea", "newsletters": [weekly.pk]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.comment_name) == ("Rea Der", "rea")
    assert [n.slug for n in services.member_newsletters(member)] == ["weekly"]
    assert b"Your choices are saved." in signed_in.get("/account/").content


def test_email_change_is_confirmed_from_the_new_address(
    signed_in: Client, member: Member, mailbox: Any, deliver: Any
) -> None:
    other_device = Client()
    other_device.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    response = signed_in.post("/account/email/", {"email": "new@example.org"})
    assert b"Check your inbox" in response.content
    deliver()
    assert not mailbox.to("reader@example.org")
    url = mailbox.last_to("new@example.org").links()[0]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert signed_in.post(path).status_code == 302
    member.refresh_from_db()
    assert member.email == "new@example.org"
    assert other_device.get("/account/").status_code == 302  # signed out elsewhere
    assert b"new@example.org" in signed_in.get("/account/").content


def test_email_change_to_a_taken_address_sends_nothing(
    signed_in: Client, member: Member, deliver: Any, mailbox: Any
) -> None:
    Member.objects.create(email="taken@example.org")
    signed_in.post("/account/email/", {"email": "taken@example.org"})
    deliver()
    assert not mailbox.to("taken@example.org")


def test_member_downloads_their_data(signed_in: Client, member: Member) -> None:
    response = signed_in.get("/account/data.json")
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["email"] == "reader@example.org"
    assert data["newsletters"][0]["status"] == "active"
    assert any(event["event"] == "signed_in" for event in data["history"])


def test_deleting_the_account_keeps_only_a_fingerprint(signed_in: Client, member: Member) -> None:
    assert b"Delete my account" in signed_in.get("/account/delete/").content
    signed_in.post("/account/delete/")
    assert not Member.objects.exists()
    assert Suppression.objects.get().reason == Suppression.Reason.DELETED
    assert signed_in.get("/account/").status_code == 302

    report = import_members(
        __import__("io").StringIO("email\nreader@example.org\n"),
        newsletters=list(Newsletter.objects.all()),
        confirmed=True,
    )
    assert report.created == 0 and not Member.objects.filter(status="active").exists()


def test_staff_without_a_member_profile_see_a_clear_page(editor_client: Client) -> None:
    assert editor_client.get("/account/").status_code == 403
