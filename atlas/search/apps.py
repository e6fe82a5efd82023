from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


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
        from atlas.search import signals, slots
        from atlas.search.staff import staff_search

        register_slot("head", include("search/head_links.html"), same_for="site")
        register_slot("header", include("search/header_field.html"), same_for="site")
        register_slot("article_end", slots.article_end, order=50, same_for="page")
        register_email_block("footer", EmailBlock(html=slots.email_html, text=slots.email_text))
        register_newsroom_menu_item(
            MenuItem("Search", "newsroom:search", "publishing.view_post"), order=12
        )
        register_newsroom_search(staff_search)
        post_migrate.connect(signals.install_index, sender=self)
        post_save.connect(signals.learn_headline_words, sender=Post, dispatch_uid="search-words")
