"""Writing messages' outcomes to the ledger, a few at a time.

A transaction per message made a send wait on the database (on SQLite, most of a worker's time
went to taking the write lock). Outcomes are held in memory and committed together, at the
latest after `GROUP_SIZE` messages or `GROUP_SECONDS`, and always before the worker stops,
releases its batch or reads the batch's state back. A worker killed between two commits leaves
at most `GROUP_SIZE` accepted messages unrecorded: they are sent again (same Message-ID).

On PostgreSQL a group is one statement sent in one round trip (its own transaction, or part of
the caller's): BEGIN, the updates and COMMIT were four round trips to a server that, on a busy
machine, waits for a core at each.

A batch's rows are inserted the same way (`add_deliveries`): one statement, no model instances
(Django's `bulk_create` spent ~50 µs of the worker's time per recipient building and reading
back 500 of them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from atlas.delivery.models import Batch, Delivery

GROUP_SIZE = 20
GROUP_SECONDS = 0.25

_RECORD_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET state = %s, smtp_code = %s, detail = %s, "
    "attempts = %s, sent_at = %s, retry_at = %s WHERE id = %s"
)
_PROGRESS_SQL = f"UPDATE {Batch._meta.db_table} SET stalls = 0 WHERE id = %s"
# PostgreSQL: the group's rows as one array per column, in one statement (one transaction):
# the UPDATEs run as data-modifying WITH queries, and the SELECT turns synchronous commit off
# for this transaction only, so a killed *worker* loses nothing committed; only a crash of the
# database server could forget the last fraction of a second of outcomes, which are then sent
# again (never lost). The text is the same whatever the group's size, so PostgreSQL prepares it
# once per connection (a VALUES list of 20 rows was parsed for every group).
_POSTGRESQL_UPDATE = (
    f"outcomes AS (UPDATE {Delivery._meta.db_table} AS delivery SET state = outcome.state, "
    "smtp_code = outcome.smtp_code, detail = outcome.detail, attempts = outcome.attempts, "
    "sent_at = outcome.sent_at, retry_at = outcome.retry_at FROM unnest(%s::text[], "
    "%s::integer[], %s::text[], %s::integer[], %s::timestamptz[], %s::timestamptz[], "
    "%s::bigint[]) AS outcome (state, smtp_code, detail, attempts, sent_at, retry_at, id) "
    "WHERE delivery.id = outcome.id)"
)
_ASYNCHRONOUS_COMMIT = "SELECT set_config('synchronous_commit', 'off', true)"
_POSTGRESQL_SQL = f"WITH {_POSTGRESQL_UPDATE} {_ASYNCHRONOUS_COMMIT}"
_POSTGRESQL_WITH_PROGRESS_SQL = (
    f"WITH {_POSTGRESQL_UPDATE}, progress AS ("
    f"UPDATE {Batch._meta.db_table} SET stalls = 0 WHERE id = %s) {_ASYNCHRONOUS_COMMIT}"
)

_COLUMNS = (
    "send_id, batch_id, member_id, newsletter_id, email, full_text, state, attempts, detail, "
    "bounced, complained"
)
_NEW_ROW = f"'{Delivery.State.PENDING}', 0, '', false, false"
_INSERT_SQL = (
    f"INSERT INTO {Delivery._meta.db_table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, "
    f"{_NEW_ROW}) ON CONFLICT DO NOTHING"
)
_POSTGRESQL_INSERT_SQL = (
    f"INSERT INTO {Delivery._meta.db_table} ({_COLUMNS}) SELECT %s, %s, member_id, newsletter_id, "
    f"email, full_text, {_NEW_ROW} FROM unnest(%s::bigint[], %s::bigint[], %s::text[], "
    "%s::boolean[]) AS recipient (member_id, newsletter_id, email, full_text) "
    "ON CONFLICT DO NOTHING"
)

NewDelivery = tuple[int | None, int | None, str, bool]  # member, newsletter, email, full text


def add_deliveries(send_id: int, batch_id: int, recipients: list[NewDelivery]) -> None:
    """Pending rows for these recipients, in one statement; a member who already has a row for
    this send keeps it (the unique constraint)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = [list(column) for column in zip(*recipients, strict=True)]
            cursor.execute(_POSTGRESQL_INSERT_SQL, [send_id, batch_id, *columns])
        else:
            cursor.executemany(
                _INSERT_SQL, [(send_id, batch_id, *recipient) for recipient in recipients]
            )


Outcome = tuple[str, int | None, str, int, datetime | None, datetime | None, int]


@dataclass
class Outcomes:
    """The outcomes of one batch's attempt that are not committed yet."""

    batch_id: int
    pending: list[Outcome] = field(default_factory=list)
    first_at: float = 0.0
    committed: int = 0
    in_flight: int = 0  # messages handed over whose reply is not read yet (pipelined SMTP)

    def add(
        self,
        row: Delivery,
        state: str,
        code: int | None,
        detail: str,
        *,
        sent: bool = False,
        retry_at: datetime | None = None,
    ) -> None:
        if not self.pending:
            self.first_at = time.monotonic()
        sent_at = timezone.now() if sent else None
        self.pending.append(
            (state, code, detail[:500], row.attempts + 1, sent_at, retry_at, row.pk)
        )
        if (
            len(self.pending) + self.in_flight >= GROUP_SIZE
            or time.monotonic() - self.first_at >= GROUP_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        """Commit what is held (one transaction); the first commit of an attempt also says
        the batch is moving again."""
        if not self.pending:
            return
        if connection.vendor == "postgresql":
            self._flush_in_one_statement()
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(_RECORD_SQL, self.pending)
                if not self.committed:
                    cursor.execute(_PROGRESS_SQL, [self.batch_id])
        self.committed += len(self.pending)
        self.pending = []

    def _flush_in_one_statement(self) -> None:
        parameters: list[Any] = [list(column) for column in zip(*self.pending, strict=True)]
        sql = _POSTGRESQL_SQL
        if not self.committed:
            sql = _POSTGRESQL_WITH_PROGRESS_SQL
            parameters.append(self.batch_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)


@dataclass
class Attempt:
    """One worker's attempt at a batch: what it accepted, and the row in hand."""

    batch: Batch
    outcomes: Outcomes
    accepted: int = 0
    current: Delivery | None = None
