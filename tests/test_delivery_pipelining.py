"""Newsletters over a server that offers PIPELINING (RFC 2920): each message's final reply is
read with the next message's envelope, and every outcome still lands on its own recipient."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings as django_settings

from atlas.delivery import services
from atlas.delivery.models import Send
from atlas.delivery.transport import smtp_settings
from atlas.lib.smtp import ConnectionLost, RecipientError, SmtpConnection
from atlas.members.models import Newsletter
from tests.factories import newsletter_subscribers, run_send
from tests.mailbox import Mailbox


@pytest.fixture
def story(make_post: Any) -> Any:
    return make_post("Council passes the budget")


@pytest.mark.parametrize("server", ["mailbox", "mailbox_in_turn"])
def test_refusals_land_on_their_own_recipients(
    request: pytest.FixtureRequest, server: str, story: Any, newsletter: Newsletter
) -> None:
    mailbox: Mailbox = request.getfixturevalue(server)
    newsletter_subscribers(6, newsletter)
    mailbox.faults["reader1@example.org"] = "550 5.1.1 No such user"
    mailbox.faults["reader3@example.org"] = "data:554 5.6.0 Content rejected"
    mailbox.faults["reader4@example.org"] = "451 4.7.1 Try again later"
    send = services.start_send(story, [newsletter])
    run_send(send)
    outcomes = {row.email: (row.state, row.smtp_code) for row in send.deliveries.all()}
    assert outcomes == {
        "reader0@example.org": ("sent", 250),
        "reader1@example.org": ("failed", 550),
        "reader2@example.org": ("sent", 250),
        "reader3@example.org": ("failed", 554),
        "reader4@example.org": ("deferred", 451),
        "reader5@example.org": ("sent", 250),
    }
    received = sorted(recipient for item in mailbox.messages for recipient in item.recipients)
    assert received == [f"reader{number}@example.org" for number in (0, 2, 5)]
    assert Send.objects.get(pk=send.pk).status == Send.Status.SENDING  # reader4 is due later


def test_the_last_reply_is_read_before_the_session_ends(mailbox: Mailbox) -> None:
    assert mailbox.port == django_settings.EMAIL_PORT
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    assert smtp.pipelining
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    first = smtp.submit("news@example.org", "one@example.org", data, "first")
    second = smtp.submit("news@example.org", "two@example.org", data, "second")
    assert first == []  # in flight: its reply comes with the next message's envelope
    assert [(tag, reply.code) for tag, reply in second] == [("first", 250)]
    assert [(tag, reply.code) for tag, reply in smtp.drain()] == [("second", 250)]
    assert smtp.drain() == []
    smtp.close()
    assert [item.recipients for item in mailbox.messages] == [
        ["one@example.org"],
        ["two@example.org"],
    ]


def test_a_session_lost_with_a_message_in_flight_leaves_it_unrecorded(mailbox: Mailbox) -> None:
    mailbox.faults["one@example.org"] = "drop"
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    assert smtp.submit("news@example.org", "one@example.org", b"Hi.\r\n", "one") == []
    with pytest.raises(ConnectionLost):
        smtp.submit("news@example.org", "two@example.org", b"Hi.\r\n", "two")
    assert smtp.drain() == []  # "one" arrived, but no reply said so: it is sent again later


def test_the_next_envelope_goes_ahead_with_the_message_before_it(mailbox: Mailbox) -> None:
    """Announced after the first message's end of data, the second's envelope is answered
    while the second message is being built; handing that message over then writes only its
    data."""
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    assert smtp.submit("news@example.org", "one@example.org", data, 1, "two@example.org") == []
    assert smtp.announced.startswith(b"MAIL FROM:<news@example.org>")
    second = smtp.submit("news@example.org", "two@example.org", data, 2, "three@example.org")
    third = smtp.submit("news@example.org", "three@example.org", data, 3)
    assert smtp.announced == b""
    assert [(tag, reply.code) for tag, reply in second + third + smtp.drain()] == [
        (1, 250),
        (2, 250),
        (3, 250),
    ]
    smtp.close()
    assert [item.recipients for item in mailbox.messages] == [
        ["one@example.org"],
        ["two@example.org"],
        ["three@example.org"],
    ]


def test_a_refused_announced_recipient_fails_alone(mailbox: Mailbox) -> None:
    mailbox.faults["two@example.org"] = "550 5.1.1 No such user"
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    replies = smtp.submit("news@example.org", "one@example.org", data, 1, "two@example.org")
    replies += smtp.submit("news@example.org", "two@example.org", data, 2, "three@example.org")
    replies += smtp.submit("news@example.org", "three@example.org", data, 3)
    replies += smtp.drain()
    smtp.close()
    assert [(tag, reply.code) for tag, reply in replies] == [(1, 250), (2, 550), (3, 250)]
    received = [item.recipients for item in mailbox.messages]
    assert received == [["one@example.org"], ["three@example.org"]]


def test_an_announced_message_never_handed_over_is_never_delivered(mailbox: Mailbox) -> None:
    """A worker that stops (or loses its lease) after announcing the next envelope ends the
    session without writing that message's data: the server discards the open transaction,
    and the session ends at once rather than sending QUIT into a message."""
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    smtp.submit("news@example.org", "one@example.org", data, 1, "two@example.org")
    assert [(tag, reply.code) for tag, reply in smtp.drain()] == [(1, 250)]
    started = time.monotonic()
    smtp.close()
    assert time.monotonic() - started < 5  # no QUIT waiting for a reply that never comes
    assert smtp.client is None and smtp.announced == b""
    assert [item.recipients for item in mailbox.messages] == [["one@example.org"]]


def test_another_message_than_the_one_announced_ends_the_session(mailbox: Mailbox) -> None:
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    smtp.submit("news@example.org", "one@example.org", data, 1, "two@example.org")
    with pytest.raises(ConnectionLost):
        smtp.submit("news@example.org", "three@example.org", data, 3)
    assert smtp.client is None
    assert [item.recipients for item in mailbox.messages] == [["one@example.org"]]


def test_a_next_address_the_session_cannot_carry_is_not_announced(mailbox: Mailbox) -> None:
    """Without SMTPUTF8 a non-ASCII local part cannot be written: that recipient fails in its
    own turn (RecipientError, nothing written), and the messages around it go."""
    smtp = SmtpConnection(smtp_settings())
    smtp.open()
    data = b"Subject: hello\r\n\r\nHello.\r\n"
    replies = smtp.submit("news@example.org", "one@example.org", data, 1, "jörg@example.org")
    assert smtp.announced == b""
    with pytest.raises(RecipientError):
        smtp.submit("news@example.org", "jörg@example.org", data, 2, "three@example.org")
    replies += smtp.submit("news@example.org", "three@example.org", data, 3)
    replies += smtp.drain()
    smtp.close()
    assert [(tag, reply.code) for tag, reply in replies] == [(1, 250), (3, 250)]
    received = [item.recipients for item in mailbox.messages]
    assert received == [["one@example.org"], ["three@example.org"]]
