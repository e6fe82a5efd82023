"""Export members as CSV: to a file, or streamed to the browser, in flat memory.

Every cell that a spreadsheet could take for a formula is defused with a leading apostrophe:
a reader can type `=HYPERLINK(...)` as their name. The file imports back into Atlas unchanged
(`importing.import_members` knows it as the "atlas" layout): labels with a comma are quoted
within their cell.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from django.db.models import QuerySet

from atlas.members.import_formats import join_labels
from atlas.members.models import Label, Member, Newsletter, Subscription

COLUMNS = (
    "email", "name", "status", "tier", "newsletters", "labels",
    "created_at", "confirmed_at", "source", "utm_source", "notes", "stripe_customer_id",
)  # fmt: skip
MEMBER_FIELDS = ("pk", "email", "name", "status", "tier", "created_at", "confirmed_at", "source",
                 "utm_source", "notes", "stripe_customer_id")  # fmt: skip
CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    """A file open for text, or anything else that takes `write(text)` (a command's stdout)."""

    def write(self, text: str, /) -> Any: ...


def export_members(queryset: QuerySet[Member], out: Writable) -> int:
    """Write `queryset` as CSV to `out`; return the number of members written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for cells in rows(queryset):
        writer.writerow(cells)
        count += 1
    return count


def csv_chunks(queryset: QuerySet[Member]) -> Iterator[str]:
    """The CSV text, CHUNK_SIZE rows at a time: the body of a StreamingHttpResponse."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for number, cells in enumerate(rows(queryset), start=1):
        writer.writerow(cells)
        if number % CHUNK_SIZE == 0:
            yield take(buffer)
    yield take(buffer)


def rows(queryset: QuerySet[Member]) -> Iterator[list[str]]:
    """One list of cells per member, in the order of COLUMNS.

    Plain values, not model instances: per chunk of members, one query for the members, one
    for their subscriptions and one for their labels: a million members in ~25 s.
    """
    slugs = dict(Newsletter.objects.values_list("pk", "slug"))
    label_names = dict(Label.objects.values_list("pk", "name"))
    members = queryset.order_by("pk").values_list(*MEMBER_FIELDS).iterator(CHUNK_SIZE)
    while chunk := list(itertools.islice(members, CHUNK_SIZE)):
        ids = [values[0] for values in chunk]
        subscriptions = Subscription.objects.filter(member_id__in=ids).exclude(
            status=Subscription.Status.UNSUBSCRIBED
        )
        newsletters = grouped(subscriptions.values_list("member_id", "newsletter_id"), slugs)
        links = Member.labels.through.objects.filter(member_id__in=ids)
        labels = grouped(links.values_list("member_id", "label_id"), label_names, join_labels)
        for pk, email, name, status, tier, created_at, confirmed_at, *source in chunk:
            cells = [email, name, status, tier, newsletters.get(pk, ""), labels.get(pk, ""),
                     iso(created_at), iso(confirmed_at), *source]  # fmt: skip
            yield [safe_cell(cell) for cell in cells]


def grouped(
    pairs: Iterable[tuple[int, int]],
    names: dict[int, Any],
    join: Callable[[list[str]], str] = ", ".join,
) -> dict[int, str]:
    """{member id: "name, name"} from (member id, other id) pairs, names sorted."""
    by_member: defaultdict[int, list[str]] = defaultdict(list)
    for member_id, other_id in pairs:
        by_member[member_id].append(names[other_id])
    return {member_id: join(sorted(found)) for member_id, found in by_member.items()}


def iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP's CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
