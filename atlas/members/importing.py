"""Import members from a CSV export: Substack, beehiiv, Ghost, Mailchimp, Kit, Buttondown, Atlas's
own export, or a plain list.

The service: `import_members(source, ...)` takes a path or an open file and the options, and
returns an `ImportReport` (the platform detected, counts, every problem by line). With
`dry_run=True` it reads and checks everything and writes nothing. The file is checked whole
first (UTF-8, a header, a status column Atlas understands), then read lazily and written in
batches, so memory stays flat however long it is.

Consent is never invented: a row's own state wins (`import_formats.State`); `confirmed=True`
means "that platform confirmed its active readers", never "make everyone active". An import never
(re)subscribes an address that is suppressed or whose member unsubscribed, bounced or complained,
never changes an existing member's status, and sends no mail.
"""

from __future__ import annotations

import codecs
import io
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from atlas.lib.bulk import Row, copy_rows, datetime_adapter, insert_rows, row_preparer, select_in
from atlas.lib.readahead import let_others_run, read_ahead
from atlas.members import import_postgres
from atlas.members.addresses import normalize_email
from atlas.members.import_fingerprints import SeenAddresses
from atlas.members.import_formats import (
    LAYOUT_NAMES,
    NAME_LENGTH,
    ImportFileError,
    ImportRow,
    State,
    check_states,
    read_rows,
)
from atlas.members.models import (
    Label,
    Member,
    MemberEvent,
    Newsletter,
    Subscription,
    Suppression,
    email_digest,
)
from atlas.members.services import default_newsletters

__all__ = [
    "DEFAULT_BATCH_SIZE", "ImportFileError", "ImportReport", "SeenAddresses", "import_members",
    "scan_file",
]  # fmt: skip

MAX_LISTED_ERRORS = 1_000
MAX_BATCH_SIZE = 10_000
# Rows per transaction: each batch costs a dozen statements and a commit whatever its size
# (5,000 rather than 2,000 saves ~5% of the server's work on PostgreSQL; bench/README.md).
DEFAULT_BATCH_SIZE = 5_000
PREVIEW_ROWS = 20
YIELD_EVERY_ROWS = 20  # rows checked between offers of the interpreter to the writing thread
GONE = State.GONE


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), with every problem by line."""

    layout: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    created_active: int = 0
    created_pending: int = 0
    created_unsubscribed: int = 0  # of `created`: the file said they had left
    updated: int = 0
    lapsed: int = 0  # supporters with a Stripe customer but no paid plan any more (free)
    skipped_suppressed: int = 0
    skipped_placeholders: int = 0  # Substack's stand-ins for deleted addresses
    newsletters_created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    preview: list[tuple[int, str, str]] = field(default_factory=list)  # (line, email, outcome)
    seconds: float = 0.0

    @property
    def platform(self) -> str:
        return LAYOUT_NAMES.get(self.layout, self.layout)

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((line, message))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        errors = [(int(line), str(message)) for line, message in data.get("errors", [])]
        preview = [(int(line), str(email), str(outcome))
                   for line, email, outcome in data.get("preview", [])]  # fmt: skip
        return cls(**{**known, "errors": errors, "preview": preview})

    def as_text(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0
        would = "Would create" if self.dry_run else "Created"
        created = f"{would}: {self.created:,}"
        parts = [f"{self.created_active:,} active", f"{self.created_pending:,} pending"]
        if self.created_unsubscribed:
            parts.append(f"{self.created_unsubscribed:,} unsubscribed, as in the file")
        if self.created:
            created += f" ({', '.join(parts)})"
        lines = [
            f"Layout: {self.platform}" + (" (dry run: nothing written)" if self.dry_run else ""),
            f"Rows read: {self.rows:,} in {self.seconds:.1f} s ({rate:,.0f} rows/s)",
            created,
            f"{'Would update' if self.dry_run else 'Updated'}: {self.updated:,}",
            f"Skipped, suppressed: {self.skipped_suppressed:,}",
        ]
        if self.skipped_placeholders:
            lines.append(f"Skipped, deletion placeholders: {self.skipped_placeholders:,}")
        if self.lapsed:
            lines.append(f"Lapsed supporters (free, Stripe customer kept): {self.lapsed:,}")
        if self.newsletters_created:
            verb = "Would create" if self.dry_run else "Created"
            lines.append(f"{verb} newsletters: {', '.join(self.newsletters_created)}")
        lines.append(f"Errors: {self.error_count:,}")
        lines += [f"  line {line}: {message}" for line, message in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  … and {self.error_count - len(self.errors):,} more not listed")
        return "\n".join(lines)


Source = str | Path | IO[str] | IO[bytes]


def import_members(
    source: Source,
    *,
    newsletters: list[Newsletter] | None = None,
    labels: Iterable[str] = (),
    confirmed: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    preview_rows: int = PREVIEW_ROWS,
) -> ImportReport:
    """Import every row of `source` (a path, or a file open in text or binary mode).

    Raise ImportFileError, having written nothing, if it cannot be read as a member list (not
    UTF-8, no email column, a status column with values Atlas cannot read). `newsletters` are
    the ones new members join (default: the default newsletters); rows of Atlas's own export
    name theirs. Each batch is one transaction: a failure stops at a batch boundary.
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}")
    started = time.monotonic()
    with open_text(source) as file:
        check_states(file)
        file.seek(0)
        reading = read_rows(file, now=timezone.now())
        report = ImportReport(layout=reading.layout.name, dry_run=dry_run)
        importer = Importer(report, newsletters, list(labels), confirmed, dry_run=dry_run)
        checked = importer.checked_batches(batches(paced(reading.rows), batch_size), preview_rows)
        # The next batch is read, checked and prepared in a thread while this one is written.
        for row_count, candidates, prepared in read_ahead(checked):
            report.rows += row_count
            importer.write_batch(candidates, prepared)
            if progress is not None:
                progress(report.rows)
    report.preview.sort()
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def open_text(source: Source) -> Iterator[TextIO]:
    """`source` as seekable UTF-8 text (a byte-order mark dropped)."""
    if isinstance(source, str | Path):
        with Path(source).open(encoding="utf-8-sig", newline="") as file:
            yield file
        return
    if isinstance(source, io.TextIOBase):
        yield source  # type: ignore[misc]
        return
    text = io.TextIOWrapper(cast(BinaryIO, source), encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()  # the caller's file stays open


def paced(rows: Iterator[ImportRow]) -> Iterator[ImportRow]:
    """`rows`, offering the interpreter to the writing thread every few rows (`read_ahead`)."""
    for number, row in enumerate(rows):
        if number % YIELD_EVERY_ROWS == 0:
            let_others_run()
        yield row


def batches(rows: Iterator[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def scan_file(file: BinaryIO, chunk_size: int = 1 << 20) -> int:
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


@dataclass
class Prepared:
    """What the writes of one batch's valid rows need that the database does not decide, by
    lower-cased address: on PostgreSQL worked out beside the previous batch's writes
    (`checked_batches`), elsewhere by the writing thread (`bulk.row_preparer`)."""

    digests: dict[str, str]  # the address's digest (suppressions) -> the address
    statuses: dict[str, str]  # a new member's status (`Importer.status`)
    member_rows: dict[str, Row]  # a new member's row, ready for `insert_rows`


@dataclass
class BatchPlan:
    """What one batch will write, worked out before the writes."""

    new_rows: dict[str, ImportRow] = field(default_factory=dict)  # by lower-cased address
    changed_members: list[Member] = field(default_factory=list)
    subscriptions: list[tuple[int, int, str]] = field(default_factory=list)  # existing members
    label_links: list[tuple[int, ImportRow]] = field(default_factory=list)  # existing members


class Importer:
    """One import's state across batches: options, label and newsletter ids, addresses seen."""

    def __init__(
        self, report: ImportReport, newsletters: list[Newsletter] | None, labels: list[str],
        confirmed: bool, *, dry_run: bool = False,
    ) -> None:  # fmt: skip
        self.report = report
        self.dry_run = dry_run
        self.confirmed = confirmed
        self.seen = SeenAddresses()
        self.label_ids: dict[str, int] = {}
        self.newsletter_ids = dict(Newsletter.objects.values_list("slug", "pk"))
        if newsletters is None:
            newsletters = default_newsletters()
        self.default_newsletter_ids = tuple(newsletter.pk for newsletter in newsletters)
        names = dict.fromkeys(name.strip() for name in labels)
        self.common_label_ids = tuple(dict.fromkeys(self.label_id(name) for name in names if name))
        self.array_texts: dict[tuple[int, ...], str] = {}
        self.preview_lines: set[int] = set()
        self.adapt = datetime_adapter()
        self.prepare_row = row_preparer()

    def label_id(self, name: str) -> int:
        name = name.strip()[: Label._meta.get_field("name").max_length]
        if name not in self.label_ids:
            if self.dry_run:
                found = Label.objects.filter(name=name).values_list("pk", flat=True).first()
                self.label_ids[name] = found or -1 - len(self.label_ids)
            else:
                self.label_ids[name] = Label.objects.get_or_create(name=name)[0].pk
        return self.label_ids[name]

    def label_ids_of(self, row: ImportRow) -> tuple[int, ...]:
        """The labels a row's member gets: the import's, and the row's own."""
        names = (self.label_id(name) for name in row.labels)
        return tuple(dict.fromkeys([*self.common_label_ids, *names]))

    def newsletters_of(self, row: ImportRow) -> tuple[int, ...]:
        """The newsletters a row joins: its own (Atlas's export, by slug), else the import's."""
        if row.newsletters is None:
            return self.default_newsletter_ids
        return tuple(dict.fromkeys(self.newsletter_id(slug) for slug in row.newsletters))

    def newsletter_id(self, slug: str) -> int:
        if slug not in self.newsletter_ids:
            self.report.newsletters_created.append(slug)
            if self.dry_run:
                self.newsletter_ids[slug] = -1 - len(self.newsletter_ids)
            else:
                name = slug.replace("-", " ").capitalize()[:120]
                newsletter, _ = Newsletter.objects.get_or_create(
                    slug=slugify(slug)[:120] or slug[:120], defaults={"name": name}
                )
                self.newsletter_ids[slug] = newsletter.pk
        return self.newsletter_ids[slug]

    def outcome(self, row: ImportRow, text: str) -> None:
        if row.line in self.preview_lines:
            self.report.preview.append((row.line, row.email.strip(), text))

    def error(self, row: ImportRow, message: str) -> None:
        self.report.add_error(row.line, message)
        self.outcome(row, f"error: {message}")

    def checked_batches(
        self, batches: Iterable[list[ImportRow]], preview_rows: int = PREVIEW_ROWS
    ) -> Iterator[tuple[int, dict[str, ImportRow], Prepared | None]]:
        """Each batch's row count, valid rows (`valid_rows`) and what their writes need
        (`prepare`); the first rows are previewed.

        Runs beside `write_batch` (`read_ahead`): it touches only the duplicate check, the
        errors and the preview, never the database.
        """
        rows_read = 0
        for batch in batches:
            self.preview_lines.update(row.line for row in batch[: max(0, preview_rows - rows_read)])
            rows_read += len(batch)
            candidates = self.valid_rows(batch)
            ahead = self.prepare_row is not None  # else written as they are (`row_preparer`)
            prepared = self.prepare(candidates, beside_writes=True) if ahead else None
            yield len(batch), candidates, prepared

    def import_batch(self, rows: list[ImportRow]) -> None:
        """Check and write one batch (what `import_members` does for each, in two threads)."""
        self.write_batch(self.valid_rows(rows))

    def prepare(self, candidates: dict[str, ImportRow], *, beside_writes: bool = False) -> Prepared:
        """The digests, statuses and member rows of `candidates` (no database: `checked_batches`).

        Every candidate gets a member row, though those already members will not use theirs:
        it is made beside the writes, and most rows of an import are new."""
        now = timezone.now()
        prepared = Prepared(digests={}, statuses={}, member_rows={})
        prepare_row = self.prepare_row or tuple
        for number, (email_lower, row) in enumerate(candidates.items()):
            if beside_writes and number % YIELD_EVERY_ROWS == 0:
                let_others_run()  # as in valid_rows: the writing thread's answer taken up at once
            status = prepared.statuses[email_lower] = self.status(row)
            prepared.digests[email_digest(email_lower)] = email_lower
            prepared.member_rows[email_lower] = prepare_row(self.member_values(row, status, now))
        return prepared

    def write_batch(
        self, candidates: dict[str, ImportRow], prepared: Prepared | None = None
    ) -> None:
        """Write one batch of checked rows, in one transaction."""
        if not candidates:
            return
        if prepared is None:
            prepared = self.prepare(candidates)
        with transaction.atomic():
            existing = select_in(Member, EXISTING_FIELDS, "email_lower", list(candidates))
            digests = prepared.digests
            suppressed = select_in(Suppression, ["email_digest"], "email_digest", list(digests))
            plan = self.plan(
                candidates,
                {
                    values[1]: Member(**dict(zip(EXISTING_FIELDS, values, strict=True)))
                    for values in existing
                },
                {digests[digest] for (digest,) in suppressed},
            )
            if self.dry_run:
                self.count_created(plan.new_rows.values(), prepared.statuses)
                return
            Member.objects.bulk_update(plan.changed_members, CHANGEABLE_FIELDS)
            self.add_subscriptions(plan.subscriptions)
            self.add_labels(plan.label_links)
            self.create_members(plan.new_rows, prepared)

    def valid_rows(self, rows: list[ImportRow]) -> dict[str, ImportRow]:
        """Rows by lower-cased address, each with a normalised address; errors reported."""
        valid: dict[str, ImportRow] = {}
        for number, row in enumerate(rows):
            if number % YIELD_EVERY_ROWS == 0:
                let_others_run()
            if row.placeholder:
                self.report.skipped_placeholders += 1
                self.outcome(row, "skipped: a placeholder for a deleted address")
                continue
            if row.problem:
                self.error(row, row.problem)
                continue
            if not row.email.strip():
                self.error(row, "No email address.")
                continue
            try:
                row.email = normalize_email(row.email)
            except ValidationError as error:
                self.error(row, f"{error.messages[0]} ({row.email.strip()[:60]!r})")
                continue
            email_lower = row.email.lower()
            if not self.seen.add(email_lower):
                self.error(row, f"{row.email} appears earlier in the file.")
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
                self.outcome(row, "skipped: the address left, bounced or was deleted")
            elif member is not None:
                self.plan_update(plan, member, row)
            else:
                plan.new_rows[email_lower] = row
                if row.line in self.preview_lines:
                    self.outcome(row, f"new member, {self.status(row)}")
        return plan

    def plan_update(self, plan: BatchPlan, member: Member, row: ImportRow) -> None:
        """Fill what the member lacks; add newsletters and labels; never change the status."""
        self.report.updated += 1
        self.outcome(row, f"existing member, stays {member.status}")
        name = row.name.strip()[:NAME_LENGTH]
        upgrade = member.tier == Member.Tier.FREE and row.tier != Member.Tier.FREE
        customer = row.details.get("stripe_customer_id", "")
        notes = row.details.get("notes", "")
        changes = {
            "name": member.name or name,
            "tier": row.tier if upgrade else member.tier,
            "stripe_customer_id": member.stripe_customer_id or customer,
            "notes": member.notes or notes,
        }
        if any(getattr(member, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(member, name, value)
            member.updated_at = timezone.now()
            plan.changed_members.append(member)
        if row.state not in GONE:
            confirmed = row.state == State.CONFIRMED or (
                self.confirmed and row.state != State.PENDING
            )
            active = confirmed and member.status == Member.Status.ACTIVE
            status = Subscription.Status.ACTIVE if active else Subscription.Status.PENDING
            for newsletter_id in self.newsletters_of(row):
                plan.subscriptions.append((member.pk, newsletter_id, status))
        plan.label_links.append((member.pk, row))

    def status(self, row: ImportRow) -> str:
        """A new member's status, and that of their new subscriptions (same values).

        The row's own state wins: gone stays gone, pending stays pending, a confirmation the
        file records is kept; the `confirmed` option decides only what the file leaves open.
        """
        if row.state in GONE:
            return row.state
        if row.state == State.PENDING:
            return Member.Status.PENDING
        if row.state == State.CONFIRMED or self.confirmed:
            return Member.Status.ACTIVE
        return Member.Status.PENDING

    def count_created(self, rows: Iterable[ImportRow], statuses: dict[str, str]) -> None:
        """What creating `rows` counts as, in the report (a dry run stops here)."""
        for row in rows:
            self.report.created += 1
            status = statuses[row.email.lower()]
            if status == Member.Status.ACTIVE:
                self.report.created_active += 1
            elif status == Member.Status.PENDING:
                self.report.created_pending += 1
            else:
                self.report.created_unsubscribed += 1
            if row.details.get("stripe_customer_id") and row.tier == Member.Tier.FREE:
                self.report.lapsed += 1
            if row.newsletters:
                for slug in row.newsletters:
                    self.newsletter_id(slug)

    def create_members(self, rows: dict[str, ImportRow], prepared: Prepared) -> None:
        if not rows:
            return
        if self.prepare_row is None:
            created = self.create_members_in_steps(rows, prepared)
        else:  # PostgreSQL: the member rows are COPY lines
            created = self.create_members_at_once(rows, prepared)
        # not one a concurrent sign-up created meanwhile (skipped: not returned)
        self.count_created(created, prepared.statuses)
        self.suppress([row for row in created if row.state in GONE])

    def create_members_in_steps(
        self, rows: dict[str, ImportRow], prepared: Prepared
    ) -> list[ImportRow]:
        """The members, then rows that refer to them: nothing can conflict with those."""
        member_rows = prepared.member_rows
        values = [member_rows[email_lower] for email_lower in rows]
        inserted = insert_rows(
            Member, NEW_MEMBER_FIELDS, values, returning=("id", "email_lower"),
            rare_conflicts=True, source="import",
        )  # fmt: skip
        created = [(member_id, rows[email_lower]) for member_id, email_lower in inserted]
        statuses = prepared.statuses
        subscriptions = [
            (member_id, newsletter_id, subscription_status(statuses[row.email.lower()]))
            for member_id, row in created
            for newsletter_id in self.newsletters_of(row)
        ]
        copy_rows(Subscription, SUBSCRIPTION_FIELDS, subscriptions)
        self.add_labels(created, new_members=True)
        events = [(member_id,) for member_id, _ in created]
        detail = {"layout": self.report.layout}
        copy_rows(MemberEvent, ["member"], events, kind=MemberEvent.Kind.IMPORTED, detail=detail)
        return [row for _, row in created]

    def create_members_at_once(
        self, rows: dict[str, ImportRow], prepared: Prepared
    ) -> list[ImportRow]:
        """PostgreSQL: one statement inserts the members with their subscriptions, labels and
        events (`import_postgres`)."""
        statuses, member_rows = prepared.statuses, prepared.member_rows
        arrays = self.array_texts
        lines = {}
        for email_lower, row in rows.items():
            newsletter_ids = self.newsletters_of(row)
            label_ids = self.label_ids_of(row) if row.labels else self.common_label_ids
            lines[email_lower] = import_postgres.staged_line(
                cast(str, member_rows[email_lower]),
                subscription_status(statuses[email_lower]),
                arrays.get(newsletter_ids) or self.array_text(newsletter_ids),
                arrays.get(label_ids) or self.array_text(label_ids),
            )
        created = import_postgres.create_members(
            lines, NEW_MEMBER_FIELDS, layout=self.report.layout
        )
        return [rows[email_lower] for email_lower in created]

    def array_text(self, ids: tuple[int, ...]) -> str:
        """`import_postgres.array_text`, remembered: most rows share a few."""
        text = self.array_texts[ids] = import_postgres.array_text(ids)
        return text

    def member_values(self, row: ImportRow, status: str, now: Any) -> tuple[Any, ...]:
        details = row.details
        adapt = self.adapt
        confirmed_at = adapt(row.confirmed_at or now) if status == Member.Status.ACTIVE else None
        return (
            row.email, row.email.lower(), row.name.strip()[:NAME_LENGTH], status, row.tier,
            adapt(row.created_at or now), confirmed_at,
            *([details.get(name, "") for name in DETAIL_FIELDS] if details else NO_DETAILS),
        )  # fmt: skip

    def add_subscriptions(self, wanted: list[tuple[int, int, str]]) -> None:
        """Existing members' new subscriptions only: one that exists, even unsubscribed, is
        left as it is."""
        values = [
            (member_id, newsletter_id, subscription_status(status))
            for member_id, newsletter_id, status in wanted
        ]
        insert_rows(Subscription, SUBSCRIPTION_FIELDS, values)

    def add_labels(
        self, members: list[tuple[int, ImportRow]], *, new_members: bool = False
    ) -> None:
        values = [(member_id, label_id)
                  for member_id, row in members for label_id in self.label_ids_of(row)]  # fmt: skip
        insert = copy_rows if new_members else insert_rows
        insert(Member.labels.through, ["member", "label"], values)

    def suppress(self, rows: list[ImportRow]) -> None:
        values = [(email_digest(row.email), row.state) for row in rows]  # reasons as statuses
        insert_rows(Suppression, ["email_digest", "reason"], values)


def subscription_status(status: str) -> str:
    """A new subscription's status for a member's status: gone in any way is unsubscribed."""
    return Subscription.Status.UNSUBSCRIBED if status in GONE else status


SUBSCRIPTION_FIELDS = ("member", "newsletter", "status")
EXISTING_FIELDS = ("id", "email_lower", "name", "status", "tier", "stripe_customer_id", "notes")
CHANGEABLE_FIELDS = ["name", "tier", "stripe_customer_id", "notes", "updated_at"]
DETAIL_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer", "notes",
                 "stripe_customer_id")  # fmt: skip
NO_DETAILS = ("",) * len(DETAIL_FIELDS)
NEW_MEMBER_FIELDS = (
    "email", "email_lower", "name", "status", "tier", "created_at", "confirmed_at", *DETAIL_FIELDS,
)  # fmt: skip
