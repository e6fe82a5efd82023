"""Rebuilding the index from the posts (`atlas reindex`). Day to day, triggers keep it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from atlas.publishing.models import Post
from atlas.search import schema
from atlas.search.models import SearchDocument
from atlas.search.services import rebuild_vocabulary

BATCH = 2000


def reindex(progress: Callable[[int, int], None] | None = None) -> int:
    """Index every post again, in batches; `progress(done, total)` after each.

    On SQLite the documents are copied with the FTS5 triggers removed, then the FTS5 table is
    rebuilt from them in one pass (much faster than row by row), then the triggers come back."""
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            schema.uninstall(connection)
            SearchDocument.objects.all().delete()
        else:  # building the GIN indexes once at the end beats updating them row by row
            cursor.execute(f"TRUNCATE {SearchDocument._meta.db_table}")
            for index in schema.PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
            cursor.execute("SET maintenance_work_mem TO '256MB'")
    try:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                schema.copy_posts(connection, batch[0], batch[-1])
            if progress:
                progress(min(start + BATCH, len(ids)), len(ids))
    finally:
        schema.install(connection)
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        else:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
            cursor.execute("ANALYZE publishing_post")
    rebuild_vocabulary()
    return len(ids)
