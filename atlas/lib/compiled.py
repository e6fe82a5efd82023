"""Querysets compiled once per process and run again with other values.

Django builds a queryset's SQL every time it runs: for the few queries every article page
makes, that is most of their cost. A `CompiledQuery` builds the SQL once, from sample values,
and substitutes the real values as parameters: the same SQL and the same rows as the queryset,
without the compiler. Measured (bench/fast_paths): an article page's three queries take ~0.2 ms
instead of ~1 ms, and the discussion rules ~60 µs instead of ~600 µs. Rows become instances
through `Model.from_db` with the columns and converters worked out at compile time (`raw()`
worked them out again on every run: a fifth of an uncached article's time).

It relies on Django's internals: the compiler returns every value as a parameter (none inlined
into the SQL) in a stable order, and its `select`, `klass_info` and `annotation_col_map` say
which column is which field or annotation. `sql_for()` says what it would run, and
tests/test_lib_fast_paths.py checks every compiled query against its queryset (SQL and
instances), so a Django upgrade that changes either fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # internals the stubs omit
    RelatedPopulator,
    get_related_populators,
)

Converters = list[tuple[int, list[Callable[..., Any]], Any]]


def _adapt(value: Any, connection: BaseDatabaseWrapper) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    """What running the query needs: the SQL, the parameters with the samples' positions, and
    how a row becomes an instance (the model's columns, annotations, converters, and the models
    of `select_related`, built by Django's own `RelatedPopulator`)."""

    sql: str
    parameters: list[Any]
    positions: list[int]
    attnames: list[str]
    model_columns: slice
    annotations: list[tuple[str, int]]
    converters: Converters
    related: list[RelatedPopulator]


class CompiledQuery:
    """`build(*samples)` must return a queryset of `model` in whose parameters each sample
    appears exactly once (pick samples no real query would use)."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet[Any]], *samples: Any):
        self.model = model
        self.build = build
        self.samples = samples
        # Per connection (a thread's, for one alias): converters belong to its backend.
        self.compiled: WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = WeakKeyDictionary()
        COMPILED_QUERIES.append(self)

    def _compile(self, connection: BaseDatabaseWrapper) -> _Compiled:
        compiler = self.build(*self.samples).query.get_compiler(connection=connection)
        sql, parameter_tuple = compiler.as_sql()
        parameters = list(parameter_tuple)
        positions = []
        for sample in self.samples:
            adapted = _adapt(sample, connection)
            found = [i for i, value in enumerate(parameters) if value == adapted]
            if len(found) != 1:
                raise ValueError(f"{sample!r} is not exactly once among {parameters!r}")
            positions.append(found[0])
        columns = compiler.klass_info["select_fields"]
        if columns != list(range(columns[0], columns[-1] + 1)):
            raise ValueError("A compiled query selects its model's columns in one run.")
        expressions = [column[0] for column in compiler.select]
        converters = compiler.get_converters(expressions)
        return _Compiled(
            sql=sql,
            parameters=parameters,
            positions=positions,
            attnames=[expressions[index].target.attname for index in columns],
            model_columns=slice(columns[0], columns[-1] + 1),
            annotations=list(compiler.annotation_col_map.items()),
            converters=[(index, *converters[index]) for index in sorted(converters)],
            related=get_related_populators(compiler.klass_info, compiler.select, connection.alias),
        )

    def _compiled_for(self, connection: BaseDatabaseWrapper) -> _Compiled:
        compiled = self.compiled.get(connection)
        if compiled is None:
            compiled = self.compiled[connection] = self._compile(connection)
        return compiled

    def sql_for(self, *values: Any, alias: str = DEFAULT_DB_ALIAS) -> tuple[str, list[Any]]:
        """The SQL and parameters this runs for `values` (the queryset's own, if Django's
        compiler still works the way this relies on)."""
        connection = connections[alias]
        compiled = self._compiled_for(connection)
        parameters = list(compiled.parameters)
        for position, value in zip(compiled.positions, values, strict=True):
            parameters[position] = _adapt(value, connection)
        return compiled.sql, parameters

    def __call__(self, *values: Any, alias: str = DEFAULT_DB_ALIAS) -> list[Any]:
        """The instances, built as Django's own iterator builds them (`Model.from_db`, then
        the annotations), without compiling or mapping columns again."""
        connection = connections[alias]
        sql, parameters = self.sql_for(*values, alias=alias)
        compiled = self._compiled_for(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        from_db, attnames, model_columns = (
            self.model.from_db,
            compiled.attnames,
            compiled.model_columns,
        )
        instances = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for index, functions, expression in compiled.converters:
                    value = row[index]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[index] = value
            instance = from_db(alias, attnames, row[model_columns])
            for populator in compiled.related:
                populator.populate(row, instance)
            for name, index in compiled.annotations:
                setattr(instance, name, row[index])
            instances.append(instance)
        return instances


COMPILED_QUERIES: list[CompiledQuery] = []  # every one made, for the tests that check them
