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
    (MenuItem("New post", "newsroom:post_new", "publishing.add_post"), 11),
    (MenuItem("Sends", "newsroom:sends", Permission.SENDS), 20),
    (MenuItem("Comments", "newsroom:comments", Permission.COMMENTS), 30),
    (MenuItem("Members", "newsroom:members", Permission.MEMBERS), 40),
    (MenuItem("Sponsors", "newsroom:sponsors", Permission.SPONSORS), 50),
    (MenuItem("Numbers", "newsroom:numbers", Permission.NUMBERS), 60),
    (MenuItem("Paid tiers", "newsroom:billing_tiers", "billing.view_tier"), 65),
    (MenuItem("Settings", "newsroom:settings", Permission.SETTINGS, section="settings"), 900),
    (MenuItem("Import", "newsroom:import", "importing.add_contentimport", section="settings"), 910),
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
    """The items the user's role may open, main ones first; the current one is the item whose
    address is the longest start of the page's (Posts for a post, New post for a new one)."""
    user = request.user
    home = reverse("newsroom:home")
    found: list[tuple[MenuItem, str]] = []
    for item in newsroom_menu.items():
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            found.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    matches = [url for _, url in found if request.path == url
               or (url != home and request.path.startswith(url))]  # fmt: skip
    current = max(matches, key=len, default="")
    links = [MenuLink(item.label, url, url == current, item.section) for item, url in found]
    return sorted(links, key=lambda link: link.section != "main")
