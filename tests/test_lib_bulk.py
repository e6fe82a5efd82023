"""lib/bulk (the bulk import's statements) and lib/readahead (the next batch read in a thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from atlas.lib.bulk import copy_line, copy_rows, insert_rows, row_preparer, select_in
from atlas.lib.readahead import read_ahead
from atlas.members.models import Member, MemberEvent, Newsletter, Subscription, Suppression

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="what PostgreSQL plans or refuses"
)


def test_select_in_finds_every_wanted_row_and_nothing_else() -> None:
    members = [Member.objects.create(email=f"reader{number}@example.org") for number in range(5)]
    wanted = ["reader1@example.org", "reader3@example.org", "nobody@example.org"]
    found = select_in(Member, ["id", "email_lower"], "email_lower", wanted)
    assert sorted(found) == [(members[1].pk, wanted[0]), (members[3].pk, wanted[1])]


def test_select_in_takes_values_that_cannot_be_sent_as_lines() -> None:
    Suppression.objects.create(email_digest="line\nbreak", reason="bounced")
    Suppression.objects.create(email_digest="plain", reason="bounced")
    found = select_in(Suppression, ["email_digest"], "email_digest", ["line\nbreak", "plain", "x"])
    assert sorted(found) == [("line\nbreak",), ("plain",)]
    assert select_in(Suppression, ["email_digest"], "email_digest", []) == []


@postgresql_only
def test_select_in_probes_the_unique_index_however_large_the_batch() -> None:
    addresses = [(f"reader{number}@example.org",) * 2 for number in range(5000)]
    insert_rows(Member, ["email", "email_lower"], addresses)
    wanted = [f"new{number}@example.org" for number in range(2000)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")
        cursor.execute(  # what key = ANY(array) costs: the whole table, hashed
            "EXPLAIN SELECT id FROM members_member WHERE email_lower = ANY(%s)", [wanted]
        )
        assert "Seq Scan" in "\n".join(line for (line,) in cursor.fetchall())
    with CaptureQueriesContext(connection) as queries:
        assert select_in(Member, ["email_lower"], "email_lower", wanted) == []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "Index" in plan and "Seq Scan on members_member" not in plan


def test_insert_rows_returns_the_rows_it_inserted_and_not_those_it_skipped() -> None:
    existing = Member.objects.create(email="taken@example.org")
    rows = [("new@example.org", "new@example.org"), ("Taken@example.org", "taken@example.org")]
    inserted = insert_rows(
        Member, ["email", "email_lower"], rows, returning=("id", "email_lower"), source="import"
    )
    new = Member.objects.get(email_lower="new@example.org")
    assert inserted == [(new.pk, "new@example.org")]
    assert new.source == "import"
    assert Member.objects.get(pk=existing.pk).source == ""


def test_copy_rows_writes_every_row_with_the_shared_values(newsletter: Newsletter) -> None:
    members = [Member.objects.create(email=f"reader{number}@example.org") for number in range(3)]
    copy_rows(Subscription, ["member", "newsletter", "status"],
              [(each.pk, newsletter.pk, "active") for each in members])  # fmt: skip
    copy_rows(MemberEvent, ["member"], [(each.pk,) for each in members],
              kind=MemberEvent.Kind.IMPORTED, detail={"layout": "ghost", "note": "ü"})  # fmt: skip
    assert sorted(Subscription.objects.values_list("member", "status")) == [
        (each.pk, "active") for each in members
    ]
    events = MemberEvent.objects.filter(kind=MemberEvent.Kind.IMPORTED)
    assert sorted((event.member_id, event.detail["note"]) for event in events) == [
        (each.pk, "ü") for each in members
    ]
    assert all(event.created_at is not None for event in events)


def test_rows_checked_just_before_still_skip_a_conflict_from_a_concurrent_writer() -> None:
    """With `rare_conflicts` PostgreSQL inserts without the conflict check first; a row that
    conflicts after all (a sign-up meanwhile) is skipped and the rest of the batch kept."""
    with transaction.atomic():
        Member.objects.create(email="meanwhile@example.org")
        rows = [("new@example.org", "new@example.org"),
                ("Meanwhile@example.org", "meanwhile@example.org")]  # fmt: skip
        inserted = insert_rows(Member, ["email", "email_lower"], rows,
                               returning=("email_lower",), rare_conflicts=True)  # fmt: skip
        assert inserted == [("new@example.org",)]
        alone = [("x@example.org", "x@example.org")]
        assert insert_rows(Member, ["email", "email_lower"], alone, rare_conflicts=True) == []
    assert Member.objects.count() == 3


def test_copy_line_escapes_what_copy_text_format_reads_specially() -> None:
    moment = datetime(2024, 5, 1, 10, 0, 0, 5, tzinfo=UTC)
    values = ("a\tb\nc\rd\\e", None, "\\N", 7, True, moment, "")
    assert copy_line(values, "\tshared") == (
        "a\\tb\\nc\\rd\\\\e\t\\N\t\\\\N\t7\tt\t2024-05-01 10:00:00.000005+00:00\t\tshared\n"
    )


def test_copy_line_writes_a_text_choice_as_its_value() -> None:
    values = (Member.Status.ACTIVE, Member.Tier.FREE, "tab\there")
    assert copy_line(values) == "active\tfree\ttab\\there\n"
    assert copy_line((Member.Status.PENDING, None)) == "pending\t\\N\n"


def test_prepared_rows_are_written_as_they_read(newsletter: Newsletter) -> None:
    """Rows prepared ahead (COPY lines on PostgreSQL) keep every character and every NULL."""
    prepare = row_preparer() or tuple
    odd_name = "Tab\there, line\nbreak, back\\slash, \\N, Øster"
    rows = [prepare(("Odd@example.org", "odd@example.org", odd_name, None)),
            prepare(("plain@example.org", "plain@example.org", "", None))]  # fmt: skip
    fields = ["email", "email_lower", "name", "confirmed_at"]
    inserted = insert_rows(Member, fields, rows, returning=("id", "email_lower"))
    assert sorted(email for _, email in inserted) == ["odd@example.org", "plain@example.org"]
    odd = Member.objects.get(email_lower="odd@example.org")
    assert (odd.email, odd.name, odd.confirmed_at) == ("Odd@example.org", odd_name, None)
    subscriptions = [prepare((member_id, newsletter.pk, "active")) for member_id, _ in inserted]
    copy_rows(Subscription, ["member", "newsletter", "status"], subscriptions)
    assert Subscription.objects.filter(newsletter=newsletter, status="active").count() == 2


@postgresql_only
def test_copy_rows_refuses_a_conflict_on_postgresql(newsletter: Newsletter) -> None:
    reader = Member.objects.create(email="reader@example.org")
    Subscription.objects.create(member=reader, newsletter=newsletter)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(Subscription, ["member", "newsletter", "status"],
                  [(reader.pk, newsletter.pk, "active")])  # fmt: skip


# read_ahead


def test_read_ahead_gives_every_item_in_order_from_another_thread() -> None:
    threads: list[str] = []

    def items() -> Iterator[int]:
        for number in range(100):
            threads.append(threading.current_thread().name)
            yield number

    assert list(read_ahead(items(), depth=3)) == list(range(100))
    assert set(threads) == {"read-ahead"}


def test_read_ahead_raises_the_error_where_the_item_would_have_come() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3 is broken")

    seen: list[int] = []
    with pytest.raises(ValueError, match="line 3"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_read_ahead_stops_its_thread_when_the_caller_stops() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for number in range(1000):
            produced.append(number)
            yield number

    before = threading.active_count()
    for item in read_ahead(items(), depth=1):
        if item == 2:
            break
    assert threading.active_count() == before
    assert len(produced) <= 5


def test_read_ahead_reads_in_the_callers_language() -> None:
    def items() -> Iterator[Any]:
        yield translation.get_language()

    with translation.override("de"):
        assert list(read_ahead(items())) == ["de"]
