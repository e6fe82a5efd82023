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
    """Index every post again, in batches; `progress(done, total)` after each."""
    schema.install(connection)
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        SearchDocument.objects.all().delete()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            schema.copy_posts(connection, batch[0], batch[-1])
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    rebuild_vocabulary()
    return len(ids)
