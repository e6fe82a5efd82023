"""Rebuilding the index from the posts (`atlas reindex`). Day to day, triggers keep it."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections, transaction

from atlas.publishing.models import Post
from atlas.search import schema
from atlas.search.backends import text_search_config
from atlas.search.models import SearchDocument
from atlas.search.services import rebuild_vocabulary

BATCH = 5000


def reindex(progress: Callable[[int, int], None] | None = None) -> int:
    """Index every post again, in batches; `progress(done, total)` after each.

    The documents are copied with the index's own triggers removed, and the index built from
    them in one pass at the end (much faster than row by row): on SQLite the FTS5 tables are
    rebuilt; on PostgreSQL the vectors are made in one statement, then the GIN indexes."""
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            schema.uninstall(connection)
            SearchDocument.objects.all().delete()
        else:
            cursor.execute("TRUNCATE search_vector, search_document")
            for index in schema.PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
            cursor.execute("ALTER TABLE search_document DISABLE TRIGGER search_document_vectors")
    try:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                schema.copy_posts(connection, batch[0], batch[-1])
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
        if not sqlite and ids:
            copy_vectors(ids)
    finally:
        with connection.cursor() as cursor:
            if not sqlite:  # for the GIN indexes that install() builds
                cursor.execute("SET maintenance_work_mem TO '256MB'")
            schema.install(connection)
            if not sqlite:
                cursor.execute("RESET maintenance_work_mem")
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            for table in schema.FTS5_TABLES:
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        else:
            cursor.execute("ANALYZE search_document")
            cursor.execute("ANALYZE search_vector")
            cursor.execute("ANALYZE publishing_post")
    rebuild_vocabulary()
    return len(ids)


def copy_vectors(ids: list[int]) -> None:
    """PostgreSQL: make the vectors (most of a reindex's time: to_tsvector) on a connection
    per core, each for a share of the posts; on this connection inside a transaction (a test),
    where other connections would not see the documents."""
    config = text_search_config()
    workers = 1 if connection.in_atomic_block else min(4, os.cpu_count() or 1)
    share = -(-len(ids) // workers)
    ranges = [
        (ids[start], ids[min(start + share, len(ids)) - 1]) for start in range(0, len(ids), share)
    ]

    def copy(first_id: int, last_id: int) -> None:
        try:
            schema.copy_vectors(connections["default"], config, first_id, last_id)
        finally:
            if workers > 1:
                connections["default"].close()

    if workers == 1:
        copy(ids[0], ids[-1])
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda bounds: copy(*bounds), ranges))
