"""A newsletter send over real SMTP: every subscriber once, correct headers, DKIM, unsubscribe."""

from __future__ import annotations

from typing import Any

import dkim
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from atlas.delivery import engine, services
from atlas.delivery.models import Delivery, Send
from atlas.lib.dkim import DkimKey, generate_key
from atlas.members.models import Label, Member, Newsletter, Subscription
from atlas.publishing.models import Post
from atlas.publishing.services import publish_due_posts
from tests.factories import newsletter_subscribers, run_send


@pytest.fixture
def story(make_post: Any) -> Post:
    return make_post(
        "Harbour strike ends after nine days",
        subtitle="Dockworkers accept a 4.5% raise.",
        body='The strike is over.[^1]\n\n> "We held the line," she said.\n\n[^1]: Union statement.',
    )


def test_every_subscriber_gets_the_post_exactly_once(
    story: Post, newsletter: Newsletter, mailbox: Any, settings: Any
) -> None:
    settings.ATLAS_DKIM_DOMAIN = ""
    members = newsletter_subscribers(30, newsletter)
    Member.objects.create(email="pending@example.org", status=Member.Status.PENDING)
    unsubscribed = newsletter_subscribers(1, newsletter, prefix="gone")[0]
    Subscription.objects.filter(member=unsubscribed).update(status="unsubscribed")

    send = services.start_send(story, [newsletter])
    run_send(send)

    assert send.status == Send.Status.DONE
    received = [message.recipients[0] for message in mailbox.messages]
    assert sorted(received) == sorted(member.email for member in members)
    assert Delivery.objects.filter(send=send, state="sent").count() == 30
    message = mailbox.last_to("reader0@example.org").message
    assert message["Subject"] == "Harbour strike ends after nine days"
    assert message["Message-ID"] == f"<send{send.pk}.m{members[0].pk}@localhost>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "mailto:unsubscribe@localhost" in message["List-Unsubscribe"]
    assert message["Precedence"] == "bulk" and message["List-Id"]
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "The strike is over." in html and "We held the line" in html
    assert "style=" in html  # CSS inlined
    assert "Daily" not in html and "subscribed to Newsletter" in html
    assert "The strike is over." in text and "Unsubscribe:" in text


def test_the_unsubscribe_link_in_the_email_works(
    story: Post, newsletter: Newsletter, mailbox: Any
) -> None:
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(story, [newsletter]))
    header = mailbox.last_to(member.email).message["List-Unsubscribe"]
    url = header.split("<")[-1].rstrip(">")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = Client().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get(member=member).status == "unsubscribed"


@pytest.mark.parametrize("algorithm", ["rsa", "ed25519"])
def test_messages_carry_dkim_signatures_that_verify(
    story: Post, newsletter: Newsletter, mailbox: Any, settings: Any, tmp_path: Any, algorithm: str
) -> None:

    pem = generate_key(algorithm)
    (tmp_path / f"sel1.{algorithm}.pem").write_bytes(pem)
    settings.ATLAS_DKIM_DOMAIN = "news.example.org"
    settings.ATLAS_DKIM_DIR = str(tmp_path)
    settings.DEFAULT_FROM_EMAIL = "Atlas News <letters@news.example.org>"
    newsletter_subscribers(2, newsletter)
    run_send(services.start_send(story, [newsletter]))
    record = DkimKey.from_pem("news.example.org", "sel1", pem).dns_record().encode()

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"sel1._domainkey.news.example.org."
        return record

    raw = mailbox.messages[0].raw
    assert mailbox.messages[0].message["DKIM-Signature"]
    assert dkim.verify(raw, dnsfunc=dns)
    tampered = raw.replace(b"The strike is over.", b"The strike goes on.")
    assert not dkim.verify(tampered, dnsfunc=dns)


def test_gated_post_sends_the_full_text_only_to_entitled_readers(
    make_post: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    post = make_post("Paid deep dive", visibility=Post.Visibility.PAID, body="Secret analysis.")
    free = newsletter_subscribers(1, newsletter)[0]
    paid = Member.objects.create(
        email="paid@example.org",
        status="active",
        tier=Member.Tier.PAID,
        confirmed_at=timezone.now(),
    )
    Subscription.objects.create(member=paid, newsletter=newsletter, status="active")
    run_send(services.start_send(post, [newsletter]))
    assert "Secret analysis." in mailbox.last_to(paid.email).html
    free_html = mailbox.last_to(free.email).html
    assert "Secret analysis." not in free_html and "This post is for paying members" in free_html


def test_audience_and_labels_narrow_the_send(
    story: Post, newsletter: Newsletter, mailbox: Any
) -> None:

    vip = Label.objects.create(name="VIP")
    members = newsletter_subscribers(3, newsletter)
    members[1].labels.add(vip)
    run_send(services.start_send(story, [newsletter], labels=[vip]))
    assert [message.recipients for message in mailbox.messages] == [[members[1].email]]


def test_a_post_is_sent_once(story: Post, newsletter: Newsletter, db: Any) -> None:
    services.start_send(story, [newsletter])
    with pytest.raises(services.SendRefused):
        services.start_send(story, [newsletter])


def test_test_send_goes_only_to_the_given_addresses(
    story: Post, newsletter: Newsletter, mailbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    newsletter_subscribers(3, newsletter)
    send = services.test_send(story, ["editor@example.org"])
    engine.deliver_batch(send.batches.get().pk)
    assert [m.recipients for m in mailbox.messages] == [["editor@example.org"]]
    assert mailbox.messages[0].message["Subject"] == "[Test] Harbour strike ends after nine days"


def test_header_injection_in_a_title_never_reaches_the_headers(
    make_post: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    post = make_post("Ordinary title")
    Post.objects.filter(pk=post.pk).update(title="Hello\r\nBcc: victim@example.org")
    post.refresh_from_db()
    newsletter_subscribers(1, newsletter)
    run_send(services.start_send(post, [newsletter]))
    message = mailbox.messages[0]
    assert message.recipients == ["reader0@example.org"]
    assert message.message["Bcc"] is None
    assert message.message["Subject"] == "Hello Bcc: victim@example.org"


def test_scheduled_post_sends_when_it_goes_live(
    make_post: Any, newsletter: Newsletter, mailbox: Any, django_capture_on_commit_callbacks: Any
) -> None:

    at = timezone.now() + timezone.timedelta(hours=1)
    post = make_post("Tomorrow's story", status=Post.Status.SCHEDULED, published_at=at)
    newsletter_subscribers(2, newsletter)
    send = services.start_send(post, [newsletter])
    assert send.status == Send.Status.SCHEDULED
    with time_machine.travel(at + timezone.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            publish_due_posts()
        send.refresh_from_db()
        assert send.status == Send.Status.PREPARING
        run_send(send)
    assert len(mailbox.messages) == 2
