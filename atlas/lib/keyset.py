"""Keyset pagination: "older" and "newer" links that name the last row seen, not a page number.

Page N of an OFFSET paginator reads and throws away every row before it, and "page N of M"
counts all of them: both grow with the table. A keyset page starts at a row's (date, id)
through the index that orders the list, so it costs the same at any depth. A cursor is the
row's date in microseconds since 1970 and its id, `1714557600123456_1234`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CURSOR = re.compile(r"(-?\d{1,19})_(\d{1,19})")


class InvalidCursor(ValueError):
    """A cursor that is not one of ours (a hand-edited or truncated link)."""


@dataclass(frozen=True)
class Cursor:
    moment: datetime
    pk: int

    def __str__(self) -> str:
        return f"{(self.moment - EPOCH) // MICROSECOND}_{self.pk}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        match = CURSOR.fullmatch(text)
        if match is None:
            raise InvalidCursor(text)
        try:
            moment = EPOCH + int(match.group(1)) * MICROSECOND
        except OverflowError as error:
            raise InvalidCursor(text) from error
        return cls(moment, int(match.group(2)))


@dataclass
class KeysetPage:
    """One page, newest first: `newer` and `older` are the cursors of the neighbouring pages
    (None at either end)."""

    object_list: list[Any]
    newer: Cursor | None = None
    older: Cursor | None = None

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def is_first(self) -> bool:
        return self.newer is None


def cursor_of(row: Model, date_field: str) -> Cursor:
    return Cursor(getattr(row, date_field), row.pk)


def keyset_page(
    queryset: QuerySet[Any],
    *,
    per_page: int,
    date_field: str,
    older: Cursor | None = None,
    newer: Cursor | None = None,
) -> KeysetPage:
    """The page of `queryset` (newest first by `date_field`, then id) just older than `older`,
    just newer than `newer`, or the first page. The date must never be null."""
    if newer is not None:
        rows = list(_after(queryset, date_field, newer)[: per_page + 1])
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return KeysetPage(
                rows, newer=cursor_of(rows[0], date_field), older=cursor_of(rows[-1], date_field)
            )
        # Back at the start: the first page itself, full, rather than its last few rows.
    if older is not None:
        queryset = _before(queryset, date_field, older)
    rows = list(queryset.order_by(f"-{date_field}", "-pk")[: per_page + 1])
    more_older = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        rows,
        newer=cursor_of(rows[0], date_field) if rows and older is not None else None,
        older=cursor_of(rows[-1], date_field) if more_older else None,
    )


def _before(queryset: QuerySet[Any], date_field: str, cursor: Cursor) -> QuerySet[Any]:
    # `date <= d` starts the index range; the OR only settles rows of the same date by id.
    older = queryset.filter(
        Q(**{f"{date_field}__lte": cursor.moment})
        & (Q(**{f"{date_field}__lt": cursor.moment}) | Q(pk__lt=cursor.pk))
    )
    # ...and it goes first among the conditions (they are all ANDed): given two upper bounds
    # on the date (`published()` has `<= now`), SQLite ranges over the first it reads, and
    # from `now` down to the cursor is every newer row: the last page cost ~8x the first.
    conditions = older.query.where.children
    added = len(conditions) - len(queryset.query.where.children)
    if older.query.where.connector == "AND" and 0 < added < len(conditions):
        older.query.where.children = conditions[-added:] + conditions[:-added]
    return older


def _after(queryset: QuerySet[Any], date_field: str, cursor: Cursor) -> QuerySet[Any]:
    return queryset.filter(
        Q(**{f"{date_field}__gte": cursor.moment})
        & (Q(**{f"{date_field}__gt": cursor.moment}) | Q(pk__gt=cursor.pk))
    ).order_by(date_field, "pk")
