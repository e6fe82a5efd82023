"""The two ways to ask the index, with one interface: SQLite FTS5 and PostgreSQL full text.

Both rank a bounded candidate set: the `CANDIDATES` newest posts among the matches (a walk of
the index in post order, cheap), plus every post whose title, subtitle or tags match (few, and
the likeliest answers). Ranking every match of a common word is what costs; this keeps a
query's time flat however many posts match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

from atlas.publishing.context_processors import held_publication
from atlas.publishing.models import Post
from atlas.search.query import SearchQuery
from atlas.search.schema import FTS5_COLUMNS, PG_CONFIGS

CANDIDATES = 600
# Counting stops here: pages go no further (services.MAX_PAGE), and counting every match of a
# common word costs more than the search.
COUNT_CAP = 501
SNIPPET_WORDS = 28
NEWEST_WINDOW = 4  # SQLite, newest first: posts looked up one by one, per result wanted
# PostgreSQL: a query with a phrase or a word to exclude is checked post by post (GIN keeps no
# positions, nor finds what a post lacks): only among the newest READ_WINDOW posts that have all
# the words to find (found by the GIN index alone), and every title.
READ_WINDOW = 3000
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
    # The same posts as (pk, published_at): newest first walks their date index.
    dated_sql: str = ""
    dated_params: list[Any] = field(default_factory=list)

    @classmethod
    def of(
        cls, posts: QuerySet[Post], full_text_sql: str | None = "", full_text_params: Any = ()
    ) -> Scope:
        restrict_sql, restrict_params = posts.order_by().values("pk").query.sql_with_params()
        dated = posts.order_by().values("pk", "published_at").query.sql_with_params()
        return cls(
            restrict_sql, list(restrict_params), full_text_sql, list(full_text_params),
            dated[0], list(dated[1]),
        )  # fmt: skip


class Ranking(NamedTuple):
    """One page of results as (post id, score: higher is better; 0 for newest first), and
    how many results there are, up to COUNT_CAP; `partial` when that count stopped early, a
    lower bound (PostgreSQL, a phrase or an exclusion of common words: see READ_WINDOW)."""

    page: list[tuple[int, float]]
    total: int
    partial: bool = False


@dataclass(frozen=True)
class Snippets:
    subtitle: str
    body: str
    gated_body: str


class Backend:
    vendor = ""

    def rank(
        self,
        query: SearchQuery,
        scope: Scope,
        newest: bool,
        offset: int,
        limit: int,
        candidates: int = CANDIDATES,
    ) -> Ranking:
        """One page of results and how many there are. Ranked by relevance, at most the
        `candidates` newest matches and as many title matches compete (fewer than
        COUNT_CAP make the count inexact: for related stories, which need no count)."""
        raise NotImplementedError

    def count(self, query: SearchQuery, scope: Scope) -> int:
        """How many posts match, up to COUNT_CAP."""
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
    WEIGHTS = "5.0, 2.0, 2.0, 1.0, 1.0"  # title, subtitle, tags, body, gated body
    PUBLIC_WEIGHTS = "5.0, 2.0, 2.0, 1.0"

    def _source(self, query: SearchQuery, scope: Scope) -> tuple[str, list[Any], str]:
        """`FROM ... WHERE ...` of the matches in this scope, its parameters, and the FTS5
        table that scores them. The scope's posts are joined after the full-text index
        (`CROSS JOIN` fixes SQLite's join order: a primary-key lookup per match); the other
        way round, or `rowid IN (...)`, runs the full-text query once per allowed post."""
        expression = query.to_fts5()
        table = "search_public_fts" if scope.full_text_sql == "" else "search_fts"
        source = (
            f"{table} CROSS JOIN ({scope.restrict_sql}) AS allowed "
            f"ON allowed.pk = {table}.rowid WHERE {table} MATCH %s"
        )
        params = [*scope.restrict_params, expression]
        if scope.full_text_sql:  # the public text, or the whole text of a readable post
            source += (
                " AND +search_fts.rowid IN (SELECT rowid FROM search_public_fts WHERE "
                "search_public_fts MATCH %s UNION SELECT rowid FROM search_fts WHERE "
                f"search_fts MATCH %s AND +rowid IN ({scope.full_text_sql}))"
            )
            params += [expression, expression, *scope.full_text_params]
        return source, params, table

    def rank(
        self,
        query: SearchQuery,
        scope: Scope,
        newest: bool,
        offset: int,
        limit: int,
        candidates: int = CANDIDATES,
    ) -> Ranking:
        source, params, table = self._source(query, scope)
        if newest:
            total = self.count(query, scope)
            if not total:
                return Ranking([], 0)
            dense = total >= COUNT_CAP
            return Ranking(self._newest(query, scope, offset, limit, dense), total)
        # One pass over the newest matches both scores and counts them (as on PostgreSQL):
        # fewer than `candidates` is every match, as many is more than a page can show.
        weights = self.WEIGHTS if table == "search_fts" else self.PUBLIC_WEIGHTS
        score = f"bm25({table}, {weights})"
        scores = dict(
            _execute(
                f"SELECT {table}.rowid, {score} FROM {source} "
                f"ORDER BY {table}.rowid DESC LIMIT {candidates}",
                params,
            )
        )
        if len(scores) == candidates:
            # The title candidates are scored with the same MATCH, so the scores compare;
            # that pass reads the index only as far back as the oldest of them.
            titles = "{title subtitle tags} : (" + query.to_fts5() + ")"
            scores.update(
                _execute(
                    f"""WITH titles AS MATERIALIZED (
                        SELECT {table}.rowid AS id FROM {table} CROSS JOIN
                        ({scope.restrict_sql}) AS allowed ON allowed.pk = {table}.rowid
                        WHERE {table} MATCH %s ORDER BY {table}.rowid DESC LIMIT {candidates}
                    )
                    SELECT {table}.rowid, {score} FROM {table}
                    WHERE {table} MATCH %s AND {table}.rowid >= (SELECT min(id) FROM titles)
                    AND +{table}.rowid IN (SELECT id FROM titles)""",
                    [*scope.restrict_params, titles, query.to_fts5()],
                )
            )
        ranked = sorted(scores.items(), key=lambda item: (item[1], -item[0]))
        page = [(post_id, -score) for post_id, score in ranked[offset : offset + limit]]
        return Ranking(page, min(len(scores), candidates))

    def count(self, query: SearchQuery, scope: Scope) -> int:
        source, params, _ = self._source(query, scope)
        (total,) = _execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT {COUNT_CAP})", params
        )[0]
        return int(total)

    def _newest(
        self, query: SearchQuery, scope: Scope, offset: int, limit: int, dense: bool
    ) -> list[tuple[int, float]]:
        """The matches' ids first (FTS5 reads them fast, in no need of positions), then the
        scope's posts walked newest first on the date index, each looked up among them.
        When many posts match words (not phrases, whose lookups cost more), the newest
        posts are looked up one by one first: the page is usually among the first few."""
        expression = query.to_fts5()
        table = "search_public_fts" if scope.full_text_sql == "" else "search_fts"
        phrases = any(len(term.words) > 1 for group in query.groups for term in group)
        if dense and not phrases and scope.full_text_sql is not None and not scope.full_text_sql:
            rows = _execute(
                f"SELECT dated.pk, 0 FROM (SELECT * FROM ({scope.dated_sql}) AS recent "
                "ORDER BY recent.published_at DESC, recent.pk DESC LIMIT %s) AS dated "
                f"WHERE EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH %s "
                f"AND {table}.rowid = dated.pk) "
                "ORDER BY dated.published_at DESC, dated.pk DESC LIMIT %s OFFSET %s",
                [*scope.dated_params, NEWEST_WINDOW * (offset + limit), expression, limit, offset],
            )
            if len(rows) == limit:  # every newer post was looked at
                return [(row[0], 0.0) for row in rows]
        matches = f"SELECT rowid AS id FROM {table} WHERE {table} MATCH %s"
        params = [expression]
        if scope.full_text_sql:
            matches = (
                f"SELECT rowid AS id FROM search_public_fts WHERE search_public_fts MATCH %s "
                f"UNION SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                f"AND +rowid IN ({scope.full_text_sql})"
            )
            params = [expression, expression, *scope.full_text_params]
        rows = _execute(
            f"WITH matches AS MATERIALIZED ({matches}) "
            f"SELECT dated.pk, 0 FROM ({scope.dated_sql}) AS dated "
            "WHERE dated.pk IN (SELECT id FROM matches) "
            "ORDER BY dated.published_at DESC, dated.pk DESC LIMIT %s OFFSET %s",
            [*params, *scope.dated_params, limit, offset],
        )
        return [(row[0], 0.0) for row in rows]

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
    """The text search configuration is passed as a value, not looked up in SQL: the planner
    then folds the tsquery into a constant and estimates how many posts match from the GIN
    statistics (walking the newest posts for a common word, the index for a rare one)."""

    vendor = "postgresql"
    QUERY = "websearch_to_tsquery(%s::regconfig, %s)"

    def _match(self, scope: Scope, terms: list[Any], tsquery: str = QUERY) -> tuple[str, list[Any]]:
        """The condition on `search_vector v` that its text matches the `tsquery` (with the
        parameters `terms`), in this scope."""
        if scope.full_text_sql == "":
            return f"v.public_vector @@ {tsquery}", terms
        # full_vector is NULL for a public post: its public_vector is its whole text.
        full = f"v.full_vector @@ {tsquery}"
        if scope.full_text_sql:
            full = f"({full} AND v.post_id IN ({scope.full_text_sql}))"
        return f"(v.public_vector @@ {tsquery} OR {full})", [
            *terms, *terms, *scope.full_text_params,
        ]  # fmt: skip

    def _where(self, scope: Scope, terms: list[Any], tsquery: str = QUERY) -> tuple[str, list[Any]]:
        match, params = self._match(scope, terms, tsquery)
        return f"{match} AND v.post_id IN ({scope.restrict_sql})", [
            *params, *scope.restrict_params,
        ]  # fmt: skip

    def _words(self, query: SearchQuery) -> tuple[str, list[Any]]:
        """A tsquery of the words to find, a phrase's in any order, exclusions left out: what
        the GIN index answers without reading a post (every match of `query` matches it)."""
        config = text_search_config()
        groups = [
            " || ".join("(" + " && ".join([self.QUERY] * len(term.words)) + ")" for term in group)
            for group in query.groups
        ]
        params = [
            value
            for group in query.groups
            for term in group
            for word in term.words
            for value in (config, f'"{word}"')
        ]
        return "(" + " && ".join(f"({group})" for group in groups) + ")", params

    def _window(
        self,
        query: SearchQuery,
        scope: Scope,
        terms: list[Any],
        value: str,
        value_params: Any,
        limit: int,
    ) -> tuple[str, list[Any]]:
        """`SELECT post_id, value, n`: the first `limit` matches (`value` not NULL) among the
        newest READ_WINDOW posts of the scope that have every word to find, and the last of
        those posts (`n` = READ_WINDOW, `value` NULL if it does not match) if it is reached:
        a full window. The walk stops at `limit` matches."""
        match, match_params = self._match(scope, terms)
        words, words_params = self._words(query)
        where, where_params = self._where(scope, words_params, words)
        return (
            f"SELECT post_id, value, n FROM (SELECT v.post_id, "
            f"CASE WHEN {match} THEN {value} END AS value, "
            "row_number() OVER (ORDER BY v.post_id DESC) AS n "
            f"FROM search_vector v WHERE {where} ORDER BY v.post_id DESC "
            f"LIMIT {READ_WINDOW}) AS window_posts "
            f"WHERE value IS NOT NULL OR n = {READ_WINDOW} LIMIT {limit + 1}",
            [*match_params, *value_params, *where_params],
        )

    def _window_matches(
        self, query: SearchQuery, scope: Scope, terms: list[Any]
    ) -> tuple[str, list[Any]]:
        """Two CTEs: `windowed` (see `_window`) and `matches`, the ids of its matches and of
        the newest posts whose title, subtitle or tags match."""
        window, params = self._window(query, scope, terms, "1", [], COUNT_CAP)
        titles, titles_params = self._titles(query, scope, terms, COUNT_CAP)
        return (
            f"windowed AS MATERIALIZED ({window}), matches AS MATERIALIZED ("
            "SELECT post_id FROM windowed WHERE value IS NOT NULL UNION "
            f"SELECT post_id FROM ({titles}) AS titles)",
            [*params, *titles_params],
        )

    def _titles(
        self, query: SearchQuery, scope: Scope, terms: list[Any], limit: int
    ) -> tuple[str, list[Any]]:
        """The newest `limit` posts of the scope whose title, subtitle or tags match. Words
        to find there are in the public text too, but a word to exclude may be in the body:
        then the whole text is checked too (the planner ANDs both GIN indexes, and reads only
        the posts of both)."""
        sql = (
            f"SELECT v.post_id FROM search_vector v WHERE v.title_vector @@ {self.QUERY} "
            f"AND v.post_id IN ({scope.restrict_sql})"
        )
        params = [*terms, *scope.restrict_params]
        if query.excluded:
            match, match_params = self._match(scope, terms)
            sql += f" AND {match}"
            params += match_params
        return f"{sql} ORDER BY v.post_id DESC LIMIT {limit}", params

    def _vector(self, scope: Scope) -> str:
        if scope.full_text_sql == "":
            return "v.public_vector"
        return "coalesce(v.full_vector, v.public_vector)"

    def count(self, query: SearchQuery, scope: Scope) -> int:
        return self._count(query, scope, [text_search_config(), query.to_websearch()]).total

    def _count(self, query: SearchQuery, scope: Scope, terms: list[Any]) -> Ranking:
        if _windowed(query):
            matches, params = self._window_matches(query, scope, terms)
            total, looked_at = _execute(
                f"WITH {matches} SELECT (SELECT count(*) FROM matches), "
                "(SELECT max(n) FROM windowed)",
                params,
            )[0]
            return _counted(int(total), looked_at)
        where, params = self._where(scope, terms)
        (total,) = _execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_vector v WHERE {where} "
            f"LIMIT {COUNT_CAP}) c",
            params,
        )[0]
        return Ranking([], int(total))

    def rank(
        self,
        query: SearchQuery,
        scope: Scope,
        newest: bool,
        offset: int,
        limit: int,
        candidates: int = CANDIDATES,
    ) -> Ranking:
        terms = [text_search_config(), query.to_websearch()]
        match, match_params = self._match(scope, terms)
        if newest:
            if _windowed(query):
                return self._newest_in_window(query, scope, terms, offset, limit)
            page = self._newest(scope, terms, offset, limit)
            return self._count(query, scope, terms)._replace(page=page)
        # One pass over the newest matches both ranks them and counts them: fewer than
        # CANDIDATES is every match, as many is more than a page can show.
        score = f"ts_rank_cd({self._vector(scope)}, {self.QUERY}, 1)"
        if _windowed(query):
            window, newest_params = self._window(query, scope, terms, score, terms, candidates)
            newest_sql = (
                f"windowed AS MATERIALIZED ({window}), newest AS MATERIALIZED ("
                "SELECT post_id, value AS score FROM windowed WHERE value IS NOT NULL "
                f"ORDER BY post_id DESC LIMIT {candidates})"
            )
            looked_at = "(SELECT max(n) FROM windowed)"
        else:
            where, where_params = self._where(scope, terms)
            newest_sql = (
                f"newest AS MATERIALIZED (SELECT v.post_id, {score} AS score "
                f"FROM search_vector v WHERE {where} ORDER BY v.post_id DESC LIMIT {candidates})"
            )
            newest_params = [*terms, *where_params]
            looked_at = "0"
        titles, titles_params = self._titles(query, scope, terms, candidates)
        sql = f"""
            WITH {newest_sql}, titles AS MATERIALIZED ({titles}), candidates AS (
                SELECT post_id, score FROM newest
                UNION ALL
                SELECT v.post_id, {score} FROM titles JOIN search_vector v
                ON v.post_id = titles.post_id
                WHERE titles.post_id NOT IN (SELECT post_id FROM newest) AND {match}
            )
            SELECT post_id, score, count(*) OVER (), {looked_at} FROM candidates
            ORDER BY score DESC, post_id DESC
            LIMIT %s OFFSET %s"""
        rows = _execute(
            sql,
            [
                *newest_params, *titles_params, *terms, *match_params, limit, offset,
            ],
        )  # fmt: skip
        if not rows:
            return self._count(query, scope, terms) if offset else Ranking([], 0)
        page = [(row[0], float(row[1])) for row in rows]
        return _counted(min(int(rows[0][2]), candidates), rows[0][3])._replace(page=page)

    def _newest(
        self, scope: Scope, terms: list[Any], offset: int, limit: int
    ) -> list[tuple[int, float]]:
        """The scope's posts newest first, each looked up in the index: the planner walks
        the date index while matches are common, and reads the GIN index when they are rare."""
        match, params = self._match(scope, terms)
        rows = _execute(
            f"SELECT dated.pk, 0 FROM ({scope.dated_sql}) AS dated WHERE EXISTS ("
            f"SELECT 1 FROM search_vector v WHERE v.post_id = dated.pk AND {match}) "
            "ORDER BY dated.published_at DESC, dated.pk DESC LIMIT %s OFFSET %s",
            [*scope.dated_params, *params, limit, offset],
        )
        return [(row[0], 0.0) for row in rows]

    def _newest_in_window(
        self, query: SearchQuery, scope: Scope, terms: list[Any], offset: int, limit: int
    ) -> Ranking:
        """Newest first among the matches of `_window_matches`, counted in the same pass: a
        walk of the date index could check every post for a rare phrase of common words."""
        matches, params = self._window_matches(query, scope, terms)
        rows = _execute(
            f"WITH {matches} SELECT dated.pk, (SELECT count(*) FROM matches), "
            f"(SELECT max(n) FROM windowed) FROM ({scope.dated_sql}) AS dated "
            "WHERE dated.pk IN (SELECT post_id FROM matches) "
            "ORDER BY dated.published_at DESC, dated.pk DESC LIMIT %s OFFSET %s",
            [*params, *scope.dated_params, limit, offset],
        )
        if not rows:
            return self._count(query, scope, terms) if offset else Ranking([], 0)
        page = [(row[0], 0.0) for row in rows]
        return _counted(int(rows[0][1]), rows[0][2])._replace(page=page)

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
            [options, options, options, text_search_config(), query.to_websearch(), *post_ids],
        )
        return {row[0]: Snippets(*row[1:]) for row in rows}

    def similar_words(self, word: str) -> list[str]:
        """The closest words by trigrams among those of about the same length and the same
        first letter (as SQLite's): `word % x` over the whole vocabulary reads most of it."""
        rows = _execute(
            "SELECT word FROM search_word WHERE word LIKE %s "  # the pattern_ops index
            "AND length(word) BETWEEN %s AND %s ORDER BY word <-> %s LIMIT 20",
            [word[0] + "%", len(word) - 2, len(word) + 2, word],
        )
        return [row[0] for row in rows]


def _windowed(query: SearchQuery) -> bool:
    """Whether PostgreSQL must read posts to check `query` (see READ_WINDOW)."""
    return query.has_phrase or bool(query.excluded)


def _counted(total: int, last_read: int | None) -> Ranking:
    """A count of matches, capped; a lower bound if the last post read (`n` of `_window`)
    was the last of a full window."""
    if total >= COUNT_CAP:
        return Ranking([], COUNT_CAP)
    return Ranking([], total, partial=last_read == READ_WINDOW)


def text_search_config() -> str:
    """PostgreSQL's configuration for the publication's language (as `atlas_search_config()`
    says in SQL, for the triggers)."""
    language = held_publication().language or "en"
    return PG_CONFIGS.get(language.split("-")[0].lower(), "simple")


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
