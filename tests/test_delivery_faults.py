"""SMTP semantics: 4xx retried on schedule, 5xx final, hard bounces suppress, drops resend once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from atlas.delivery import engine, services
from atlas.delivery.engine import prepare_send_task
from atlas.delivery.models import Batch, Delivery, DeliverySettings, Send
from atlas.members import services as member_services
from atlas.members.models import Member, Newsletter, Subscription, Suppression
from tests.factories import newsletter_subscribers, run_send
from tests.mailbox import free_port


@pytest.fixture
def story(make_post: Any) -> Any:
    return make_post("Council passes the budget")


def states(send: Send) -> dict[str, str]:
    return dict(send.deliveries.values_list("email", "state"))


def test_temporary_failures_are_retried_on_schedule(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    newsletter_subscribers(3, newsletter)
    mailbox.faults["reader1@example.org"] = "451 4.7.1 Greylisted, try again later"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send = services.start_send(story, [newsletter])
        run_send(send)
    deferred = send.deliveries.get(email="reader1@example.org")
    assert deferred.state == Delivery.State.DEFERRED and deferred.smtp_code == 451
    assert deferred.retry_at == start + timedelta(minutes=1)
    assert send.status == Send.Status.SENDING  # not done while a retry is pending

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert engine.deliver_batch(send.batches.get().pk) == 0  # not due yet
    mailbox.faults.clear()
    with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
        engine.deliver_batch(send.batches.get().pk)
    send.refresh_from_db()
    assert set(states(send).values()) == {Delivery.State.SENT}
    assert send.status == Send.Status.DONE
    assert len(mailbox.to("reader1@example.org")) == 1


def test_retries_back_off_and_give_up_after_the_retry_window(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    newsletter_subscribers(1, newsletter)
    mailbox.faults["reader0@example.org"] = "452 4.2.2 Mailbox full"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send = services.start_send(story, [newsletter])
        run_send(send)
    delays = []
    moment = start
    for _ in range(4):
        row = send.deliveries.get()
        delays.append(row.retry_at - moment)
        moment = row.retry_at + timedelta(seconds=1)
        with time_machine.travel(moment, tick=False):
            engine.deliver_batch(send.batches.get().pk)
    assert delays[:4] == [timedelta(minutes=minutes) for minutes in (1, 5, 15, 60)]
    with time_machine.travel(start + DeliverySettings.current().retry_for + timedelta(hours=1)):
        engine.deliver_batch(send.batches.get().pk)
    row = send.deliveries.get()
    assert row.state == Delivery.State.FAILED and "Gave up" in row.detail


@pytest.mark.parametrize("reply", ["554 5.7.1 Message rejected as spam", "552 5.3.4 Too big"])
def test_permanent_failures_are_final(
    story: Any, newsletter: Newsletter, mailbox: Any, reply: str
) -> None:
    newsletter_subscribers(2, newsletter)
    mailbox.faults["reader0@example.org"] = reply
    send = services.start_send(story, [newsletter])
    run_send(send)
    failed = send.deliveries.get(email="reader0@example.org")
    assert failed.state == Delivery.State.FAILED and failed.smtp_code == int(reply[:3])
    assert send.status == Send.Status.DONE
    assert Member.objects.get(email="reader0@example.org").status == Member.Status.ACTIVE


def test_rejection_after_data_is_recorded(story: Any, newsletter: Newsletter, mailbox: Any) -> None:
    newsletter_subscribers(1, newsletter)
    mailbox.faults["reader0@example.org"] = "data:554 5.6.0 Content rejected"
    send = services.start_send(story, [newsletter])
    run_send(send)
    assert send.deliveries.get().smtp_code == 554


def test_hard_bounce_suppresses_the_member_from_later_sends(
    make_post: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    newsletter_subscribers(2, newsletter)
    mailbox.faults["reader0@example.org"] = "550 5.1.1 <reader0@example.org>: No such user"
    run_send(services.start_send(make_post("First"), [newsletter]))
    bounced = Member.objects.get(email="reader0@example.org")
    assert bounced.status == Member.Status.BOUNCED
    assert Suppression.objects.filter(reason="bounced").count() == 1
    mailbox.faults.clear()
    second = services.start_send(make_post("Second"), [newsletter])
    run_send(second)
    assert list(second.deliveries.values_list("email", flat=True)) == ["reader1@example.org"]


def test_a_dropped_connection_resends_only_the_message_in_flight(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    members = newsletter_subscribers(5, newsletter)
    mailbox.faults["reader2@example.org"] = "drop"
    send = services.start_send(story, [newsletter])

    prepare_send_task.call(send.pk)
    batch = send.batches.get()
    engine.deliver_batch(batch.pk)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.PENDING  # released
    assert send.deliveries.get(email="reader2@example.org").state == Delivery.State.PENDING
    mailbox.faults.clear()
    Batch.objects.filter(pk=batch.pk).update(next_attempt_at=None)
    engine.deliver_batch(batch.pk)
    counts = {member.email: len(mailbox.to(member.email)) for member in members}
    assert counts == {**{member.email: 1 for member in members}, "reader2@example.org": 2}
    copies = mailbox.to("reader2@example.org")
    assert copies[0].message["Message-ID"] == copies[1].message["Message-ID"]


def test_repeated_connection_errors_pause_the_send_with_a_reason(
    story: Any, newsletter: Newsletter, settings: Any, db: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    newsletter_subscribers(1, newsletter)
    send = services.start_send(story, [newsletter])

    prepare_send_task.call(send.pk)
    batch = send.batches.get()
    for _ in range(DeliverySettings.current().pause_after_connection_errors):
        Batch.objects.filter(pk=batch.pk).update(next_attempt_at=None)
        engine.deliver_batch(batch.pk)
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "connection errors" in send.status_reason
    assert send.deliveries.get().state == Delivery.State.PENDING  # nothing lost


def test_staff_pause_resume_and_cancel(story: Any, newsletter: Newsletter, mailbox: Any) -> None:
    newsletter_subscribers(3, newsletter)
    send = services.start_send(story, [newsletter])

    prepare_send_task.call(send.pk)
    assert services.pause(send)
    engine.deliver_batch(send.batches.get().pk)
    assert not mailbox.messages
    assert services.resume(send)
    engine.deliver_batch(send.batches.get().pk)
    assert len(mailbox.messages) == 3
    assert not services.cancel(Send.objects.get(pk=send.pk))  # already done


def test_members_who_leave_before_their_turn_are_suppressed(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:

    members = newsletter_subscribers(3, newsletter)
    send = services.start_send(story, [newsletter])
    prepare_send_task.call(send.pk)
    member_services.unsubscribe(members[1])
    engine.deliver_batch(send.batches.get().pk)
    assert states(send)["reader1@example.org"] == Delivery.State.SUPPRESSED
    assert not mailbox.to("reader1@example.org")


def test_who_is_still_wanted_is_read_from_each_members_subscriptions(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    """Between preparation and sending: a member who left every newsletter, one who left one of
    the send's two, one whose address bounced, one who moved from one to the other, one whose
    subscription is gone; only members with an active account and an active subscription to a
    newsletter of the send still get it."""
    weekly = Newsletter.objects.create(name="Weekly", slug="weekly")
    members = newsletter_subscribers(6, newsletter)
    Subscription.objects.create(member=members[2], newsletter=weekly, status="active")
    send = services.start_send(story, [newsletter, weekly])
    prepare_send_task.call(send.pk)
    member_services.unsubscribe(members[1])  # every newsletter
    Subscription.objects.filter(member=members[2], newsletter=newsletter).update(
        status=Subscription.Status.UNSUBSCRIBED
    )  # still on the weekly
    Member.objects.filter(pk=members[3].pk).update(status=Member.Status.BOUNCED)
    Subscription.objects.filter(member=members[4]).update(status=Subscription.Status.UNSUBSCRIBED)
    Subscription.objects.create(member=members[4], newsletter=weekly, status="active")
    Subscription.objects.filter(member=members[5]).delete()
    engine.deliver_batch(send.batches.get().pk)
    assert states(send) == {
        "reader0@example.org": Delivery.State.SENT,
        "reader1@example.org": Delivery.State.SUPPRESSED,
        "reader2@example.org": Delivery.State.SENT,
        "reader3@example.org": Delivery.State.SUPPRESSED,
        "reader4@example.org": Delivery.State.SENT,
        "reader5@example.org": Delivery.State.SUPPRESSED,
    }
    received = sorted(address for item in mailbox.messages for address in item.recipients)
    assert received == ["reader0@example.org", "reader2@example.org", "reader4@example.org"]


def test_an_outage_longer_than_the_window_waits_for_staff(
    story: Any, newsletter: Newsletter, db: Any
) -> None:
    newsletter_subscribers(2, newsletter)
    send = services.start_send(story, [newsletter])

    prepare_send_task.call(send.pk)
    with time_machine.travel(timezone.now() + DeliverySettings.current().resume_window * 2):
        engine.recover()
    send.refresh_from_db()
    assert send.status == Send.Status.WAITING and "resume or cancel" in send.status_reason


def test_one_task_fills_the_ledger_however_often_recover_asks(
    story: Any, newsletter: Newsletter, db: Any, monkeypatch: Any
) -> None:
    """A long preparation (a million recipients take minutes) holds a lease that it renews
    batch by batch: copies enqueued by `recover` meanwhile leave the work to it."""

    newsletter_subscribers(3, newsletter)
    send = services.start_send(story, [newsletter])
    assert engine.claim_preparation(send.pk)  # a first task is at work
    assert prepare_send_task.call(send.pk) == 0  # a copy finds the lease held
    assert not send.batches.exists()
    enqueued: list[int] = []

    class Recorded:
        enqueue = staticmethod(enqueued.append)

    monkeypatch.setattr("atlas.delivery.engine.prepare_send_task", Recorded)
    engine.recover()
    assert enqueued == []  # nothing to wake while the lease holds
    with time_machine.travel(timezone.now() + engine.lease() * 2):  # the first task died
        engine.recover()
        assert enqueued == [send.pk]
        assert prepare_send_task.call(send.pk) == 1
    send.refresh_from_db()
    assert send.prepared and send.preparing_until is None and send.batches.count() == 1
