"""Import members from a CSV export (Substack, beehiiv, Ghost, Mailchimp, or a plain list).

The file is read lazily and written in batches, so memory stays flat however long it is. An
import never (re)subscribes an address that is suppressed or whose member unsubscribed, bounced
or complained, never changes an existing member's status, and sends no mail.
"""

from __future__ import annotations

import codecs
import csv
import functools
import itertools
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from hashlib import blake2b
from typing import Any, Protocol, TextIO

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from atlas.members.addresses import normalize_email
from atlas.members.models import (
    Label,
    Member,
    MemberEvent,
    Newsletter,
    Subscription,
    Suppression,
    email_digest,
)

MAX_LISTED_ERRORS = 1_000
MAX_BATCH_SIZE = 10_000
SNIFF_LINES = 20
DELIMITERS = ",;\t"
EMAIL_HEADERS = frozenset({"email", "e-mail", "email_address", "e-mail_address", "emailaddress"})
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
NAME_LENGTH = Member._meta.get_field("name").max_length
LABEL_LENGTH = Label._meta.get_field("name").max_length
GONE = frozenset({Member.Status.UNSUBSCRIBED, Member.Status.BOUNCED, Member.Status.COMPLAINED})
LAYOUT_NAMES = {
    "atlas": "Atlas export",
    "substack": "Substack export",
    "beehiiv": "beehiiv export",
    "ghost": "Ghost members export",
    "mailchimp": "Mailchimp audience export",
    "plain": "Plain list (email, name)",
    "headerless": "Plain list without a header row",
}


class ImportFileError(Exception):
    """The file cannot be read as a list of members (empty, not text, no email column)."""


@dataclass(slots=True)
class ImportRow:
    """What one line of a file says about a reader, whatever the layout."""

    line: int
    email: str
    name: str = ""
    created_at: datetime | None = None
    labels: tuple[str, ...] = ()
    tier: str = Member.Tier.FREE
    gone: str = ""  # "", or how they left (a Member.Status and Suppression.Reason): GONE
    details: dict[str, str] = field(default_factory=dict)  # other Member fields, e.g. utm_source


@dataclass
class ImportReport:
    layout: str = ""
    rows: int = 0
    created: int = 0
    created_unsubscribed: int = 0  # of `created`: the file said they had left
    updated: int = 0
    skipped_suppressed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    seconds: float = 0.0

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((line, message))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        errors = [(int(line), str(message)) for line, message in data.get("errors", [])]
        return cls(**{**data, "errors": errors})

    def as_text(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        created = f"Created: {self.created:,}"
        if self.created_unsubscribed:
            created += f" ({self.created_unsubscribed:,} of them unsubscribed, as in the file)"
        lines = [
            f"Layout: {LAYOUT_NAMES.get(self.layout, self.layout)}",
            f"Rows read: {self.rows:,} in {self.seconds:.1f} s ({rate:,.0f} rows/s)",
            created,
            f"Updated: {self.updated:,}",
            f"Skipped, suppressed: {self.skipped_suppressed:,}",
            f"Errors: {self.error_count:,}",
        ]
        lines += [f"  line {line}: {message}" for line, message in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  … and {self.error_count - len(self.errors):,} more not listed")
        return "\n".join(lines)


def import_members(
    file: TextIO,
    *,
    newsletters: list[Newsletter],
    labels: Iterable[str] = (),
    confirmed: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
) -> ImportReport:
    """Import every row of `file`; raise ImportFileError if it cannot be read as a member list.

    New members are active when `confirmed` says they confirmed their address elsewhere,
    pending otherwise. Rows the source marks as unsubscribed or bounced are imported as such,
    and suppressed. Each batch is one transaction: a failure stops at a batch boundary.
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}")
    started = time.monotonic()
    layout, rows = read_rows(file)
    report = ImportReport(layout=layout)
    importer = Importer(report, newsletters, list(labels), confirmed)
    for batch in batches(rows, batch_size):
        report.rows += len(batch)
        importer.import_batch(batch)
        if progress is not None:
            progress(report.rows)
    report.seconds = time.monotonic() - started
    return report


def batches(rows: Iterator[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


# Reading: a dialect, a layout, then one ImportRow per line.


def read_rows(file: TextIO) -> tuple[str, Iterator[ImportRow]]:
    """The layout's name and a lazy iterator of the file's rows."""
    head = _read_head(file)
    delimiter = sniff_delimiter("".join(head))
    reader = csv.reader(itertools.chain(head, file), delimiter=delimiter)
    first = next((cells for cells in _guarded(reader) if any(cells)), None)
    if first is None:
        raise ImportFileError("The file has no rows.")
    layout, keys = detect_layout(first)
    make_row = MAPPERS[layout]

    def rows() -> Iterator[ImportRow]:
        if layout == "headerless":
            yield make_row(reader.line_num, dict(zip(keys, first, strict=False)))
        for cells in _guarded(reader):
            if any(cells):
                yield make_row(reader.line_num, dict(zip(keys, cells, strict=False)))

    return layout, rows()


def _read_head(file: TextIO) -> list[str]:
    try:
        head = list(itertools.islice(file, SNIFF_LINES))
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The file is not UTF-8 text ({error.reason}).") from error
    if not head:
        raise ImportFileError("The file is empty.")
    head[0] = head[0].removeprefix("\ufeff")
    return head


def _guarded(reader: Any) -> Iterator[list[str]]:
    """The reader's rows, its failures as ImportFileError naming the line."""
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"After line {reader.line_num} the file is not UTF-8 text ({error.reason}); "
            "the rows before it were imported."
        ) from error
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num + 1} cannot be read as CSV ({error}); "
            "the rows before it were imported."
        ) from error


def sniff_delimiter(sample: str) -> str:
    """The delimiter by csv.Sniffer; when the sample puzzles it, the header's commonest one."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.lstrip("\r\n").splitlines()[0] if sample.strip() else ""
        return max(DELIMITERS, key=first_line.count)  # "," when there is none (one column)


def detect_layout(first_row: list[str]) -> tuple[str, list[str]]:
    """(layout, column keys) from the first row: a header, or already an address."""
    keys = [cell.strip().lower().replace(" ", "_") for cell in first_row]
    if not EMAIL_HEADERS.intersection(keys):
        if "@" in first_row[0]:
            return "headerless", ["email", "name"]
        raise ImportFileError(
            "No email column: the first line should name the columns, one of them "
            '"email" (or "Email Address"), or be an address itself.'
        )
    keys[next(number for number, key in enumerate(keys) if key in EMAIL_HEADERS)] = "email"
    names = set(keys)
    if names & {"optin_time", "confirm_time", "member_rating"}:
        return "mailchimp", keys
    if names & {"subscribed_to_emails", "complimentary_plan"}:
        return "ghost", keys
    if names & {"active_subscription", "email_disabled"}:
        return "substack", keys
    if names >= {"status", "tier", "newsletters"}:
        return "atlas", keys
    if "status" in names and names & {"utm_source", "referring_site", "utm_medium"}:
        return "beehiiv", keys
    return "plain", keys


def plain_row(line: int, record: dict[str, str]) -> ImportRow:
    """What any layout may have: an address, a name, a sign-up time, labels."""
    return ImportRow(
        line=line,
        email=record.get("email", ""),
        name=record.get("name") or full_name(record),
        created_at=parse_date(record.get("created_at", "")),
        labels=split_labels(record.get("labels") or record.get("tags") or ""),
    )


def atlas_row(line: int, record: dict[str, str]) -> ImportRow:
    """A file from `atlas export_members`: a way back in that keeps who left, left."""
    row = plain_row(line, record)
    status, tier = record.get("status", "").strip(), record.get("tier", "").strip()
    row.gone = status if status in GONE else ""
    row.tier = tier if tier in Member.Tier.values else Member.Tier.FREE
    row.details = member_details(record, utm_source="utm_source")
    return row


def substack_row(line: int, record: dict[str, str]) -> ImportRow:
    row = plain_row(line, record)
    if is_true(record.get("active_subscription", "")):
        comp = record.get("plan", "").strip().lower() in ("comp", "complimentary")
        row.tier = Member.Tier.COMPED if comp else Member.Tier.PAID
    if is_true(record.get("email_disabled", "")):
        row.gone = Member.Status.UNSUBSCRIBED
    return row


def beehiiv_row(line: int, record: dict[str, str]) -> ImportRow:
    row = plain_row(line, record)
    if record.get("subscription_tier", "").strip().lower() in ("premium", "paid"):
        row.tier = Member.Tier.PAID
    row.gone = BEEHIIV_GONE.get(record.get("status", "").strip().lower(), "")
    row.details = member_details(
        record, utm_source="utm_source", utm_medium="utm_medium", utm_campaign="utm_campaign",
        referrer="referring_site",
    )  # fmt: skip
    return row


def ghost_row(line: int, record: dict[str, str]) -> ImportRow:
    row = plain_row(line, record)
    if is_true(record.get("complimentary_plan", "")):
        row.tier = Member.Tier.COMPED
    elif record.get("tiers", "").strip() or record.get("stripe_customer_id", "").strip():
        row.tier = Member.Tier.PAID
    emails_off = not is_true(record.get("subscribed_to_emails", "true"))
    if emails_off or record.get("deleted_at", "").strip():
        row.gone = Member.Status.UNSUBSCRIBED
    row.details = member_details(record, notes="note")
    return row


def mailchimp_row(line: int, record: dict[str, str]) -> ImportRow:
    row = plain_row(line, record)
    row.created_at = parse_date(record.get("optin_time") or record.get("confirm_time") or "")
    if record.get("clean_time", "").strip():  # Mailchimp "cleans" an address that bounced
        row.gone = Member.Status.BOUNCED
    elif record.get("unsub_time", "").strip():
        row.gone = Member.Status.UNSUBSCRIBED
    row.details = member_details(record, notes="notes")
    return row


BEEHIIV_GONE = {"inactive": Member.Status.UNSUBSCRIBED, "unsubscribed": Member.Status.UNSUBSCRIBED,
                "invalid": Member.Status.BOUNCED}  # fmt: skip
MAPPERS: dict[str, Callable[[int, dict[str, str]], ImportRow]] = {
    "atlas": atlas_row, "substack": substack_row, "beehiiv": beehiiv_row, "ghost": ghost_row,
    "mailchimp": mailchimp_row, "plain": plain_row, "headerless": plain_row,
}  # fmt: skip


def full_name(record: dict[str, str]) -> str:
    return f"{record.get('first_name', '').strip()} {record.get('last_name', '').strip()}".strip()


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field with a column of its own (not a relation seen from the other side)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column of its own.")
    return field


def member_details(record: dict[str, str], **columns: str) -> dict[str, str]:
    """Member fields from the columns named, where filled, cut to the field's length."""
    details = {}
    for field_name, column in columns.items():
        if value := record.get(column, "").strip():
            details[field_name] = value[: concrete_field(Member, field_name).max_length]
    return details


def is_true(value: str) -> bool:
    return value.strip().lower() in TRUE_WORDS


def split_labels(cell: str) -> tuple[str, ...]:
    """Labels from one cell: `vip, press` (Ghost) or `"Tag A","Tag B"` (Mailchimp)."""
    if not cell.strip():
        return ()
    parts = next(csv.reader([cell], skipinitialspace=True)) if '"' in cell else cell.split(",")
    return tuple(dict.fromkeys(part.strip()[:LABEL_LENGTH] for part in parts if part.strip()))


def parse_date(text: str) -> datetime | None:
    """A sign-up time from an export (ISO 8601, `2024-05-01 10:00:00`, `... UTC`), or None."""
    text = text.strip().removesuffix(" UTC")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment if moment <= timezone.now() else None


class Rewindable(Protocol):
    """A binary file, or an upload: read in chunks, then back to the start."""

    def read(self, size: int, /) -> bytes: ...

    def seek(self, offset: int, /) -> Any: ...


def scan_file(file: Rewindable, chunk_size: int = 1 << 20) -> int:
    """Check that `file` is UTF-8 before anything is imported; count its lines (for progress)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    try:
        while chunk := file.read(chunk_size):
            decoder.decode(chunk)
            lines += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ImportFileError("The file is not UTF-8 text: save it again as CSV UTF-8.") from error
    finally:
        file.seek(0)
    return lines


# Writing: one transaction and a handful of queries per batch.


class SeenAddresses:
    """The addresses met so far in one file, as 64-bit fingerprints in an open-addressing table.

    About 16 bytes per address at worst (8-byte slots, at most half full): 17 MB for a
    million addresses, against ~100 MB for a Python set of the same fingerprints. Two
    different addresses share a fingerprint with odds of about 1 in 36 million per
    million-row file; the second would then be reported as a duplicate.
    """

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._slots = array("Q", [0]) * capacity
        self._count = 0

    def add(self, email_lower: str) -> bool:
        """Remember the address; False if it was already there."""
        key = int.from_bytes(blake2b(email_lower.encode(), digest_size=8).digest()) or 1
        if not self._insert(self._slots, key):
            return False
        self._count += 1
        if self._count * 2 > len(self._slots):
            self._grow()
        return True

    @staticmethod
    def _insert(slots: array[int], key: int) -> bool:
        mask = len(slots) - 1
        position = key & mask
        while (current := slots[position]) != 0:
            if current == key:
                return False
            position = (position + 1) & mask
        slots[position] = key
        return True

    def _grow(self) -> None:
        larger = array("Q", [0]) * (len(self._slots) * 2)
        for key in self._slots:
            if key:
                self._insert(larger, key)
        self._slots = larger


@dataclass
class BatchPlan:
    """What one batch will write, worked out before the writes."""

    new_rows: list[ImportRow] = field(default_factory=list)
    changed_members: list[Member] = field(default_factory=list)
    subscriptions: list[tuple[int, str]] = field(default_factory=list)  # existing members
    label_links: list[tuple[int, ImportRow]] = field(default_factory=list)  # existing members


class Importer:
    """One import's state across batches: options, label ids, the addresses already seen."""

    def __init__(
        self, report: ImportReport, newsletters: list[Newsletter], labels: list[str],
        confirmed: bool,
    ) -> None:  # fmt: skip
        self.report = report
        self.newsletter_ids = [newsletter.pk for newsletter in newsletters]
        self.confirmed = confirmed
        self.seen = SeenAddresses()
        self.label_ids: dict[str, int] = {}
        names = dict.fromkeys(name.strip() for name in labels)
        self.common_label_ids = [self.label_id(name) for name in names if name]

    def label_id(self, name: str) -> int:
        name = name.strip()[:LABEL_LENGTH]
        if name not in self.label_ids:
            self.label_ids[name] = Label.objects.get_or_create(name=name)[0].pk
        return self.label_ids[name]

    def import_batch(self, rows: list[ImportRow]) -> None:
        candidates = self.valid_rows(rows)
        if not candidates:
            return
        digests = {email_digest(email): email for email in candidates}
        with transaction.atomic():
            existing = select_in(Member, EXISTING_FIELDS, "email_lower", list(candidates))
            suppressed = select_in(Suppression, ["email_digest"], "email_digest", list(digests))
            plan = self.plan(
                candidates,
                {
                    values[1]: Member(**dict(zip(EXISTING_FIELDS, values, strict=True)))
                    for values in existing
                },
                {digests[digest] for (digest,) in suppressed},
            )
            Member.objects.bulk_update(plan.changed_members, ["name", "tier", "updated_at"])
            self.add_subscriptions(plan.subscriptions)
            self.add_labels(plan.label_links)
            self.create_members(plan.new_rows)

    def valid_rows(self, rows: list[ImportRow]) -> dict[str, ImportRow]:
        """Rows by lower-cased address, each with a normalised address; errors reported."""
        valid: dict[str, ImportRow] = {}
        for row in rows:
            if not row.email.strip():
                self.report.add_error(row.line, "No email address.")
                continue
            try:
                row.email = normalize_email(row.email)
            except ValidationError as error:
                shown = row.email.strip()[:60]
                self.report.add_error(row.line, f"{error.messages[0]} ({shown!r})")
                continue
            email_lower = row.email.lower()
            if not self.seen.add(email_lower):
                self.report.add_error(row.line, f"{row.email} appears earlier in the file.")
                continue
            valid[email_lower] = row
        return valid

    def plan(
        self, candidates: dict[str, ImportRow], existing: dict[str, Member], blocked: set[str]
    ) -> BatchPlan:
        plan = BatchPlan()
        for email_lower, row in candidates.items():
            member = existing.get(email_lower)
            if email_lower in blocked or (member is not None and member.status in GONE):
                self.report.skipped_suppressed += 1
            elif member is not None:
                self.plan_update(plan, member, row)
            else:
                plan.new_rows.append(row)
        return plan

    def plan_update(self, plan: BatchPlan, member: Member, row: ImportRow) -> None:
        """Fill what the member lacks; add newsletters and labels; never change the status."""
        self.report.updated += 1
        name = row.name.strip()[:NAME_LENGTH]
        upgrade = member.tier == Member.Tier.FREE and row.tier != Member.Tier.FREE
        if (name and not member.name) or upgrade:
            member.name = member.name or name
            member.tier = row.tier if upgrade else member.tier
            member.updated_at = timezone.now()
            plan.changed_members.append(member)
        if not row.gone:
            active = self.confirmed and member.status == Member.Status.ACTIVE
            status = Subscription.Status.ACTIVE if active else Subscription.Status.PENDING
            plan.subscriptions.append((member.pk, status))
        plan.label_links.append((member.pk, row))

    def create_members(self, rows: list[ImportRow]) -> None:
        if not rows:
            return
        now = adapt_datetime(timezone.now())
        insert_rows(Member, NEW_MEMBER_FIELDS, [self.member_values(row, now) for row in rows],
                    source="import")  # fmt: skip
        by_email = {row.email.lower(): row for row in rows}
        created = [  # not a member a concurrent sign-up (source "web") created meanwhile
            (member_id, by_email[email_lower])
            for member_id, email_lower, source in select_in(
                Member, ["id", "email_lower", "source"], "email_lower", list(by_email)
            )
            if source == "import"
        ]
        self.report.created += len(created)
        self.add_subscriptions([(member_id, self.status(row)) for member_id, row in created])
        self.add_labels(created)
        self.suppress([row for _, row in created if row.gone])
        events = [(member_id,) for member_id, _ in created]
        detail = {"layout": self.report.layout}
        insert_rows(MemberEvent, ["member"], events, kind=MemberEvent.Kind.IMPORTED, detail=detail)

    def status(self, row: ImportRow) -> str:
        """A new member's status, and that of their new subscriptions (same values)."""
        if row.gone:
            return row.gone
        return Member.Status.ACTIVE if self.confirmed else Member.Status.PENDING

    def member_values(self, row: ImportRow, now: Any) -> tuple[Any, ...]:
        status = self.status(row)
        details = row.details
        return (
            row.email, row.email.lower(), row.name.strip()[:NAME_LENGTH], status, row.tier,
            adapt_datetime(row.created_at) if row.created_at else now,
            now if status == Member.Status.ACTIVE else None,
            *([details.get(name, "") for name in DETAIL_FIELDS] if details else NO_DETAILS),
        )  # fmt: skip

    def add_subscriptions(self, wanted: list[tuple[int, str]]) -> None:
        """New subscriptions only: one that exists, even unsubscribed, is left as it is."""
        values = [
            (
                member_id,
                newsletter_id,
                Subscription.Status.UNSUBSCRIBED if status in GONE else status,
            )
            for member_id, status in wanted
            for newsletter_id in self.newsletter_ids
        ]
        insert_rows(Subscription, ["member", "newsletter", "status"], values)

    def add_labels(self, members: list[tuple[int, ImportRow]]) -> None:
        values = [
            (member_id, label_id)
            for member_id, row in members
            for label_id in dict.fromkeys(
                [*self.common_label_ids, *(self.label_id(name) for name in row.labels)]
            )
        ]
        insert_rows(Member.labels.through, ["member", "label"], values)

    def suppress(self, rows: list[ImportRow]) -> None:
        values = [(email_digest(row.email), row.gone) for row in rows]  # reasons as statuses
        insert_rows(Suppression, ["email_digest", "reason"], values)
        self.report.created_unsubscribed += len(rows)


EXISTING_FIELDS = ("id", "email_lower", "name", "status", "tier")
DETAIL_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer", "notes")
NO_DETAILS = ("",) * len(DETAIL_FIELDS)
NEW_MEMBER_FIELDS = (
    "email", "email_lower", "name", "status", "tier", "created_at", "confirmed_at", *DETAIL_FIELDS,
)  # fmt: skip


def adapt_datetime(moment: datetime) -> Any:
    """A datetime as the database takes it (what DateTimeField does for each value)."""
    return connection.ops.adapt_datetimefield_value(moment)


def select_in(
    model: type[models.Model], fields: Sequence[str], key: str, values: list[Any]
) -> list[tuple[Any, ...]]:
    """The `fields` of the rows whose `key` is one of `values`, as tuples.

    The ORM's `__in` lookup prepares each value through its field: ~1.5 µs a value, three
    lookups a row. These values are plain strings already.
    """
    quote = connection.ops.quote_name
    found: list[tuple[Any, ...]] = []
    per_statement = max_parameters()
    with connection.cursor() as cursor:
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            statement = "SELECT {columns} FROM {table} WHERE {key} IN ({values})".format(
                columns=", ".join(quote(concrete_field(model, name).column) for name in fields),
                table=quote(model._meta.db_table),
                key=quote(concrete_field(model, key).column),
                values=", ".join(["%s"] * len(chunk)),
            )
            cursor.execute(statement, chunk)
            found += cursor.fetchall()
    return found


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]],
    **shared: Any,
) -> None:  # fmt: skip
    """Insert many rows, many to a statement, skipping those a unique constraint refuses.

    `rows` hold values ready for the database for `fields`; `shared` are model values common
    to every row; every other column takes the model's default, prepared once. bulk_create
    prepares every value of every row through its field, which for a million members costs
    several times the database's own work (bench/import_members).
    """
    if not rows:
        return
    template = model(**shared)
    others = [
        model_field
        for model_field in model._meta.concrete_fields
        if not model_field.primary_key and model_field.name not in fields
    ]
    constants = tuple(
        model_field.get_db_prep_save(model_field.pre_save(template, True), connection)
        for model_field in others
    )
    named = [concrete_field(model, name) for name in fields]
    columns = tuple(model_field.column for model_field in [*named, *others])
    per_statement = max_parameters() // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        with connection.cursor() as cursor:
            cursor.execute(
                insert_statement(model, columns, len(chunk)),
                [value for row in chunk for value in (*row, *constants)],
            )


def max_parameters() -> int:
    """Parameters one statement may carry: SQLite's own limit (Django assumes 999)."""
    if connection.vendor != "sqlite":
        return connection.features.max_query_params or 30_000
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


@functools.lru_cache(maxsize=64)
def insert_statement(model: type[models.Model], columns: Sequence[str], row_count: int) -> str:
    """INSERT of `row_count` rows that skips conflicting ones, in the database's dialect."""
    quote = connection.ops.quote_name
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return "{insert} {table} ({columns}) VALUES {values} {on_conflict}".format(
        insert=connection.ops.insert_statement(on_conflict=OnConflict.IGNORE),
        table=quote(model._meta.db_table),
        columns=", ".join(quote(column) for column in columns),
        values=", ".join([one_row] * row_count),
        on_conflict=connection.ops.on_conflict_suffix_sql(columns, OnConflict.IGNORE, None, None),
    )
