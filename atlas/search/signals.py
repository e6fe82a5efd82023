"""What search does when other things happen (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db import connections

from atlas.publishing.models import Post
from atlas.search import schema
from atlas.search.models import SearchDocument
from atlas.search.services import learn_words


def install_index(using: str = "default", **kwargs: Any) -> None:
    """After every migrate, (re)create the index's triggers: SQLite drops a table's triggers
    when a migration rebuilds the table."""
    connection = connections[using]
    if SearchDocument._meta.db_table in connection.introspection.table_names():
        schema.install(connection)


def learn_headline_words(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    if instance.is_live:
        learn_words(instance)
