"""Transactional mail (the outbox: sign-in links) to internationalised addresses: delivered over
SMTPUTF8 when the server offers it, IDNA domains always; refused at once, with the reason, by a
server without SMTPUTF8 (never sent to an address changed on the way)."""

from __future__ import annotations

from typing import Any

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
