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
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models
from django.db.models.constants import OnConflict


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
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {key_column} = ANY(%s)", [values])
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


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]],
    **shared: Any,
) -> None:  # fmt: skip
    """Insert many rows, skipping those a unique constraint refuses.

    `rows` hold values ready for the database for `fields`; `shared` are model values common
    to every row; every other column takes the model's default, prepared once.
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
    columns = tuple(column(model, name) for name in fields) + tuple(
        model_field.column for model_field in others
    )
    if connection.vendor == "postgresql":
        _copy_rows(model, columns, rows, constants)
        return
    per_statement = max_parameters() // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        with connection.cursor() as cursor:
            # The sqlite3 cursor itself, with a statement already in its `?` style: Django's
            # wrapper rewrites every `%s` of a 30,000-parameter statement with a regex first.
            sqlite3.Cursor.execute(
                cursor.cursor,
                insert_statement(model, columns, len(chunk)),
                [value for row in chunk for value in (*row, *constants)],
            )


def _copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    constants: tuple[Any, ...],
) -> None:
    """PostgreSQL: COPY into a temporary table shaped like `model`'s, then insert what fits."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(name) for name in columns)
    staging = quote(f"atlas_bulk_{zlib.crc32(f'{table} {names}'.encode()):08x}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *constants))
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        )


def max_parameters() -> int:
    """Parameters one statement may carry: SQLite's own limit (Django assumes 999)."""
    if connection.vendor != "sqlite":
        return connection.features.max_query_params or 30_000
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


@functools.lru_cache(maxsize=64)
def insert_statement(model: type[models.Model], columns: Sequence[str], row_count: int) -> str:
    """INSERT of `row_count` rows that skips conflicting ones, in SQLite's dialect (`?`)."""
    quote = connection.ops.quote_name
    one_row = "(" + ", ".join(["?"] * len(columns)) + ")"
    return "{insert} {table} ({columns}) VALUES {values} {on_conflict}".format(
        insert=connection.ops.insert_statement(on_conflict=OnConflict.IGNORE),
        table=quote(model._meta.db_table),
        columns=", ".join(quote(name) for name in columns),
        values=", ".join([one_row] * row_count),
        on_conflict=connection.ops.on_conflict_suffix_sql(columns, OnConflict.IGNORE, None, None),
    )
