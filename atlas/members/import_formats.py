"""What member exports look like: their layouts, detected from the header, and what each row says.

Every layout maps a CSV row to an `ImportRow`: an address, a name, a sign-up time, labels, a plan
and the row's own *consent state* (`State`): what the platform says about this reader's
subscription. A layout whose status column holds a value it does not know is refused before
anything is written (`check_states`), never imported as all-active.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from atlas.members.models import Label, Member

SNIFF_LINES = 20
DELIMITERS = ",;\t"
EMAIL_HEADERS = ("email", "e-mail", "email_address", "e-mail_address", "emailaddress")
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
NAME_LENGTH = Member._meta.get_field("name").max_length or 120
LABEL_LENGTH = Label._meta.get_field("name").max_length or 80
SUBSTACK_PLACEHOLDER_DOMAIN = "@deletion-request.substack.com"
MAX_STATUS_VALUES = 20  # distinct values named when a status column is refused


class ImportFileError(Exception):
    """The file cannot be read as a list of members (empty, not text, no email column)."""


class State:
    """A row's own consent state. The `--confirmed` option only ever decides UNKNOWN and ACTIVE."""

    UNKNOWN = ""  # the file says nothing: the import's `confirmed` option decides
    ACTIVE = "active"  # subscribed there; confirmed only if that platform confirms addresses
    CONFIRMED = "confirmed"  # the file itself records a confirmation (Atlas's own export)
    PENDING = "pending"  # never confirmed: stays pending whatever the option says
    UNSUBSCRIBED = Member.Status.UNSUBSCRIBED.value
    BOUNCED = Member.Status.BOUNCED.value
    COMPLAINED = Member.Status.COMPLAINED.value
    GONE = frozenset({UNSUBSCRIBED, BOUNCED, COMPLAINED})


LAYOUT_NAMES = {
    "atlas": "Atlas export",
    "substack": "Substack export",
    "beehiiv": "beehiiv export",
    "ghost": "Ghost members export",
    "mailchimp": "Mailchimp audience export",
    "kit": "Kit (ConvertKit) export",
    "buttondown": "Buttondown export",
    "plain": "Plain list (email, name)",
    "headerless": "Plain list without a header row",
}


@dataclass(slots=True)
class ImportRow:
    """What one line of a file says about a reader, whatever the layout."""

    line: int
    email: str
    name: str = ""
    created_at: datetime | None = None
    labels: tuple[str, ...] = ()
    tier: str = Member.Tier.FREE
    state: str = State.UNKNOWN
    confirmed_at: datetime | None = None
    newsletters: tuple[str, ...] | None = None  # slugs, when the row names its own (Atlas export)
    details: dict[str, str] = field(default_factory=dict)  # other Member fields, e.g. utm_source
    problem: str = ""  # why the row cannot be imported (a status the layout does not know)
    placeholder: bool = False  # an address the platform put in place of a deleted one


@dataclass(frozen=True)
class Layout:
    """A platform's export: how to read a row, and its status column's vocabulary, if any."""

    name: str
    read: Callable[[int, dict[str, str], Reading], ImportRow]
    status_column: str = ""
    states: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """What every row of one file is read with: its layout (with the status column it really
    has) and the import's time (no sign-up is later)."""

    layout: Layout
    now: datetime


# Reading: a dialect, a layout, then one ImportRow per line.


@dataclass
class Source:
    """A CSV file opened for reading: its layout, column keys and a lazy iterator of rows."""

    layout: Layout
    rows: Iterator[ImportRow]


def read_rows(file: TextIO, now: datetime | None = None) -> Source:
    """The layout and a lazy iterator of the file's rows."""
    now = now or datetime.now(UTC)
    head = _read_head(file)
    delimiter = sniff_delimiter("".join(head))
    reader = csv.reader(itertools.chain(head, file), delimiter=delimiter)
    first = next((cells for cells in _guarded(reader) if any(cells)), None)
    if first is None:
        raise ImportFileError("The file has no rows.")
    layout, keys = detect_layout(first)
    make_row, reading = layout.read, Reading(layout, now)

    def rows() -> Iterator[ImportRow]:
        if layout.name == "headerless":
            yield make_row(reader.line_num, dict(zip(keys, first, strict=False)), reading)
        for cells in _guarded(reader):
            if any(cells):
                yield make_row(reader.line_num, dict(zip(keys, cells, strict=False)), reading)

    return Source(layout, rows())


def check_states(file: TextIO) -> tuple[Layout, int]:
    """Read the whole file once: its layout and number of rows; refuse a status it cannot read.

    The status column's values are checked before anything is written: a file whose readers'
    consent Atlas cannot tell is refused whole, with the column and the values named.
    """
    head = _read_head(file)
    reader = csv.reader(itertools.chain(head, file), delimiter=sniff_delimiter("".join(head)))
    checked = _guarded(reader, after="nothing was imported")
    first = next((cells for cells in checked if any(cells)), None)
    if first is None:
        raise ImportFileError("The file has no rows.")
    layout, keys = detect_layout(first)
    rows = 1 if layout.name == "headerless" else 0
    unknown: dict[str, int] = {}
    position = keys.index(layout.status_column) if layout.status_column in keys else -1
    for cells in checked:
        if not any(cells):
            continue
        rows += 1
        if 0 <= position < len(cells):
            value = cells[position].strip().lower()
            if value not in layout.states:
                unknown[value] = unknown.get(value, 0) + 1
    if unknown:
        raise ImportFileError(status_refusal(layout, unknown))
    return layout, rows


def status_refusal(layout: Layout, unknown: dict[str, int]) -> str:
    shown = sorted(unknown, key=lambda value: -unknown[value])[:MAX_STATUS_VALUES]
    values = ", ".join(
        f"{repr(value) if value else 'empty'} ({unknown[value]:,} "
        f"row{'' if unknown[value] == 1 else 's'})"
        for value in shown
    )
    known = ", ".join(sorted(value for value in layout.states if value))
    return (
        f'The column "{layout.status_column}" holds values Atlas cannot read as a reader\'s '
        f"consent: {values}. Nothing was imported. Known values for a "
        f"{LAYOUT_NAMES[layout.name]}: {known}. Rename or remove the column to import "
        "everyone as the options say, or fix those rows."
    )


def _read_head(file: TextIO) -> list[str]:
    try:
        head = list(itertools.islice(file, SNIFF_LINES))
    except UnicodeDecodeError as error:
        raise ImportFileError(f"The file is not UTF-8 text ({error.reason}).") from error
    if not head:
        raise ImportFileError("The file is empty.")
    head[0] = head[0].removeprefix("\ufeff")
    return head


def _guarded(reader: Any, after: str = "the rows before it were imported") -> Iterator[list[str]]:
    """The reader's rows, its failures as ImportFileError naming the line."""
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"After line {reader.line_num} the file is not UTF-8 text ({error.reason}); {after}."
        ) from error
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num + 1} cannot be read as CSV ({error}); {after}."
        ) from error


def sniff_delimiter(sample: str) -> str:
    """The delimiter by csv.Sniffer; when the sample puzzles it, the header's commonest one."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.lstrip("\r\n").splitlines()[0] if sample.strip() else ""
        return max(DELIMITERS, key=first_line.count)  # "," when there is none (one column)


def detect_layout(first_row: list[str]) -> tuple[Layout, list[str]]:
    """(layout, column keys) from the first row: a header, or already an address."""
    keys = [cell.strip().lower().replace(" ", "_") for cell in first_row]
    email_keys = {key.replace(" ", "_") for key in EMAIL_HEADERS}
    if not email_keys.intersection(keys):
        if "@" in first_row[0]:
            return LAYOUTS["headerless"], ["email", "name"]
        raise ImportFileError(
            "No email column: the first line should name the columns, one of them "
            '"email" (or "Email Address"), or be an address itself.'
        )
    email_position = next(number for number, key in enumerate(keys) if key in email_keys)
    original_email_key = keys[email_position]
    keys[email_position] = "email"
    return layout_for(keys, LAYOUTS[layout_name(set(keys), original_email_key)]), keys


def layout_name(names: set[str], email_key: str) -> str:
    if names & {"optin_time", "confirm_time", "member_rating"}:
        return "mailchimp"
    if names & {"subscribed_to_emails", "complimentary_plan"}:
        return "ghost"
    if names & {"active_subscription", "email_disabled"}:
        return "substack"
    if names >= {"status", "tier", "newsletters"}:
        return "atlas"
    if "subscriber_type" in names or names >= {"type", "creation_date"}:
        return "buttondown"
    if email_key == "email_address" and names & {"state", "status"}:
        return "kit"
    beehiiv_signs = {"tier", "subscription_tier", "utm_source", "referring_site", "utm_medium"}
    if "status" in names and names & beehiiv_signs:
        return "beehiiv"
    return "plain"


# Rows, layout by layout.


def plain_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """What any layout may have: an address, a name, a sign-up time, labels."""
    email = record.get("email", "")
    return ImportRow(
        line=line,
        email=email,
        name=" ".join((record.get("name") or full_name(record)).split()),  # no line breaks
        created_at=parse_date(record.get("created_at", ""), reading.now),
        labels=split_labels(record.get("labels") or record.get("tags") or ""),
        placeholder=email.rstrip().lower().endswith(SUBSTACK_PLACEHOLDER_DOMAIN),
    )


def with_state(row: ImportRow, record: dict[str, str], reading: Reading) -> ImportRow:
    """The row's consent state from the layout's status column (none: unknown)."""
    column = reading.layout.status_column
    if not column or column not in record:
        return row
    value = record[column].strip().lower()
    state = reading.layout.states.get(value)
    if state is None:
        row.problem = f'Unknown {column} "{record[column].strip()}".'
    else:
        row.state = state
    return row


def generic_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """A plain list, with the common words for a status if it has a status column."""
    row = with_state(plain_row(line, record, reading), record, reading)
    row.details = member_details(record, notes="notes", stripe_customer_id="stripe_customer_id")
    return row


TIERS = frozenset(Member.Tier.values)  # `.values` builds a new list on each read


def atlas_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """A file from `atlas export_members`: it comes back in as it went out."""
    row = with_state(plain_row(line, record, reading), record, reading)
    row.confirmed_at = parse_date(record.get("confirmed_at", ""), reading.now)
    if row.state == State.ACTIVE and row.confirmed_at is not None:
        row.state = State.CONFIRMED  # Atlas confirmed them itself
    tier = record.get("tier", "").strip()
    row.tier = tier if tier in TIERS else Member.Tier.FREE
    row.newsletters = tuple(slug.strip() for slug in record.get("newsletters", "").split(",")
                            if slug.strip())  # fmt: skip
    row.details = member_details(
        record, utm_source="utm_source", notes="notes", stripe_customer_id="stripe_customer_id"
    )
    return row


def substack_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    row = plain_row(line, record, reading)
    if is_true(record.get("active_subscription", "")):
        comp = record.get("plan", "").strip().lower() in ("comp", "complimentary")
        row.tier = Member.Tier.COMPED if comp else Member.Tier.PAID
    if is_true(record.get("email_disabled", "")):
        row.state = State.UNSUBSCRIBED
    row.details = member_details(record, stripe_customer_id="stripe_customer_id")
    return row


def beehiiv_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """beehiiv's export as it comes: `tier` or `subscription_tier`, with or without utm_*."""
    row = with_state(plain_row(line, record, reading), record, reading)
    tier = (record.get("subscription_tier") or record.get("tier") or "").strip().lower()
    if tier in ("premium", "paid"):
        row.tier = Member.Tier.PAID
    row.details = member_details(
        record, utm_source="utm_source", utm_medium="utm_medium", utm_campaign="utm_campaign",
        referrer="referring_site", stripe_customer_id="stripe_customer_id",
    )  # fmt: skip
    return row


def ghost_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """Paid means a paid tier or a complimentary plan: a Stripe customer without either is a
    supporter whose subscription lapsed (free), whose customer id is kept for billing."""
    row = plain_row(line, record, reading)
    tiers = record.get("tiers", "").strip()
    if is_true(record.get("complimentary_plan", "")):
        row.tier = Member.Tier.COMPED
    elif tiers and any(tier.strip().lower() not in ("", "free") for tier in tiers.split(",")):
        row.tier = Member.Tier.PAID
    emails_off = not is_true(record.get("subscribed_to_emails", "true"))
    if emails_off or record.get("deleted_at", "").strip():
        row.state = State.UNSUBSCRIBED
    row.details = member_details(record, notes="note", stripe_customer_id="stripe_customer_id")
    return row


def mailchimp_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    row = plain_row(line, record, reading)
    signed_up = record.get("optin_time") or record.get("confirm_time") or ""
    row.created_at = parse_date(signed_up, reading.now)
    if record.get("clean_time", "").strip():  # Mailchimp "cleans" an address that bounced
        row.state = State.BOUNCED
    elif record.get("unsub_time", "").strip():
        row.state = State.UNSUBSCRIBED
    row.details = member_details(record, notes="notes")
    return row


def kit_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """Kit (ConvertKit): `state` (or `status`) active, inactive (unconfirmed), cancelled,
    bounced, complained, cold."""
    row = with_state(plain_row(line, record, reading), record, reading)
    row.details = member_details(record, notes="notes")
    return row


def buttondown_row(line: int, record: dict[str, str], reading: Reading) -> ImportRow:
    """Buttondown: `subscriber_type` (or `type`) regular, premium, unactivated, unsubscribed..."""
    row = with_state(plain_row(line, record, reading), record, reading)
    signed_up = record.get("creation_date") or record.get("created_at") or ""
    row.created_at = parse_date(signed_up, reading.now)
    subscriber_type = record.get(reading.layout.status_column, "").strip().lower()
    row.tier = BUTTONDOWN_TIERS.get(subscriber_type, Member.Tier.FREE)
    row.details = member_details(
        record, notes="notes", utm_source="utm_source", utm_medium="utm_medium",
        utm_campaign="utm_campaign", referrer="referrer_url",
    )  # fmt: skip
    return row


# Vocabularies: what each platform's status words mean for consent.

GENERIC_STATES = {
    "": State.UNKNOWN,  # a plain list's empty cell says nothing: the options decide
    "active": State.ACTIVE, "subscribed": State.ACTIVE, "confirmed": State.ACTIVE,
    "pending": State.PENDING, "unconfirmed": State.PENDING,
    "unsubscribed": State.UNSUBSCRIBED, "cancelled": State.UNSUBSCRIBED,
    "canceled": State.UNSUBSCRIBED, "bounced": State.BOUNCED, "cleaned": State.BOUNCED,
    "complained": State.COMPLAINED,
}  # fmt: skip
STATUS_COLUMNS = ("status", "subscriber_status", "subscription_status", "member_status")
ATLAS_STATES = {
    "active": State.ACTIVE, "pending": State.PENDING, "unsubscribed": State.UNSUBSCRIBED,
    "bounced": State.BOUNCED, "complained": State.COMPLAINED,
}  # fmt: skip
BEEHIIV_STATES = {
    "active": State.ACTIVE, "pending": State.PENDING, "validating": State.PENDING,
    "inactive": State.UNSUBSCRIBED, "unsubscribed": State.UNSUBSCRIBED, "invalid": State.BOUNCED,
}  # fmt: skip
KIT_STATES = {
    "active": State.ACTIVE, "confirmed": State.ACTIVE, "cold": State.ACTIVE,
    "inactive": State.PENDING, "unconfirmed": State.PENDING, "cancelled": State.UNSUBSCRIBED,
    "canceled": State.UNSUBSCRIBED, "bounced": State.BOUNCED, "complained": State.COMPLAINED,
}  # fmt: skip
BUTTONDOWN_STATES = {
    "regular": State.ACTIVE, "premium": State.ACTIVE, "trialed": State.ACTIVE,
    "unpaid": State.ACTIVE, "gifted": State.ACTIVE, "churning": State.ACTIVE,
    "churned": State.ACTIVE, "paused": State.ACTIVE, "past_due": State.ACTIVE,
    "unactivated": State.PENDING, "unsubscribed": State.UNSUBSCRIBED,
    "removed": State.UNSUBSCRIBED, "spammy": State.UNSUBSCRIBED,
    "undeliverable": State.BOUNCED, "complained": State.COMPLAINED,
}  # fmt: skip
BUTTONDOWN_TIERS = {"premium": Member.Tier.PAID, "churning": Member.Tier.PAID,
                    "past_due": Member.Tier.PAID, "gifted": Member.Tier.COMPED}  # fmt: skip

LAYOUTS: dict[str, Layout] = {
    "atlas": Layout("atlas", atlas_row, "status", ATLAS_STATES),
    "substack": Layout("substack", substack_row),
    "beehiiv": Layout("beehiiv", beehiiv_row, "status", BEEHIIV_STATES),
    "ghost": Layout("ghost", ghost_row),
    "mailchimp": Layout("mailchimp", mailchimp_row),
    "kit": Layout("kit", kit_row, "state", KIT_STATES),
    "buttondown": Layout("buttondown", buttondown_row, "subscriber_type", BUTTONDOWN_STATES),
    "plain": Layout("plain", generic_row, "status", GENERIC_STATES),
    "headerless": Layout("headerless", plain_row),
}


def layout_for(keys: Iterable[str], layout: Layout) -> Layout:
    """The layout with the status column this file really has (Kit: state or status...)."""
    names = set(keys)
    if layout.name == "kit" and "state" not in names:
        return Layout(layout.name, layout.read, "status", layout.states)
    if layout.name == "buttondown" and "subscriber_type" not in names:
        return Layout(layout.name, layout.read, "type", layout.states)
    if layout.name == "plain":
        column = next((name for name in STATUS_COLUMNS if name in names), "")
        return Layout(layout.name, layout.read, column, layout.states)
    return layout


def full_name(record: dict[str, str]) -> str:
    return f"{record.get('first_name', '').strip()} {record.get('last_name', '').strip()}".strip()


def member_details(record: dict[str, str], **columns: str) -> dict[str, str]:
    """Member fields from the columns named, where filled, cut to the field's length."""
    details = {}
    for field_name, column in columns.items():
        if value := record.get(column, "").strip():
            details[field_name] = value[: FIELD_LENGTHS[field_name]]
    return details


FIELD_LENGTHS = {
    name: getattr(Member._meta.get_field(name), "max_length", None) or 10_000
    for name in (
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "referrer",
        "notes",
        "stripe_customer_id",
    )
}


def is_true(value: str) -> bool:
    return value.strip().lower() in TRUE_WORDS


def split_labels(cell: str) -> tuple[str, ...]:
    """Labels from one cell: `vip, press` (Ghost), `"Tag A","Tag B"` (Mailchimp) or Atlas's own
    `vip, "Smith, Jones"` (a label with a comma is quoted)."""
    if not cell.strip():
        return ()
    parts = next(csv.reader([cell], skipinitialspace=True)) if '"' in cell else cell.split(",")
    return tuple(dict.fromkeys(part.strip()[:LABEL_LENGTH] for part in parts if part.strip()))


def join_labels(names: Iterable[str]) -> str:
    """The labels as one cell that `split_labels` reads back: quoted where they need it."""
    return ", ".join(f'"{name.replace(chr(34), chr(34) * 2)}"' if ("," in name or '"' in name)
                     else name for name in names)  # fmt: skip


def parse_date(text: str, now: datetime) -> datetime | None:
    """A time from an export (ISO 8601, `2024-05-01 10:00:00`, `... UTC`), or None; never later
    than `now`."""
    text = text.strip().removesuffix(" UTC")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment if moment <= now else None
