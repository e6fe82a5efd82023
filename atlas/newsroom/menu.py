"""The newsroom's menu: items registered at `publishing.newsroom_menu`, shown by role."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from atlas.publishing.hooks import MenuItem, newsroom_menu, register_newsroom_menu_item


def register_menu() -> None:
    """The newsroom's own entries; other apps add theirs the same way."""
    register_newsroom_menu_item(MenuItem("Home", "newsroom:home"), order=0)
    register_newsroom_menu_item(
        MenuItem("New post", "newsroom:post_new", permission="publishing.add_post"), order=10
    )
    register_newsroom_menu_item(MenuItem("Numbers", "newsroom:numbers"), order=80)
    register_newsroom_menu_item(
        MenuItem("Paid tiers", "newsroom:billing_tiers", permission="billing.view_tier"), order=70
    )
    register_newsroom_menu_item(
        MenuItem("Import", "newsroom:import", permission="importing.add_contentimport"), order=95
    )


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool
    section: str


def menu_for(request: HttpRequest) -> list[MenuLink]:
    user = request.user
    home = reverse("newsroom:home")
    links = []
    for item in newsroom_menu.items():
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url != home and request.path.startswith(url))
        links.append(MenuLink(item.label, url, current, item.section))
    return links
