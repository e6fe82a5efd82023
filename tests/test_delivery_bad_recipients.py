"""One recipient that cannot be sent never stalls a send: it fails alone, with its reason, and
the batch goes on. Against a real SMTP server, with and without SMTPUTF8."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from atlas.delivery import engine, services, stalls
from atlas.delivery.models import Batch, Delivery, DeliverySettings, Send
from atlas.lib.smtp import RecipientError, SmtpConnection, ascii_domain, envelope_address
from atlas.members.models import Member, Newsletter, Subscription
from atlas.publishing.models import Post

RECIPIENTS = 1000
POISONED = {150, 480, 870}  # in three different batches of 100


@pytest.fixture
def story(make_post: Any) -> Post:
    return make_post("Council passes the budget")


def add_subscribers(newsletter: Newsletter, addresses: list[str]) -> None:
    now = timezone.now()
    Member.objects.bulk_create(
        Member(email=address, email_lower=address.lower(), status="active", confirmed_at=now)
        for address in addresses
    )
    Subscription.objects.bulk_create(
        Subscription(member=member, newsletter=newsletter, status="active")
        for member in Member.objects.filter(email__in=addresses)
    )


def audience(poisoned_address: str) -> list[str]:
    return [
        poisoned_address.format(number=number) if number in POISONED else f"r{number}@example.org"
        for number in range(RECIPIENTS)
    ]


def failures(send: Send) -> dict[str, str]:
    failed = send.deliveries.filter(state=Delivery.State.FAILED)
    return dict(failed.values_list("email", "detail"))


def send_until_settled(send: Send, rounds: int = 12) -> None:
    """Workers taking up due batches round after round, a minute apart (retries come due)."""
    engine.prepare_send_task.call(send.pk)
    start = timezone.now()
    for round_number in range(rounds):
        with time_machine.travel(start + timedelta(minutes=round_number), tick=False):
            for batch_id in send.batches.exclude(status=Batch.Status.DONE).values_list(
                "pk", flat=True
            ):
                engine.deliver_batch(batch_id)
        send.refresh_from_db()
        if send.status != Send.Status.SENDING:
            return


def test_idna_domains_are_encoded_and_international_local_parts_refused_without_smtputf8() -> None:
    assert ascii_domain("anna@bücher.example") == "anna@xn--bcher-kva.example"
    assert envelope_address("anna@bücher.example", smtputf8=False) == "anna@xn--bcher-kva.example"
    assert envelope_address("tomás@example.org", smtputf8=True) == "tomás@example.org"
    with pytest.raises(RecipientError, match="server does not accept internationalised addresses"):
        envelope_address("tomás@example.org", smtputf8=False)


@pytest.mark.slow  # a thousand messages through a real SMTP server
def test_a_thousand_recipients_with_three_unsendable_addresses_deliver_the_other_997(
    story: Post, newsletter: Newsletter, mailbox: Any
) -> None:
    DeliverySettings.objects.update(batch_size=100)
    addresses = audience("tomás{number}@example.org")
    addresses[20] = "r20@bücher.example"  # an IDNA domain: encoded, delivered
    add_subscribers(newsletter, addresses)
    send = services.start_send(story, [newsletter])

    send_until_settled(send, rounds=2)

    assert send.status == Send.Status.DONE
    failed = dict(
        send.deliveries.filter(state=Delivery.State.FAILED).values_list("email", "detail")
    )
    assert set(failed) == {f"tomás{number}@example.org" for number in POISONED}
    assert all("server does not accept internationalised addresses" in d for d in failed.values())
    assert send.deliveries.filter(state=Delivery.State.SENT).count() == RECIPIENTS - 3
    received = [message.recipients[0] for message in mailbox.messages]
    assert len(received) == len(set(received)) == RECIPIENTS - 3
    assert "r20@xn--bcher-kva.example" in received
    assert mailbox.last_to("r20@xn--bcher-kva.example").message["To"] == (
        "r20@xn--bcher-kva.example"
    )


def test_a_server_offering_smtputf8_gets_international_addresses_and_utf8_headers(
    story: Post, newsletter: Newsletter, mailbox_smtputf8: Any
) -> None:
    add_subscribers(newsletter, ["tomás@example.org", "zoë@bücher.example", "ann@example.org"])
    send = services.start_send(story, [newsletter])

    send_until_settled(send, rounds=1)

    assert send.status == Send.Status.DONE
    assert set(send.deliveries.values_list("state", flat=True)) == {Delivery.State.SENT}
    message = mailbox_smtputf8.last_to("tomás@example.org").message
    assert message["To"] == "tomás@example.org"
    assert mailbox_smtputf8.last_to("zoë@xn--bcher-kva.example").message["To"] == (
        "zoë@xn--bcher-kva.example"
    )


@pytest.mark.slow
def test_an_error_that_keeps_failing_a_batch_sets_its_recipient_aside_and_the_send_finishes(
    story: Post, newsletter: Newsletter, mailbox: Any, monkeypatch: Any, owner_client: Client
) -> None:
    DeliverySettings.objects.update(batch_size=100)
    addresses = audience("poison{number}@example.org")
    add_subscribers(newsletter, addresses)
    real_submit = SmtpConnection.submit

    def submit_or_break(
        self: SmtpConnection, sender: str, recipient: str, data: bytes, tag: Any, **options: Any
    ) -> Any:
        if recipient.startswith("poison"):
            raise RuntimeError("unexpected state in the transport")
        return real_submit(self, sender, recipient, data, tag, **options)

    monkeypatch.setattr(SmtpConnection, "submit", submit_or_break)
    send = services.start_send(story, [newsletter])

    send_until_settled(send)

    assert send.status == Send.Status.DONE
    failed = dict(
        send.deliveries.filter(state=Delivery.State.FAILED).values_list("email", "detail")
    )
    assert set(failed) == {f"poison{number}@example.org" for number in POISONED}
    for detail in failed.values():
        assert detail.startswith(f"Set aside after {stalls.STALL_LIMIT} failed attempts")
        assert "RuntimeError: unexpected state in the transport" in detail
    assert send.deliveries.filter(state=Delivery.State.SENT).count() == RECIPIENTS - 3
    received = [message.recipients[0] for message in mailbox.messages]
    assert len(received) == len(set(received)) == RECIPIENTS - 3  # nothing sent twice
    assert send.status_reason.startswith("Batches failing: 3 recipients set aside")
    page = owner_client.get(f"/newsroom/sends/{send.pk}/").content.decode()
    assert "Batches failing" in page


def test_a_send_whose_batches_all_fail_is_paused_with_the_reason_on_the_newsroom_home(
    story: Post, newsletter: Newsletter, mailbox: Any, monkeypatch: Any, owner_client: Client
) -> None:
    add_subscribers(newsletter, [f"r{number}@example.org" for number in range(5)])

    def broken(*args: Any) -> None:
        raise KeyError("template part")

    monkeypatch.setattr(engine, "MessageFactory", broken)
    send = services.start_send(story, [newsletter])

    send_until_settled(send)

    assert send.status == Send.Status.PAUSED
    assert send.status_reason == "Batches failing: KeyError: 'template part'"
    assert send.batches.get().attempts == stalls.STALL_LIMIT  # tried a few times, not forever
    assert not mailbox.messages
    home = owner_client.get("/newsroom/").content.decode()
    assert "Batches failing: KeyError" in home


def test_a_send_with_recipients_set_aside_is_listed_on_the_newsroom_home_while_it_runs(
    story: Post, newsletter: Newsletter, owner_client: Client
) -> None:
    send = services.start_send(story, [newsletter])
    Send.objects.filter(pk=send.pk).update(
        status=Send.Status.SENDING,
        status_reason="Batches failing: 2 recipients set aside after repeated errors (last: x)",
    )
    home = owner_client.get("/newsroom/").content.decode()
    assert "Batches failing: 2 recipients set aside" in home
