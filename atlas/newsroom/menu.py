"""The newsroom's menu: items registered at `publishing.newsroom_menu`, shown by role."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from atlas.newsroom.roles import Permission
from atlas.publishing.hooks import MenuItem, newsroom_menu, register_newsroom_menu_item

# The newsroom's own entries, in menu order; other apps add theirs the same way (orders
# between these tens place them among the daily work; "settings" items go last).
OWN_ITEMS = [
    (MenuItem("Home", "newsroom:home"), 0),
    (MenuItem("Posts", "newsroom:posts", Permission.POSTS), 10),
    (MenuItem("Sends", "newsroom:sends", Permission.SENDS), 20),
    (MenuItem("Comments", "newsroom:comments", Permission.COMMENTS), 30),
    (MenuItem("Members", "newsroom:members", Permission.MEMBERS), 40),
    (MenuItem("Sponsors", "newsroom:sponsors", Permission.SPONSORS), 50),
    (MenuItem("Numbers", "newsroom:numbers", Permission.NUMBERS), 60),
    (MenuItem("Settings", "newsroom:settings", Permission.SETTINGS, section="settings"), 900),
]


def register_menu() -> None:
    for item, order in OWN_ITEMS:
        register_newsroom_menu_item(item, order=order)


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
