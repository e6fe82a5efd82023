"""PostgreSQL: a batch's new members and everything that hangs on them, in one statement.

Each new member's row is COPYed into a temporary staging table with three more columns: the
status of their new subscriptions, the ids of the newsletters they join and of their labels.
One statement then inserts the members and, from the ids that insert returns, their
subscriptions, labels and "imported" events (data-modifying `WITH` queries, run once each).

Before, the ids came back to Python, which made one COPY line per subscription, label and event
and sent them in three more COPYs: ~5 µs a member in the writing thread, and three more round
trips a batch, while the server did the same inserts. The foreign keys are all still checked at
commit, and a member a concurrent sign-up created meanwhile gets nothing (it is not returned).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import IntegrityError, connection, models, transaction

from atlas.lib.bulk import cast_parameters, column, shared_values
from atlas.members.models import Member, MemberEvent, Subscription

STAGING_TABLE = "atlas_import_new_members"
# The staging table's columns after the member's own, in the order of `staged_line`.
LINK_COLUMNS = "subscription_status, newsletter_ids, label_ids"


def staged_line(member_line: str, subscription_status: str, newsletter_ids: str,
                label_ids: str) -> str:  # fmt: skip
    """A member's COPY line (`bulk.copy_line`) with their links: arrays as `array_text`."""
    return f"{member_line[:-1]}\t{subscription_status}\t{newsletter_ids}\t{label_ids}\n"


def array_text(ids: Sequence[int]) -> str:
    """Ids as an array in COPY's text format: `{1,2}`."""
    return "{" + ",".join(map(str, ids)) + "}"


def create_members(lines: dict[str, str], fields: Sequence[str], *, layout: str) -> list[str]:
    """Insert the members of `lines` (lower-cased address -> `staged_line`, the member's
    `fields` first) with their subscriptions, labels and an "imported" event each; return the
    addresses of those inserted.

    The batch's addresses were looked up in the same transaction, so only a concurrent sign-up
    can conflict: the statement runs without ON CONFLICT first (~3 µs a row cheaper), in a
    savepoint, and again skipping the conflicting members if one does.
    """
    if not lines:
        return []
    member_constants = shared_values(Member, fields, {"source": "import"})[1]
    subscription_constants = shared_values(Subscription, SUBSCRIPTION_FIELDS, {})[1]
    detail = {"layout": layout}
    event_constants = shared_values(
        MemberEvent, ["member"], {"kind": MemberEvent.Kind.IMPORTED, "detail": detail}
    )[1]
    parameters = [*member_constants, *subscription_constants, *event_constants]
    with connection.cursor() as cursor:
        cursor.execute(staging_statement(tuple(fields)))
        with (
            connection.wrap_database_errors,
            cursor.copy(copy_statement(tuple(fields))) as copy,
        ):
            copy.write("".join(lines.values()))
        try:
            with transaction.atomic():  # a savepoint: the batch survives a conflict
                cursor.execute(insert_statement(tuple(fields), skip_conflicts=False), parameters)
                return list(lines)
        except IntegrityError:
            pass  # again, skipping the members that conflict
        cursor.execute(insert_statement(tuple(fields), skip_conflicts=True), parameters)
        return [email_lower for (email_lower,) in cursor.fetchall()]


SUBSCRIPTION_FIELDS = ("member", "newsletter", "status")


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def names(model: type[models.Model], fields: Sequence[str]) -> str:
    return ", ".join(quote(column(model, name)) for name in fields)


def others(model: type[models.Model], fields: Sequence[str]) -> tuple[str, str]:
    """The other columns' names, and a cast parameter for each (`bulk.shared_values`)."""
    fields_left = shared_values(model, fields, {})[0]
    return (
        "".join(f", {quote(model_field.column)}" for model_field in fields_left),
        cast_parameters(fields_left),
    )


@functools.lru_cache(maxsize=8)
def staging_statement(fields: tuple[str, ...]) -> str:
    """One round trip: the table outlives the transaction (it is the session's), not its rows."""
    member_table = quote(Member._meta.db_table)
    return (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(STAGING_TABLE)} AS "
        f"SELECT {names(Member, fields)}, {quote(column(Member, 'status'))} AS subscription_status,"
        " NULL::bigint[] AS newsletter_ids, NULL::bigint[] AS label_ids "
        f"FROM {member_table} WITH NO DATA; TRUNCATE {quote(STAGING_TABLE)}"
    )


@functools.lru_cache(maxsize=8)
def copy_statement(fields: tuple[str, ...]) -> str:
    return f"COPY {quote(STAGING_TABLE)} ({names(Member, fields)}, {LINK_COLUMNS}) FROM STDIN"


@functools.lru_cache(maxsize=16)
def insert_statement(fields: tuple[str, ...], *, skip_conflicts: bool) -> str:
    """The members from the staging table, and from their new ids their subscriptions,
    labels and events; the addresses inserted when `skip_conflicts`, else their number."""
    staging = quote(STAGING_TABLE)
    member_id, email_lower = quote(column(Member, "id")), quote(column(Member, "email_lower"))
    member_others, member_casts = others(Member, fields)
    subscription_others, subscription_casts = others(Subscription, SUBSCRIPTION_FIELDS)
    event_others, event_casts = others(MemberEvent, ["member"])
    through = Member.labels.through
    label_columns = names(through, ["member", "label"])
    return f"""
        WITH created AS (
            INSERT INTO {quote(Member._meta.db_table)} ({names(Member, fields)}{member_others})
            SELECT {names(Member, fields)}{member_casts} FROM {staging}
            {"ON CONFLICT DO NOTHING" if skip_conflicts else ""}
            RETURNING {member_id}, {email_lower}
        ), linked AS (
            SELECT created.{member_id} AS member_id, {LINK_COLUMNS}
            FROM created JOIN {staging} USING ({email_lower})
        ), subscriptions AS (
            INSERT INTO {quote(Subscription._meta.db_table)}
                ({names(Subscription, SUBSCRIPTION_FIELDS)}{subscription_others})
            SELECT member_id, unnest(newsletter_ids), subscription_status{subscription_casts}
            FROM linked
        ), labels AS (
            INSERT INTO {quote(through._meta.db_table)} ({label_columns})
            SELECT member_id, unnest(label_ids) FROM linked WHERE cardinality(label_ids) > 0
        ), events AS (
            INSERT INTO {quote(MemberEvent._meta.db_table)}
                ({names(MemberEvent, ["member"])}{event_others})
            SELECT created.{member_id}{event_casts} FROM created
        )
        SELECT {"created." + email_lower if skip_conflicts else "count(*)"} FROM created
    """
