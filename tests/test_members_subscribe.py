"""Readers subscribe with double opt-in, confirmed through a real email over SMTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlas.members.models import (
    Member,
    MemberEvent,
    MembershipSettings,
    Newsletter,
    OutboundEmail,
    Subscription,
)

SAME_ORIGIN = {"Origin": "http://testserver"}


def subscribe(client: Client, email: str, **fields: Any) -> Any:
    return client.post("/subscribe/", {"email": email, **fields}, headers=SAME_ORIGIN)


def follow_link(client: Client, url: str) -> Any:
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    return client.post("/" + path)


def test_subscribe_confirm_and_sign_in_through_real_mail(
    client: Client, mailbox: Any, deliver: Any, db: Any
) -> None:
    response = subscribe(client, "Reader@Example.org", name="Rea Der", page="/posts/x/")
    assert response.status_code == 200 and b"Check your inbox" in response.content
    member = Member.objects.get()
    assert member.status == Member.Status.PENDING and member.email == "Reader@example.org"
    assert deliver() == 1
    message = mailbox.last_to("Reader@example.org")
    assert message.message["Subject"] == "Confirm your subscription to Atlas News"
    assert message.message["Message-ID"]
    assert message.html and "Confirm my subscription" in message.html
    confirm_url = next(link for link in message.links() if "/subscribe/confirm/" in link)

    confirmed = follow_link(client, confirm_url)
    assert confirmed.status_code == 302 and confirmed["Location"] == "/account/"
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE and member.confirmed_at
    assert Subscription.objects.get(member=member).status == Subscription.Status.ACTIVE
    account = client.get("/account/").content.decode()
    assert "Signed in as <strong>Reader@example.org</strong>" in account
    assert "Your subscription is confirmed" in account and "Welcome back" not in account
    kinds = set(member.events.values_list("kind", flat=True))
    assert {MemberEvent.Kind.SIGNED_UP, MemberEvent.Kind.CONFIRMED} <= kinds
    assert member.signup_page == "/posts/x/"


def test_nothing_but_the_confirmation_goes_to_an_unconfirmed_address(
    client: Client, mailbox: Any, deliver: Any, db: Any
) -> None:
    for _ in range(3):
        subscribe(client, "twice@example.org")
    deliver()
    assert len(mailbox.to("twice@example.org")) == 1
    assert OutboundEmail.objects.filter(to="twice@example.org").count() == 1


def test_single_opt_in_activates_at_once(client: Client, db: Any) -> None:
    MembershipSettings.objects.filter(pk=1).update(double_opt_in=False)
    response = subscribe(client, "direct@example.org")
    assert b"You're subscribed" in response.content
    assert Member.objects.get().status == Member.Status.ACTIVE
    assert not OutboundEmail.objects.exists()


def test_reader_chooses_newsletters(client: Client, db: Any) -> None:
    weekly = Newsletter.objects.create(name="Weekly analysis", slug="weekly")
    subscribe(client, "chooser@example.org", newsletters=[weekly.pk])
    assert list(Subscription.objects.values_list("newsletter__slug", flat=True)) == ["weekly"]


def test_confirmation_link_is_single_use(
    client: Client, mailbox: Any, deliver: Any, db: Any
) -> None:
    subscribe(client, "once@example.org")
    deliver()
    url = mailbox.last_to("once@example.org").links()[0]
    follow_link(client, url)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    again = Client().post(path)
    assert again.status_code == 404 and b"This link does not work" in again.content


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("victim@example.org\r\nBcc: everyone@example.org", "line breaks"),
        ("victim@example.org\nBcc: x@example.org", "line breaks"),
        ("not-an-address", "valid email address"),
        ("a" * 290 + "@example.org", "too long"),
        ("ünï\u200bcode@example.org", "U+200B"),
        ("", "Enter your email address"),
    ],
)
def test_bad_addresses_are_refused_before_any_mail(
    client: Client, db: Any, address: str, message: str
) -> None:
    response = subscribe(client, address)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Member.objects.exists() and not OutboundEmail.objects.exists()


def test_internationalised_domain_is_accepted(client: Client, db: Any) -> None:
    subscribe(client, "leser@bücher.example")
    assert Member.objects.get().email == "leser@xn--bcher-kva.example"


def test_honeypot_gets_the_same_answer_and_nothing_is_stored(client: Client, db: Any) -> None:
    response = subscribe(client, "bot@example.org", website="http://spam.example")
    assert response.status_code == 200 and b"Check your inbox" in response.content
    assert not Member.objects.exists()


def test_cross_site_form_posts_are_refused(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/subscribe/", {"email": "x@example.org"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert not Member.objects.exists()
    no_origin = client.post("/subscribe/", {"email": "x@example.org"})
    assert no_origin.status_code == 403


def test_embedded_form_from_our_own_page_works_without_a_token(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/subscribe/", {"email": "x@example.org"}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert Member.objects.filter(email="x@example.org").exists()


def test_subscribing_is_rate_limited_per_address(client: Client, db: Any) -> None:
    statuses = [subscribe(client, "flood@example.org").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    assert b"Too many attempts" in subscribe(client, "flood@example.org").content


def test_subscribing_is_rate_limited_per_ip(client: Client, db: Any) -> None:
    statuses = [subscribe(client, f"person{n}@example.org").status_code for n in range(22)]
    assert statuses.count(429) == 2


def test_home_page_offers_the_form_without_setting_a_cookie(client: Client, db: Any) -> None:
    response = client.get("/")
    assert b'action="/subscribe/"' in response.content
    assert not response.cookies
