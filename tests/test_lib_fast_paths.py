"""Where Atlas goes around Django for speed (bench/README.md, "Fast paths"), it relies on how
Django works inside. These tests fail, loudly, when a Django upgrade changes what it relies on."""

from __future__ import annotations

import inspect
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Exists, Subquery
from django.db.models.constants import OnConflict

from atlas.delivery import ledger
from atlas.delivery.models import Batch, Delivery
from atlas.discussions.models import (
    Comment,
    CommentingBan,
    DiscussionSettings,
    PostDiscussion,
    ReplyEmailOptOut,
)
from atlas.discussions.notifications import wants_reply_emails
from atlas.discussions.participation import _bans_in_force
from atlas.lib.bulk import datetime_adapter, insert_rows, insert_statement, select_in
from atlas.lib.compiled import COMPILED_QUERIES, CompiledQuery
from atlas.members import accounts
from atlas.members.models import Member
from atlas.members.services import user_for
from atlas.sponsors.counting import destination_of
from atlas.sponsors.models import Campaign

# Values of each kind a compiled query takes, other than its samples.
OTHER_VALUES = {str: "another-slug", int: 4242, datetime: datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)}


def real_values(query: CompiledQuery) -> list[Any]:
    return [OTHER_VALUES[type(sample)] for sample in query.samples]


def test_every_compiled_query_runs_the_sql_of_its_queryset(db: Any) -> None:
    atlas_queries = [
        query for query in COMPILED_QUERIES if query.build.__module__.startswith("atlas.")
    ]
    assert len(atlas_queries) >= 4  # the article page's three, the discussion rules
    for query in atlas_queries:
        values = real_values(query)
        expected_sql, expected_parameters = query.build(*values).query.sql_with_params()
        sql, parameters = query.sql_for(*values)
        adapted = [
            connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime)
            else value
            for value in expected_parameters
        ]  # fmt: skip
        assert (sql, parameters) == (expected_sql, adapted), query.build


def test_the_discussion_rules_read_what_the_orm_reads(article: Any, subscriber: Member) -> None:
    def through_the_orm() -> tuple[Any, ...]:
        found = DiscussionSettings.objects.annotate(
            post_mode=Subquery(PostDiscussion.objects.filter(post=article).values("mode")[:1]),
            has_comments=Exists(Comment.objects.filter(post=article)),
        ).get(pk=1)
        return (found.mode, found.post_mode, bool(found.has_comments))

    def compiled() -> tuple[Any, ...]:
        found = DiscussionSettings.for_post(article)
        return (found.mode, found.post_mode, bool(found.has_comments))

    DiscussionSettings.current()
    assert compiled() == through_the_orm() == (DiscussionSettings().mode, None, False)
    PostDiscussion.objects.create(post=article, mode=PostDiscussion.PostMode.CLOSED)
    Comment.objects.create(post=article, member=subscriber, body="x", body_html="<p>x</p>")
    assert compiled() == through_the_orm() == (DiscussionSettings().mode, "closed", True)


def test_a_member_s_discussion_rules_read_what_the_separate_queries_read(
    article: Any, make_post: Any, subscriber: Member
) -> None:
    """`for_post(post, member)` reads the bans and reply emails that participation and
    notifications read on their own."""
    other_post = make_post("Another story")
    now = datetime.now(UTC)

    def separate() -> tuple[Any, ...]:
        ends = [ban.until for ban in _bans_in_force(subscriber.pk, now)]
        last = max((end for end in ends if end is not None), default=None)
        return (None in ends, last, wants_reply_emails(subscriber, article.pk))

    def together() -> tuple[Any, ...]:
        rules = DiscussionSettings.for_post(article, subscriber).rules_for(subscriber)
        assert rules is not None
        return (rules.banned_for_good, rules.banned_until, rules.reply_emails_on)

    DiscussionSettings.current()
    assert together() == separate() == (False, None, True)
    later, latest = now + timedelta(days=1), now + timedelta(days=3)
    for until, lifted in ((now - timedelta(days=1), None), (latest, now), (later, None)):
        CommentingBan.objects.create(member=subscriber, until=until, lifted_at=lifted, reason="x")
    ReplyEmailOptOut.objects.create(member=subscriber, post=other_post)
    assert together() == separate() == (False, later, True)
    CommentingBan.objects.create(member=subscriber, until=None, reason="for good")
    ReplyEmailOptOut.objects.create(member=subscriber, post=article)
    assert together() == separate() == (True, later, False)


def test_the_member_account_backend_reads_the_user_with_their_member(
    subscriber: Member, outsider: Any
) -> None:
    user = accounts.MemberAccountBackend().get_user(user_for(subscriber).pk)
    assert user == subscriber.user and accounts._user_with_member in COMPILED_QUERIES
    assert Member._meta.get_field("user").remote_field.is_cached(user)
    assert user.member == subscriber and user.member.email == subscriber.email
    without = accounts.MemberAccountBackend().get_user(outsider.pk)
    assert without == outsider and not hasattr(without, "member")
    assert accounts.MemberAccountBackend().get_user(-1) is None


def test_the_import_writes_rows_as_bulk_create_would_and_skips_conflicts(db: Any) -> None:
    """insert_rows prepares defaults once through the model's fields, then writes through the
    sqlite3 cursor under Django's (SQLite) or COPY (PostgreSQL), skipping conflicts."""
    fields = ["email", "email_lower", "name"]
    with transaction.atomic():
        Member.objects.bulk_create([Member(email="Ana@example.org", email_lower="ana@example.org",
                                           name="Ana Núñez")])  # fmt: skip
        insert_rows(Member, fields, [("Bo@example.org", "bo@example.org", "Bo Øster"),
                                     ("ANA@example.org", "ana@example.org", "Twice")])  # fmt: skip
    columns = [field.column for field in Member._meta.concrete_fields
               if field.column not in ("id", "email", "email_lower", "name", "created_at",
                                       "updated_at")]  # fmt: skip
    ana, bo = select_in(Member, columns, "email_lower", ["ana@example.org", "bo@example.org"])
    assert ana == bo  # every other column: the same defaults, prepared the same way
    assert Member.objects.get(email_lower="ana@example.org").name == "Ana Núñez"  # skipped


def test_the_backend_operations_the_import_uses_are_still_there() -> None:
    parameters = list(inspect.signature(connection.ops.on_conflict_suffix_sql).parameters)
    assert parameters == ["fields", "on_conflict", "update_fields", "unique_fields"]
    assert "on_conflict" in inspect.signature(connection.ops.insert_statement).parameters
    statement = insert_statement(Member, ("email", "email_lower"), 2)  # SQLite's `?` style
    assert statement.count("?") == 4 and ("IGNORE" in statement or "DO NOTHING" in statement)
    assert OnConflict.IGNORE


def test_plain_sql_names_columns_that_exist() -> None:
    """Hand-written SQL (the sponsor redirect, each delivery's outcome, a batch's progress)
    names columns: a renamed field must fail here, not in production."""
    delivery_columns = {field.column for field in Delivery._meta.concrete_fields}
    for column in ("state", "smtp_code", "detail", "attempts", "sent_at", "retry_at", "id"):
        assert f"{column} = %s" in ledger._RECORD_SQL
        assert column in delivery_columns
    assert "stalls = 0" in ledger._PROGRESS_SQL and "id = %s" in ledger._PROGRESS_SQL
    assert {"id", "stalls"} <= {field.column for field in Batch._meta.concrete_fields}
    assert {"id", "destination_url"} <= {field.column for field in Campaign._meta.concrete_fields}


@pytest.mark.django_db
def test_a_sponsor_destination_is_read_by_plain_sql(make_campaign: Any) -> None:
    campaign = make_campaign(destination_url="https://bikes.example/été")
    assert destination_of(campaign.pk) == "https://bikes.example/été"
    assert destination_of(-1) is None


def test_sqlite_is_new_enough_for_upserts_and_returning() -> None:
    """ON CONFLICT ... DO UPDATE (3.24) and DELETE ... RETURNING (3.35): analytics' counters,
    the rate limits and the import write with them."""
    assert sqlite3.sqlite_version_info >= (3, 35)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
        datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_the_import_s_datetimes_are_stored_as_django_stores_them(db: Any, moment: datetime) -> None:
    """SQLite's datetime adapter in `lib/bulk.py` writes what Django's own would write."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own adapter; PostgreSQL takes Django's")
    adapt = datetime_adapter()
    assert adapt(moment) == connection.ops.adapt_datetimefield_value(moment)
