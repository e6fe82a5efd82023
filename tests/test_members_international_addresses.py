"""Transactional mail (the outbox: sign-in links) to internationalised addresses: delivered over
SMTPUTF8 when the server offers it, IDNA domains always; refused at once, with the reason, by a
server without SMTPUTF8 (never sent to an address changed on the way)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

from atlas.lib.email import build_message
from atlas.members import outbox
from atlas.members.models import Member, OutboundEmail


def sign_in_email(make_member: Any, address: str) -> OutboundEmail:
    member = make_member(email=address)
    return outbox.queue(address, "members/email/sign_in", member=member, link="sign_in")


def test_a_server_with_smtputf8_gets_the_sign_in_link_at_the_international_address(
    make_member: Any, mailbox_smtputf8: Any, deliver: Any
) -> None:
    email = sign_in_email(make_member, "tomás@bücher.example")
    assert deliver() == 1
    received = mailbox_smtputf8.last_to("tomás@xn--bcher-kva.example")
    assert "/signin/" in received.text
    # The header names the same address in UTF-8 (RFC 6532), not as an RFC 2047 word.
    assert "To: tomás@xn--bcher-kva.example\r\n".encode() in received.raw
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_an_idna_domain_is_encoded_for_a_server_without_smtputf8(
    make_member: Any, mailbox: Any, deliver: Any
) -> None:
    sign_in_email(make_member, "anna@bücher.example")
    assert deliver() == 1
    assert mailbox.last_to("anna@xn--bcher-kva.example")


def test_without_smtputf8_an_international_local_part_fails_at_once_with_the_reason(
    make_member: Any, mailbox: Any, deliver: Any
) -> None:
    email = sign_in_email(make_member, "tomás@example.org")
    other = sign_in_email(make_member, "ann@example.org")
    assert deliver() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED and email.attempts == 1
    assert "server does not accept internationalised addresses" in email.last_error
    assert [message.recipients for message in mailbox.messages] == [["ann@example.org"]]
    assert Member.objects.filter(email=other.to).exists()


def test_captured_mail_names_an_international_address_in_utf8(
    make_member: Any, settings: Any, tmp_path: Path
) -> None:
    """Without EMAIL_URL, mail is written to files (`make run`): the To header as a server
    offering SMTPUTF8 would get it."""
    settings.EMAIL_BACKEND = "atlas.lib.smtp.CapturedEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    message = build_message(
        "members/email/sign_in",
        {"member": make_member(email="josé@example.org"), "link": "https://example.org/x"},
        to="José Núñez <josé@example.org>",
        from_email="Atlas <newsroom@example.org>",
    )
    assert message.send() == 1
    [written] = tmp_path.iterdir()
    raw = written.read_bytes()
    assert "<josé@example.org>\n".encode() in raw  # the name may be an RFC 2047 word
    parsed = email.message_from_string(raw.decode(), policy=email.policy.default)
    assert parsed["To"].addresses[0].addr_spec == "josé@example.org"
    assert parsed["To"].addresses[0].display_name == "José Núñez"
