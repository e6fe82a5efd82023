"""Extension points that publishing owns: the reader's pages, who may read a post, the staff's
post tools. Other apps register into them from their `AppConfig.ready()` (their `hooks.py`).

Slots of the article page (`publishing/post_detail.html`), rendered with `{% slot "name" %}`;
renderers get the page's context (`post`, `tags`, `gated`, `preview`, `publication`, `request`):
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from atlas.lib.hooks import ExtensionPoint, declare_slot, register_slot
from atlas.publishing.models import Post

__all__ = [
    "ImportedComment",
    "SearchHit",
    "SearchSection",
    "can_read",
    "import_comments",
    "register_comment_importer",
    "register_editor_panel",
    "register_newsroom_menu_item",
    "register_newsroom_search",
    "register_post_admin_inline",
    "register_read_policy",
    "register_slot",
]

declare_slot("head", "Inside <head> of every reader page: stylesheets, links, meta tags.")
declare_slot("header", "In the site's header, after its navigation (e.g. a search field).")
declare_slot(
    "after_paragraph",
    "In the article's body, after the paragraph the publication chose "
    "(`Publication.sponsored_after_paragraph`); only for readers who may read the post.",
)
declare_slot("article_end", "After the article's body, before its corrections.")
declare_slot("paywall", "Under the excerpt of a post the reader may not read in full.")
declare_slot(
    "subscribe_box", "After the article, for readers of a post they may read (not in previews)."
)
declare_slot("discussion", "Under the article: the comments.")
declare_slot("admin_post_tools", "Links in the admin's post editor (`original` is the post).")


# Who may read a post in full ------------------------------------------------------------------

ReadPolicy = Callable[[HttpRequest, Post], bool]


def staff_only(request: HttpRequest, post: Post) -> bool:
    """The rule until an app that knows readers registers one: public posts, or staff."""
    if post.visibility == Post.Visibility.PUBLIC:
        return True
    return bool(request.user.is_authenticated and request.user.is_staff)


read_policy: ExtensionPoint[ReadPolicy] = ExtensionPoint(
    "publishing.read_policy",
    """The one rule for who may read a gated post in full (members registers it). Pages, feeds,
    email and search ask `can_read()`.""",
    single=True,
    default=staff_only,
)


def register_read_policy(policy: ReadPolicy) -> ReadPolicy:
    return read_policy.register(policy, caller_depth=2)


def can_read(request: HttpRequest, post: Post) -> bool:
    return read_policy.one()(request, post)


# The admin's post editor ----------------------------------------------------------------------

post_admin_inlines: ExtensionPoint[type[admin.options.InlineModelAdmin]] = ExtensionPoint(
    "publishing.post_admin_inlines",
    "Inlines other apps add to the admin's post editor (e.g. the sponsorship opt-out).",
)


def register_post_admin_inline(
    inline: type[admin.options.InlineModelAdmin], *, order: int = 100
) -> type[admin.options.InlineModelAdmin]:
    return post_admin_inlines.register(inline, order=order, caller_depth=2)


# The newsroom (`/newsroom/`): its menu and the editor's side panels ---------------------------


@dataclass(frozen=True)
class MenuItem:
    """An entry of the newsroom's menu. `permission` (a Django permission, "app.codename") or
    `staff` decides who sees it; the view behind it checks the same again."""

    label: str
    url_name: str
    permission: str = ""
    section: str = "main"


newsroom_menu: ExtensionPoint[MenuItem] = ExtensionPoint(
    "publishing.newsroom_menu",
    """Items of the newsroom's menu, in `order`. The newsroom shows each to the staff members
    whose role holds its permission.""",
)


def register_newsroom_menu_item(item: MenuItem, *, order: int = 100) -> MenuItem:
    return newsroom_menu.register(item, order=order, caller_depth=2)


@dataclass(frozen=True)
class SearchHit:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSection:
    """One kind of thing the newsroom's search found (posts, members), and how many."""

    label: str
    hits: list[SearchHit]
    total: int


# (request, the typed text, the posts this staff member may see) -> sections of results.
NewsroomSearch = Callable[[HttpRequest, str, QuerySet[Post]], list[SearchSection]]

newsroom_search: ExtensionPoint[NewsroomSearch] = ExtensionPoint(
    "publishing.newsroom_search",
    """The newsroom's search page (/newsroom/search/) asks each searcher registered here for
    sections of results (search registers posts in every status, and members).""",
)


def register_newsroom_search(searcher: NewsroomSearch, *, order: int = 100) -> NewsroomSearch:
    return newsroom_search.register(searcher, order=order, caller_depth=2)


@dataclass(frozen=True)
class EditorPanel:
    """A section of the post editor's side panel. `template` is rendered with the editor's
    context (`post`, `form`, `request`); `save` (optional) takes (request, post) after the post
    is saved and applies the panel's own fields."""

    label: str
    template: str
    save: Callable[[HttpRequest, Post], None] | None = None
    permission: str = ""


editor_panels: ExtensionPoint[EditorPanel] = ExtensionPoint(
    "publishing.editor_panels",
    "Sections other apps add to the side panel of the newsroom's post editor.",
)


def register_editor_panel(panel: EditorPanel, *, order: int = 100) -> EditorPanel:
    return editor_panels.register(panel, order=order, caller_depth=2)


# What each staff role may do ------------------------------------------------------------------

role_permissions: ExtensionPoint[tuple[str, ...]] = ExtensionPoint(
    "publishing.role_permissions",
    """Permissions ("app.codename") an app grants to a newsroom role (keys: the role names).
    `roles.ensure_roles` gives each role group what was registered for it after every migrate.""",
    keys={
        "Contributor": "Writes drafts and submits them for review.",
        "Author": "Writes and publishes their own posts.",
        "Editor": "Every post, send, comment, member, sponsor and number.",
    },
)


def register_role_permissions(role: str, permissions: list[str]) -> None:
    role_permissions.register(tuple(permissions), key=role, caller_depth=2)


# Comments that come with imported posts -------------------------------------------------------


@dataclass(frozen=True)
class ImportedComment:
    """A comment of another platform, as an import hands it over: `parent_source_id` names the
    comment it answers (or ""), `body` is plain text or a little Markdown."""

    source_id: str
    parent_source_id: str
    author_name: str
    author_email: str
    created_at: datetime
    body: str


# (post id, the post's comments oldest first, {source id: comment id} of those stored by an
# earlier import) -> {source id: comment id} of the comments it stored now.
CommentImporter = Callable[[int, list[ImportedComment], dict[str, int]], dict[str, int]]

comment_importer: ExtensionPoint[CommentImporter] = ExtensionPoint(
    "publishing.comment_importer",
    """Stores the comments that come with imported posts (discussions registers it; the
    importing app hands them over through `import_comments`, never importing discussions).
    It keeps the thread's shape, the authors' names and dates, and links a comment to the
    member with the same address.""",
    single=True,
)


def register_comment_importer(importer: CommentImporter) -> CommentImporter:
    return comment_importer.register(importer, caller_depth=2)


def import_comments(
    post_id: int, comments: list[ImportedComment], known: dict[str, int]
) -> dict[str, int] | None:
    """Store `comments` under the post; None when no app keeps comments."""
    importers = comment_importer.items()
    return importers[0](post_id, comments, known) if importers else None
