"""Many rows at once, around the ORM: the fast paths of bulk imports, in one documented place.

`bulk_create` and `__in` prepare every value of every row through its field in Python, which for a
million members costs several times the database's own work (bench/import_members). These take
values already in the database's form and build plain statements from the models' metadata:

- SQLite: multi-row `INSERT ... ON CONFLICT DO NOTHING` with as many rows per statement as
  SQLite's own parameter limit allows, and `IN (...)` lookups of the same size.
- PostgreSQL: `COPY` into a temporary table, then one `INSERT ... SELECT ... ON CONFLICT DO
  NOTHING`; lookups with one array parameter (`= ANY(%s)`). psycopg spent half the import
  splitting 30,000-placeholder statements, which COPY and arrays avoid.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models.constants import OnConflict
from psycopg.types.json import Json, Jsonb


def adapt_datetime(moment: datetime) -> Any:
    """A datetime as the database takes it (what DateTimeField does for each value)."""
    return datetime_adapter()(moment)


def datetime_adapter() -> Callable[[datetime], Any]:
    """`adapt_datetime` for the current database, looked up once (for a loop over rows).

    SQLite: Django stores UTC without a zone, as `str()` writes it; done here directly, since
    Django's own version reads two lazy settings per value (two values per member)."""
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value
    return _sqlite_datetime


def _sqlite_datetime(moment: datetime) -> str:
    if moment.tzinfo is UTC:
        return str(moment)[:-6]  # without its "+00:00"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return str(moment)


# A row for `insert_rows` and `copy_rows`: a tuple of values ready for the database, or on
# PostgreSQL that tuple already written as one line of COPY's text format (`row_preparer`).
Row = tuple[Any, ...] | str


def row_preparer() -> Callable[[tuple[Any, ...]], Row] | None:
    """How to prepare rows for the current database ahead of writing them (in a reading
    thread, say), or None when there is nothing to gain. PostgreSQL takes them as COPY lines,
    formatted here in one pass (psycopg's `write_row` costs ~3 µs a row in the writing
    thread). SQLite takes the tuples themselves: preparing them ahead only moved work to the
    reading thread, which on SQLite is the busier one (bench/README.md)."""
    if connection.vendor == "postgresql":
        return copy_line
    return None


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_line(values: Sequence[Any], shared: str = "") -> str:
    """`values` as one line of PostgreSQL's COPY text format; `shared`, already formatted
    (`copy_text`), is added to its end."""
    line = "\t".join([value if isinstance(value, str) else copy_text(value) for value in values])
    # Most lines have no character to escape: joined once, checked once (a tab too many
    # means a value held one), and escaped value by value only when needed. A `str` subclass
    # (a model's TextChoices member, say) is joined as the text it holds.
    if line.count("\t") != len(values) - 1 or "\\" in line or "\n" in line or "\r" in line:
        line = "\t".join(map(copy_text, values))
    return line + shared + "\n"


def copy_text(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, the four special characters escaped."""
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return _moment_text(value)
    if isinstance(value, int | float | Decimal | date):
        return str(value)
    if isinstance(value, Json | Jsonb):
        return copy_text((value.dumps or json.dumps)(value.obj))
    if isinstance(value, str):
        return copy_text(str(value))
    raise TypeError(f"no COPY text for {type(value).__name__}")


@functools.lru_cache(maxsize=1024)
def _moment_text(moment: datetime) -> str:
    """A datetime with its offset, as timestamptz reads it; remembered, since an import's
    rows share a few (the time of the import, the dates of a migration): 1 µs each."""
    return str(moment)


def column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a concrete field"
    return field.column


def select_in(
    model: type[models.Model], fields: Sequence[str], key: str, values: list[Any]
) -> list[tuple[Any, ...]]:
    """The `fields` of the rows whose `key` is one of `values` (plain values), as tuples."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, name)) for name in fields)
    table, key_column = quote(model._meta.db_table), quote(column(model, key))
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lines = "\n".join(values) if all(isinstance(value, str) for value in values) else ""
            if values and lines.count("\n") == len(values) - 1:
                # One text parameter split by the server: psycopg builds an array parameter
                # value by value in Python (6 µs each).
                array = "string_to_array(%s, E'\\n')"
                cursor.execute(_probe_statement(model, columns, key, array), [lines])
            else:
                cursor.execute(_probe_statement(model, columns, key, "%s"), [values])
            return list(cursor.fetchall())
        per_statement = max_parameters()
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            placeholders = ", ".join(["?"] * len(chunk))
            sqlite3.Cursor.execute(
                cursor.cursor,
                f"SELECT {columns} FROM {table} WHERE {key_column} IN ({placeholders})",
                chunk,
            )
            found += cursor.fetchall()
    return found


def _probe_statement(model: type[models.Model], columns: str, key: str, array: str) -> str:
    """PostgreSQL: one index probe per wanted value of a unique `key`.

    `key = ANY(array)` is planned as a sequential scan of the whole table, hashing every row
    against the array, until the table holds about a million rows (the planner prices each
    probe as a random read from disk): 30 ms a batch at 100,000 members, growing with the table.
    A LATERAL subquery with LIMIT 1 cannot be flattened into a join, so each value is one
    probe of the unique index however the table's statistics stand.
    """
    quote = connection.ops.quote_name
    table, key_column = quote(model._meta.db_table), quote(column(model, key))
    key_field = model._meta.get_field(key)
    assert isinstance(key_field, models.Field), f"{key} is not a concrete field"
    if not _is_unique(model, key_field):
        return f"SELECT {columns} FROM {table} WHERE {key_column} = ANY({array})"
    return (
        f"SELECT found.* FROM unnest({array}::{key_field.db_type(connection)}[]) "
        "AS wanted(value) "
        f"CROSS JOIN LATERAL "
        f"(SELECT {columns} FROM {table} WHERE {key_column} = wanted.value LIMIT 1) AS found"
    )


def _is_unique(model: type[models.Model], key_field: models.Field[Any, Any]) -> bool:
    """Whether `key_field` alone is unique, by its own option or by a constraint."""
    return key_field.unique or any(
        isinstance(constraint, models.UniqueConstraint)
        and constraint.fields == (key_field.name,)
        and constraint.condition is None
        for constraint in model._meta.constraints
    )


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Row],
    returning: Sequence[str] = (), rare_conflicts: bool = False, **shared: Any,
) -> list[tuple[Any, ...]]:  # fmt: skip
    """Insert many rows, skipping those a unique constraint refuses.

    `rows` hold values ready for the database for `fields` (`Row`); `shared` are model values
    common to every row; every other column takes the model's default, prepared once. With
    `returning`, the values of those fields of the rows inserted (not of those skipped).

    `rare_conflicts`: the rows were checked against the table just before, so a conflict
    can only come from a concurrent writer. PostgreSQL then inserts them without the conflict
    check first (ON CONFLICT costs ~3 µs a row: a probe of every unique index before each row
    and a second write after it), in a savepoint, and again with the check if one conflicts.
    """
    if not rows:
        return []
    others, constants = shared_values(model, fields, shared)
    returned = tuple(column(model, name) for name in returning)
    if connection.vendor == "postgresql":
        return _copy_rows(model, [column(model, name) for name in fields], rows, others,
                          constants, returned, rare_conflicts)  # fmt: skip
    columns = tuple(column(model, name) for name in fields) + tuple(
        model_field.column for model_field in others
    )
    inserted: list[tuple[Any, ...]] = []
    per_statement = max_parameters() // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        with connection.cursor() as cursor:
            # The sqlite3 cursor itself, with a statement already in its `?` style: Django's
            # wrapper rewrites every `%s` of a 30,000-parameter statement with a regex first.
            sqlite3.Cursor.execute(
                cursor.cursor,
                insert_statement(model, columns, len(chunk), returned),
                [value for row in chunk for value in (*row, *constants)],
            )
            if returned:
                inserted += cursor.fetchall()
    return inserted


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Row], **shared: Any
) -> None:
    """Insert many rows that no constraint can refuse, such as the first rows to refer to a
    row created in this transaction.

    PostgreSQL: COPY straight into the table, with no staging table and no conflict check (a
    conflict raises IntegrityError). Elsewhere, `insert_rows`.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        insert_rows(model, fields, rows, **shared)
        return
    others, constants = shared_values(model, fields, shared)
    quote = connection.ops.quote_name
    names = ", ".join(
        [
            *(quote(column(model, name)) for name in fields),
            *(quote(field.column) for field in others),
        ]
    )
    shared_text = "".join("\t" + copy_text(value) for value in constants)
    table = quote(model._meta.db_table)
    # wrap_database_errors: a conflict raises Django's IntegrityError, as an INSERT would
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        copy.write(_copy_lines(rows, shared_text))


def _copy_lines(rows: Sequence[Row], shared_text: str = "") -> str:
    """Rows as COPY text: each line of `rows` as it is (`row_preparer`), each tuple formatted,
    with `shared_text` at the end of every line."""
    if not shared_text:
        return "".join(row if isinstance(row, str) else copy_line(row) for row in rows)
    return "".join(
        (row[:-1] + shared_text + "\n") if isinstance(row, str) else copy_line(row, shared_text)
        for row in rows
    )


def cast_parameters(fields: Sequence[models.Field[Any, Any]]) -> str:
    """`, CAST(%s AS <type>)` for each field: its shared value as a typed parameter of a SELECT
    list (PostgreSQL cannot tell the type of a bare parameter there)."""
    return "".join(f", CAST(%s AS {model_field.db_type(connection)})" for model_field in fields)


def shared_values(
    model: type[models.Model], fields: Sequence[str], shared: dict[str, Any]
) -> tuple[list[models.Field[Any, Any]], tuple[Any, ...]]:
    """The fields not in `fields`, and their values for every row: `shared`, else defaults
    (ready for the database: parameters of a statement, or `copy_text`)."""
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
    return others, constants


def _copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    others: Sequence[models.Field[Any, Any]],
    constants: tuple[Any, ...],
    returned: Sequence[str],
    rare_conflicts: bool,
) -> list[tuple[Any, ...]]:
    """PostgreSQL: COPY into a temporary table with `columns`, then insert what fits.

    Only the values that differ between rows are copied; the others are parameters of the
    INSERT, given once (an event's JSON detail was serialised again for every row).
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(name) for name in columns)
    staging = quote(f"atlas_bulk_{zlib.crc32(f'{table} {names}'.encode()):08x}")
    all_names = ", ".join([names, *(quote(model_field.column) for model_field in others)])
    shared_casts = cast_parameters(others)
    with connection.cursor() as cursor:
        cursor.execute(  # one round trip: the table outlives the transaction, not its rows
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "
            f"SELECT {names} FROM {table} WITH NO DATA; TRUNCATE {staging}"
        )
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy,
        ):
            copy.write(_copy_lines(rows))
        insert = f"INSERT INTO {table} ({all_names}) SELECT {names}{shared_casts} FROM {staging}"
        if rare_conflicts:
            try:
                with transaction.atomic():  # a savepoint: the batch survives a conflict
                    cursor.execute(insert + _returning(returned), constants)
                    return list(cursor.fetchall()) if returned else []
            except IntegrityError:
                pass  # again, skipping the rows that conflict
        cursor.execute(f"{insert} ON CONFLICT DO NOTHING{_returning(returned)}", constants)
        return list(cursor.fetchall()) if returned else []


def max_parameters() -> int:
    """Parameters one statement may carry: SQLite's own limit (Django assumes 999)."""
    if connection.vendor != "sqlite":
        return connection.features.max_query_params or 30_000
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _returning(columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return f" RETURNING {', '.join(quote(name) for name in columns)}" if columns else ""


@functools.lru_cache(maxsize=64)
def insert_statement(
    model: type[models.Model], columns: Sequence[str], row_count: int,
    returned: Sequence[str] = (),
) -> str:  # fmt: skip
    """INSERT of `row_count` rows that skips conflicting ones, in SQLite's dialect (`?`)."""
    quote = connection.ops.quote_name
    one_row = "(" + ", ".join(["?"] * len(columns)) + ")"
    return "{insert} {table} ({columns}) VALUES {values} {on_conflict}{returning}".format(
        insert=connection.ops.insert_statement(on_conflict=OnConflict.IGNORE),
        table=quote(model._meta.db_table),
        columns=", ".join(quote(name) for name in columns),
        values=", ".join([one_row] * row_count),
        on_conflict=connection.ops.on_conflict_suffix_sql(columns, OnConflict.IGNORE, None, None),
        returning=_returning(returned),
    )
