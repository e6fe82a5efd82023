"""The two ways to ask the index, with one interface: SQLite FTS5 and PostgreSQL full text.

Both rank a bounded candidate set: the `CANDIDATES` newest posts among the matches (a walk of
the index in post order, cheap), plus every post whose title, subtitle or tags match (few, and
the likeliest answers). Ranking every match of a common word is what costs; this keeps a
query's time flat however many posts match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from atlas.search.query import SearchQuery
from atlas.search.schema import FTS5_COLUMNS, PUBLIC_COLUMNS

CANDIDATES = 600
# Counting stops here: pages go no further (services.MAX_PAGE), and counting every match of a
# common word costs more than the search.
COUNT_CAP = 501
SNIPPET_WORDS = 28
NEWEST = "SELECT p.id, 0 FROM publishing_post p WHERE p.id IN"
NEWEST_ORDER = "ORDER BY p.published_at DESC, p.id DESC LIMIT %s OFFSET %s"
MARK_START, MARK_END = "\x02", "\x03"  # turned into <mark> after escaping (see services)


@dataclass
class Scope:
    """Which posts a search may return, and which text it may match.

    `restrict_sql` (with `restrict_params`) selects the post ids the search may return (e.g.
    `Post.objects.published()`, filters); `full_text_sql` the ids whose gated body may match
    ("" for none, None for all)."""

    restrict_sql: str
    restrict_params: list[Any] = field(default_factory=list)
    full_text_sql: str | None = ""
    full_text_params: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Snippets:
    subtitle: str
    body: str
    gated_body: str


class Backend:
    vendor = ""

    def rank(
        self, query: SearchQuery, scope: Scope, newest: bool, offset: int, limit: int
    ) -> tuple[list[tuple[int, float]], int]:
        """One page of results as (post id, score: higher is better; 0 for newest first),
        and how many results there are."""
        raise NotImplementedError

    def snippets(self, query: SearchQuery, post_ids: list[int]) -> dict[int, Snippets]:
        raise NotImplementedError

    def similar_words(self, word: str) -> list[str]:
        raise NotImplementedError


def _execute(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class SqliteBackend(Backend):
    vendor = "sqlite"
    WEIGHTS = "5.0, 2.0, 2.0, 1.0, 1.0"

    def _source(self, query: SearchQuery, scope: Scope) -> tuple[str, list[Any], str]:
        """`FROM ... WHERE ...` of the matches in this scope, its parameters, and the MATCH
        expression that scores them. The scope's posts are joined (SQLite flattens it into a
        primary-key lookup per match); `rowid IN (...)` would make FTS5 run the query once
        per allowed post."""
        expression = query.to_fts5()
        source = (
            f"search_fts JOIN ({scope.restrict_sql}) AS allowed "
            "ON allowed.pk = search_fts.rowid WHERE search_fts MATCH %s"
        )
        params = list(scope.restrict_params)
        if scope.full_text_sql is None:
            return source, [*params, expression], expression
        public = f"{PUBLIC_COLUMNS} : ({expression})"
        if not scope.full_text_sql:
            return source, [*params, public], public
        either = (
            f"{source} AND +search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts "
            "MATCH %s UNION SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
            f"AND +rowid IN ({scope.full_text_sql}))"
        )
        return (
            either,
            [*params, expression, public, expression, *scope.full_text_params],
            expression,
        )

    def rank(
        self, query: SearchQuery, scope: Scope, newest: bool, offset: int, limit: int
    ) -> tuple[list[tuple[int, float]], int]:
        source, params, expression = self._source(query, scope)
        (total,) = _execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT {COUNT_CAP})", params
        )[0]
        if newest:
            rows = _execute(
                f"{NEWEST} (SELECT search_fts.rowid FROM {source}) {NEWEST_ORDER}",
                [*params, limit, offset],
            )
            return [(row[0], 0.0) for row in rows], total
        titles = "{title subtitle tags} : (" + query.to_fts5() + ")"
        score = f"bm25(search_fts, {self.WEIGHTS})"
        sql = f"""
            SELECT post_id, score FROM (
                SELECT search_fts.rowid AS post_id, {score} AS score FROM {source}
                ORDER BY search_fts.rowid DESC LIMIT {CANDIDATES}
            )
            UNION
            SELECT search_fts.rowid, {score} FROM search_fts
            WHERE search_fts MATCH %s AND search_fts.rowid IN (
                SELECT search_fts.rowid FROM search_fts JOIN ({scope.restrict_sql}) AS allowed
                ON allowed.pk = search_fts.rowid WHERE search_fts MATCH %s
                ORDER BY search_fts.rowid DESC LIMIT {CANDIDATES}
            )
            ORDER BY score, post_id DESC LIMIT %s OFFSET %s"""
        # The second half scores with the same MATCH as the first, so the scores compare.
        rows = _execute(sql, [*params, expression, *scope.restrict_params, titles, limit, offset])
        return [(row[0], -row[1]) for row in rows], min(total, CANDIDATES)

    def snippets(self, query: SearchQuery, post_ids: list[int]) -> dict[int, Snippets]:
        if not post_ids or not query:
            return {}
        columns = ", ".join(
            f"snippet(search_fts, {FTS5_COLUMNS.index(name)}, %s, %s, '…', {SNIPPET_WORDS})"
            for name in ("subtitle", "body", "gated_body")
        )
        marks = [MARK_START, MARK_END] * 3
        placeholders = ", ".join(["%s"] * len(post_ids))
        rows = _execute(
            f"SELECT rowid, {columns} FROM search_fts WHERE search_fts MATCH %s "
            f"AND rowid IN ({placeholders})",
            [*marks, query.to_fts5(), *post_ids],
        )
        return {row[0]: Snippets(*row[1:]) for row in rows}

    def similar_words(self, word: str) -> list[str]:
        """Words of about the same length and the same first letter (difflib ranks them)."""
        rows = _execute(
            "SELECT word FROM search_word WHERE word >= %s AND word < %s "
            "AND length(word) BETWEEN %s AND %s",
            [word[0], word[0] + "\U0010ffff", len(word) - 2, len(word) + 2],
        )
        return [row[0] for row in rows]


class PostgresBackend(Backend):
    vendor = "postgresql"
    QUERY = "websearch_to_tsquery(atlas_search_config(), %s)"

    def _where(self, scope: Scope) -> tuple[str, list[Any]]:
        restrict = f"d.post_id IN ({scope.restrict_sql})"
        if scope.full_text_sql is None:
            return f"d.full_vector @@ q.query AND {restrict}", list(scope.restrict_params)
        if not scope.full_text_sql:
            return f"d.public_vector @@ q.query AND {restrict}", list(scope.restrict_params)
        clause = (
            f"(d.public_vector @@ q.query OR (d.full_vector @@ q.query "
            f"AND d.post_id IN ({scope.full_text_sql}))) AND {restrict}"
        )
        return clause, [*scope.full_text_params, *scope.restrict_params]

    def _vector(self, scope: Scope) -> str:
        return "d.public_vector" if scope.full_text_sql == "" else "d.full_vector"

    def rank(
        self, query: SearchQuery, scope: Scope, newest: bool, offset: int, limit: int
    ) -> tuple[list[tuple[int, float]], int]:
        where, params = self._where(scope)
        source = f"search_document d, {self.QUERY} AS q(query)"
        text = query.to_websearch()
        (total,) = _execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT {COUNT_CAP}) c",
            [text, *params],
        )[0]
        if newest:  # a join, so the planner may walk the posts by date and stop early
            rows = _execute(
                "SELECT p.id, 0 FROM publishing_post p JOIN search_document d "
                f"ON d.post_id = p.id CROSS JOIN {self.QUERY} AS q(query) "
                f"WHERE {where} {NEWEST_ORDER}",
                [text, *params, limit, offset],
            )
            return [(row[0], 0.0) for row in rows], total
        sql = f"""
            WITH q AS (SELECT {self.QUERY} AS query),
            candidates AS (
                (SELECT d.post_id FROM search_document d, q WHERE {where}
                 ORDER BY d.post_id DESC LIMIT {CANDIDATES})
                UNION
                (SELECT d.post_id FROM search_document d, q
                 WHERE d.title_vector @@ q.query AND {where}
                 ORDER BY d.post_id DESC LIMIT {CANDIDATES})
            )
            SELECT d.post_id, ts_rank_cd({self._vector(scope)}, q.query, 1) AS score
            FROM search_document d JOIN candidates c USING (post_id), q
            ORDER BY score DESC, d.post_id DESC
            LIMIT %s OFFSET %s"""
        rows = _execute(sql, [text, *params, *params, limit, offset])
        return [(row[0], float(row[1])) for row in rows], min(total, CANDIDATES)

    def snippets(self, query: SearchQuery, post_ids: list[int]) -> dict[int, Snippets]:
        if not post_ids or not query:
            return {}
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
            'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        )
        headline = "ts_headline(atlas_search_config(), left(d.{column}, 20000), q.query, %s)"
        columns = ", ".join(headline.format(column=name) for name in ("subtitle", "body"))
        gated = headline.format(column="gated_body")
        placeholders = ", ".join(["%s"] * len(post_ids))
        rows = _execute(
            f"SELECT d.post_id, {columns}, CASE WHEN d.gated_body = '' THEN '' ELSE {gated} END "
            f"FROM search_document d, {self.QUERY} AS q(query) "
            f"WHERE d.post_id IN ({placeholders})",
            [options, options, options, query.to_websearch(), *post_ids],
        )
        return {row[0]: Snippets(*row[1:]) for row in rows}

    def similar_words(self, word: str) -> list[str]:
        rows = _execute(
            "SELECT word FROM search_word WHERE word %% %s ORDER BY word <-> %s LIMIT 20",
            [word, word],
        )
        return [row[0] for row in rows]


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
