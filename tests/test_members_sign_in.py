"""Sign-in by emailed link: once, for 10 minutes, for that address, only by a button press."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member, MemberEvent, OutboundEmail
from atlas.members.services import request_sign_in


@pytest.fixture
def member(db: Any) -> Member:

    return Member.objects.create(
        email="reader@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now()
    )


def link_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def request_link(client: Client, email: str, next_path: str = "") -> Any:
    return client.post("/signin/", {"email": email, "next": next_path})


def test_member_signs_in_with_the_emailed_link(
    client: Client, member: Member, mailbox: Any, deliver: Any
) -> None:
    response = request_link(client, "READER@example.org")
    assert b"Check your inbox" in response.content
    deliver()
    message = mailbox.last_to("reader@example.org")
    assert message.message["Subject"] == "Your sign-in link for Atlas News"
    path = link_path(next(link for link in message.links() if "/signin/" in link))

    page = client.get(path)  # what a mail scanner does: nothing happens
    assert page.status_code == 200 and b"Continue as reader@example.org" in page.content
    assert "_auth_user_id" not in client.session
    signed_in = client.post(path)
    assert signed_in.status_code == 302
    assert b"Signed in as <strong>reader@example.org</strong>" in client.get("/account/").content
    assert member.events.filter(kind=MemberEvent.Kind.SIGNED_IN).exists()


def test_same_answer_for_members_and_strangers(
    client: Client, member: Member, mailbox: Any, deliver: Any
) -> None:
    known = request_link(client, "reader@example.org").content.decode()
    unknown = request_link(client, "stranger@example.org").content.decode()
    assert known.replace("reader@example.org", "X") == unknown.replace("stranger@example.org", "X")
    assert deliver() == 1
    assert [message.recipients for message in mailbox.messages] == [["reader@example.org"]]
    assert OutboundEmail.objects.filter(to="stranger@example.org").count() == 0  # nothing kept


@pytest.mark.django_db(transaction=True)
def test_a_member_s_request_takes_as_long_as_a_stranger_s() -> None:
    """Timing tells nobody who is a member: the medians of interleaved requests stay close
    (before: about 37 ms for a member, 22 ms for a stranger)."""
    rounds = 25
    members = [
        Member.objects.create(email=f"timed{number}@example.org", status=Member.Status.ACTIVE)
        for number in range(rounds)
    ]
    took: dict[str, list[float]] = {"member": [], "stranger": []}
    for number, member in enumerate(members):
        for kind, address in (
            ("member", member.email),
            ("stranger", f"nobody{number}@example.org"),
        ):
            client = Client(REMOTE_ADDR=f"198.51.100.{number}")
            started = time.perf_counter()
            response = request_link(client, address)
            took[kind].append(time.perf_counter() - started)
            assert response.status_code == 200
    member_median, stranger_median = (statistics.median(took[kind]) for kind in took)
    assert (
        abs(member_median - stranger_median) <= 0.25 * max(member_median, stranger_median) + 0.002
    ), f"member {member_median * 1000:.1f} ms, stranger {stranger_median * 1000:.1f} ms"


def test_link_works_only_once(client: Client, member: Member) -> None:
    token = create_link(member, EmailLink.Purpose.SIGN_IN)
    assert client.post(f"/signin/{token}/").status_code == 302
    assert Client().post(f"/signin/{token}/").status_code == 404


def test_link_expires_after_ten_minutes(client: Client, member: Member) -> None:
    token = create_link(member, EmailLink.Purpose.SIGN_IN)
    with time_machine.travel(timedelta(minutes=10, seconds=5)):
        response = client.post(f"/signin/{token}/")
    assert response.status_code == 404 and b"Send me a new sign-in link" in response.content


def test_tampered_or_foreign_tokens_do_not_sign_in(client: Client, member: Member) -> None:
    token = create_link(member, EmailLink.Purpose.SIGN_IN)
    confirm_token = create_link(member, EmailLink.Purpose.CONFIRM)
    for attempt in (token[:-2] + "xx", "nonsense", confirm_token):
        assert client.post(f"/signin/{attempt}/").status_code == 404
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
     "http:/\\evil.example", "/%2F%2Fevil.example"],
)  # fmt: skip
def test_next_never_leaves_the_site(client: Client, member: Member, next_path: str) -> None:

    request_sign_in("reader@example.org", next_path)
    token = create_link(member, EmailLink.Purpose.SIGN_IN, next_path=next_path)
    response = client.post(f"/signin/{token}/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location or location.startswith("/%2F")


def test_next_brings_the_reader_back(client: Client, member: Member) -> None:
    token = create_link(member, EmailLink.Purpose.SIGN_IN, next_path="/posts/a-story/#discussion")
    assert client.post(f"/signin/{token}/")["Location"] == "/posts/a-story/#discussion"


def test_sign_in_requests_are_rate_limited(client: Client, member: Member) -> None:
    statuses = [request_link(client, "reader@example.org").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_sign_in_form_needs_a_csrf_token(member: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/signin/", {"email": "reader@example.org"}).status_code == 403


def test_sessions_survive_a_browser_restart(client: Client, member: Member) -> None:
    token = create_link(member, EmailLink.Purpose.SIGN_IN)
    response = client.post(f"/signin/{token}/")
    cookie = response.cookies["sessionid"]
    assert int(cookie["max-age"]) >= 30 * 24 * 3600


def test_sign_out_ends_every_session(member: Member) -> None:
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
        assert device.get("/account/").status_code == 200
    laptop.post("/signout/")
    assert laptop.get("/account/").status_code == 302
    assert phone.get("/account/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_uses_of_one_link_sign_in_once() -> None:

    member = Member.objects.create(
        email="racer@example.org", status=Member.Status.ACTIVE, confirmed_at=timezone.now()
    )
    token = create_link(member, EmailLink.Purpose.SIGN_IN)
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def press() -> None:
        try:
            client = Client()
            barrier.wait()
            statuses.append(client.post(f"/signin/{token}/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [404] * 19
    assert member.events.filter(kind=MemberEvent.Kind.SIGNED_IN).count() == 1


def test_the_sign_in_email_comes_from_the_sender_set_in_delivery_settings(
    make_member: Any, mailbox: Any, deliver: Any, settings: Any
) -> None:
    from email.headerregistry import Address

    from atlas.delivery.models import DeliverySettings
    from atlas.members import outbox
    from atlas.publishing.models import Publication

    settings.DEFAULT_FROM_EMAIL = "Atlas <newsroom@localhost>"
    member = make_member(email="zoe.lambert@example.org")
    outbox.queue(member.email, "members/email/sign_in", member=member, link="sign_in")
    assert deliver() == 1
    # Until staff set a sender: the publication's name, DEFAULT_FROM_EMAIL's address.
    publication = Publication.current().name
    first = mailbox.last_to("zoe.lambert@example.org").message["From"].addresses[0]
    assert first == Address(publication, addr_spec="newsroom@localhost")

    delivery = DeliverySettings.current()
    delivery.from_name, delivery.from_email = "Redacción Atlas", "cartas@example.org"
    delivery.save()
    outbox.queue(member.email, "members/email/sign_in", member=member, link="sign_in")
    assert deliver() == 1
    received = mailbox.to("zoe.lambert@example.org")[-1]
    sender = received.message["From"].addresses[0]
    assert sender == Address("Redacción Atlas", addr_spec="cartas@example.org")
    assert received.sender == "cartas@example.org"  # the envelope too
