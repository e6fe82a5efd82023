"""The index rebuilt for bounded queries, filled here from the existing documents (no
`atlas reindex` needed). SQLite: a second FTS5 table of the text any reader may read
(`search_public_fts`), so readers' queries need no column filter. PostgreSQL: the tsvectors
move from `search_document` to a narrow `search_vector` table, stored uncompressed in the row,
`full_vector` only for posts that are not public."""

from django.db import migrations


def install(apps, schema_editor):
    from atlas.search.schema import copy_vectors, install

    connection = schema_editor.connection
    install(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_public_fts(search_public_fts) VALUES ('rebuild')")
            return
        cursor.execute("SELECT atlas_search_config()::text")
        config = cursor.fetchone()[0]
        cursor.execute("TRUNCATE search_vector")
    copy_vectors(connection, config)


def uninstall(apps, schema_editor):
    """Back to 0001: the earlier code's `install` adds its vector columns again, empty; its
    `atlas reindex` fills them."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS search_document_vectors ON search_document")
            cursor.execute("DROP TABLE IF EXISTS search_vector")
            return
        for trigger in ("inserted", "deleted", "updated"):
            cursor.execute(f"DROP TRIGGER IF EXISTS search_document_public_{trigger}")
        cursor.execute("DROP TABLE IF EXISTS search_public_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(install, uninstall)]
