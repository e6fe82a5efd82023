from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, post_save


def _install_index(using: str = "default", **kwargs: Any) -> None:
    """(Re)create the index's triggers: SQLite drops them when a migration rebuilds a table."""
    from atlas.search import schema
    from atlas.search.models import SearchDocument

    connection = connections[using]
    if SearchDocument._meta.db_table in connection.introspection.table_names():
        schema.install(connection)


def _learn_words(sender: Any, instance: Any, **kwargs: Any) -> None:
    from atlas.search.services import learn_words

    if instance.is_live:
        learn_words(instance)


class SearchConfig(AppConfig):
    name = "atlas.search"
    verbose_name = "Search"

    def ready(self) -> None:
        from atlas.delivery.hooks import EmailBlock, register_email_block
        from atlas.lib.hooks import include
        from atlas.publishing.hooks import (
            MenuItem,
            register_newsroom_menu_item,
            register_newsroom_search,
            register_slot,
        )
        from atlas.publishing.models import Post
        from atlas.search import slots
        from atlas.search.staff import staff_search

        register_slot("head", include("search/head_links.html"))
        register_slot("header", include("search/header_field.html"))
        register_slot("article_end", slots.article_end, order=50)
        register_email_block("footer", EmailBlock(html=slots.email_html, text=slots.email_text))
        register_newsroom_menu_item(
            MenuItem("Search", "newsroom:search", "publishing.view_post"), order=12
        )
        register_newsroom_search(staff_search)
        post_migrate.connect(_install_index, sender=self)
        post_save.connect(_learn_words, sender=Post, dispatch_uid="search-learn-words")
