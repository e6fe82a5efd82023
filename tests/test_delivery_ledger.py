"""Outcomes held and committed in groups: what is written, when, and in how many statements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.delivery import ledger, services
from atlas.delivery.engine import prepare_send_task
from atlas.delivery.models import Batch, Delivery
from atlas.members.models import Newsletter
from tests.factories import newsletter_subscribers


@pytest.fixture
def batch(make_post: Any, newsletter: Newsletter) -> Batch:
    newsletter_subscribers(ledger.GROUP_SIZE + 2, newsletter)
    send = services.start_send(make_post("Council passes the budget"), [newsletter])
    prepare_send_task.call(send.pk)
    prepared = send.batches.get()
    Batch.objects.filter(pk=prepared.pk).update(stalls=2)
    return prepared


def rows(batch: Batch) -> list[Delivery]:
    return list(Delivery.objects.filter(batch=batch).order_by("pk"))


def test_a_group_records_every_kind_of_outcome_and_says_the_batch_moves(batch: Batch) -> None:
    sent, deferred, failed, suppressed = rows(batch)[:4]
    retry_at = timezone.now() + timedelta(minutes=5)
    outcomes = ledger.Outcomes(batch.pk)
    outcomes.add(sent, Delivery.State.SENT, 250, "", sent=True)
    outcomes.add(deferred, Delivery.State.DEFERRED, 451, "451 4.7.1 Try later", retry_at=retry_at)
    outcomes.add(failed, Delivery.State.FAILED, None, 'Not sent: it\'s "quoted"; 100%')
    outcomes.add(suppressed, Delivery.State.SUPPRESSED, None, "No longer subscribed")
    assert Delivery.objects.filter(batch=batch, state=Delivery.State.PENDING).count() == len(
        rows(batch)
    )  # held, not written yet
    outcomes.flush()
    by_id = {row.pk: row for row in rows(batch)}
    assert by_id[sent.pk].state == "sent" and by_id[sent.pk].smtp_code == 250
    assert by_id[sent.pk].sent_at is not None and by_id[sent.pk].attempts == 1
    assert by_id[deferred.pk].state == "deferred" and by_id[deferred.pk].retry_at == retry_at
    assert by_id[deferred.pk].sent_at is None and by_id[deferred.pk].smtp_code == 451
    assert by_id[failed.pk].detail == 'Not sent: it\'s "quoted"; 100%'
    assert by_id[failed.pk].smtp_code is None
    assert by_id[suppressed.pk].state == "suppressed"
    assert Batch.objects.get(pk=batch.pk).stalls == 0
    assert outcomes.committed == 4 and outcomes.pending == []


def test_a_full_group_is_committed_by_itself(batch: Batch) -> None:
    outcomes = ledger.Outcomes(batch.pk)
    for row in rows(batch)[: ledger.GROUP_SIZE - 1]:
        outcomes.add(row, Delivery.State.SENT, 250, "", sent=True)
    assert outcomes.committed == 0
    outcomes.add(rows(batch)[ledger.GROUP_SIZE - 1], Delivery.State.SENT, 250, "", sent=True)
    assert outcomes.committed == ledger.GROUP_SIZE
    assert Delivery.objects.filter(batch=batch, state="sent").count() == ledger.GROUP_SIZE


def test_a_message_in_flight_counts_towards_the_group(batch: Batch) -> None:
    """A worker killed while a pipelined message awaits its reply leaves no more than
    GROUP_SIZE acknowledged messages unrecorded, that one included."""
    outcomes = ledger.Outcomes(batch.pk, in_flight=1)
    for row in rows(batch)[: ledger.GROUP_SIZE - 1]:
        outcomes.add(row, Delivery.State.SENT, 250, "", sent=True)
    assert outcomes.committed == ledger.GROUP_SIZE - 1 and outcomes.pending == []


def test_on_postgresql_a_group_is_one_statement(batch: Batch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite commits a group with executemany")
    outcomes = ledger.Outcomes(batch.pk)
    for row in rows(batch)[:5]:
        outcomes.add(row, Delivery.State.SENT, 250, "", sent=True)
    with CaptureQueriesContext(connection) as queries:
        outcomes.flush()
    assert len(queries.captured_queries) == 1
    assert Delivery.objects.filter(batch=batch, state="sent").count() == 5


def test_every_detail_is_written_as_given_whatever_its_characters(batch: Batch) -> None:
    """On PostgreSQL a group's columns travel as arrays: braces, commas, backslashes, quotes,
    the word NULL and empty text must come back unchanged, as must missing codes and times."""
    details = [
        "",
        "NULL",
        'a {brace}, a comma, a "quote" and a \\ backslash',
        "550 5.1.1 <reader@example.org>: Recipient address rejected; naïve",
        "{}",
    ]
    retry_at = timezone.now() + timedelta(minutes=1)
    outcomes = ledger.Outcomes(batch.pk)
    chosen = rows(batch)[: len(details)]
    for number, (row, detail) in enumerate(zip(chosen, details, strict=True)):
        if number % 2:
            outcomes.add(row, Delivery.State.DEFERRED, 451, detail, retry_at=retry_at)
        else:
            outcomes.add(row, Delivery.State.FAILED, None, detail)
    outcomes.flush()
    written = {row.pk: row for row in rows(batch)}
    for number, (row, detail) in enumerate(zip(chosen, details, strict=True)):
        stored = written[row.pk]
        assert stored.detail == detail
        assert stored.attempts == 1 and stored.sent_at is None
        if number % 2:
            assert (stored.state, stored.smtp_code, stored.retry_at) == ("deferred", 451, retry_at)
        else:
            assert (stored.state, stored.smtp_code, stored.retry_at) == ("failed", None, None)
    assert all(row.state == Delivery.State.PENDING for row in rows(batch)[len(details) :])


def test_a_batchs_rows_are_added_in_one_statement_as_the_model_would_make_them(
    batch: Batch, newsletter: Newsletter
) -> None:
    """`add_deliveries` writes without model instances: its rows must read back exactly as
    rows made by the model's defaults, and a member already in this send keeps their row."""
    existing = rows(batch)[0]
    Delivery.objects.filter(pk=existing.pk).update(state=Delivery.State.SENT)
    extra = newsletter_subscribers(2, newsletter, prefix="late")
    recipients: list[ledger.NewDelivery] = [
        (existing.member_id, newsletter.pk, "changed@example.org", True),
        (extra[0].pk, newsletter.pk, extra[0].email, False),
        (extra[1].pk, None, extra[1].email, True),
    ]
    with CaptureQueriesContext(connection) as queries:
        ledger.add_deliveries(batch.send_id, batch.pk, recipients)
    if connection.vendor == "postgresql":
        assert len(queries.captured_queries) == 1
    kept = Delivery.objects.get(pk=existing.pk)
    assert (kept.state, kept.email) == (Delivery.State.SENT, existing.email)
    fields = [field.attname for field in Delivery._meta.concrete_fields if field.attname != "id"]
    for member, newsletter_id, email, full_text in recipients[1:]:
        added = Delivery.objects.values(*fields).get(send_id=batch.send_id, member=member)
        expected = Delivery(
            send_id=batch.send_id,
            batch_id=batch.pk,
            member_id=member,
            newsletter_id=newsletter_id,
            email=email,
            full_text=full_text,
        )
        assert added == {name: getattr(expected, name) for name in fields}
