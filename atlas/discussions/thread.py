"""A post's discussion as readers see it, built for threads of thousands of comments.

One query whatever the thread's size: the comments as plain rows (not model instances: a
tenth of the cost) with their like counts, whether the viewer liked them, and their authors'
names and staff roles. The tree is built in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from atlas.discussions.models import EDIT_WINDOW, Comment, CommentLike
from atlas.members.models import Member
from atlas.publishing.models import Post

FORMER_MEMBER = "Former member"


class Sort:
    OLDEST = "oldest"
    NEWEST = "newest"
    LIKED = "liked"
    CHOICES = {OLDEST: "Oldest", NEWEST: "Newest", LIKED: "Most liked"}

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in cls.CHOICES else cls.OLDEST


@dataclass(slots=True)
class ThreadComment:
    """One comment as the page shows it (a row, not a model instance)."""

    pk: int
    parent_id: int | None
    reply_to_id: int | None
    member_id: int | None
    status: str
    body_html: str
    is_pinned: bool
    created_at: datetime
    edited_at: datetime | None
    likes: int = 0
    liked: bool = False  # by the viewer
    author_name: str = FORMER_MEMBER
    badge: str = ""

    @property
    def is_published(self) -> bool:
        return self.status == Comment.Status.PUBLISHED

    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW


ROW_FIELDS = ("pk", "parent_id", "reply_to_id", "member_id", "status", "body_html", "is_pinned",
              "created_at", "edited_at")  # fmt: skip
ROW_WIDTH = len(ROW_FIELDS) + 2  # with the like count and whether the viewer liked it
AUTHOR_FIELDS = ("member__name", "member__comment_name", "member__email", "member__user__is_staff",
                 "member__user__author__id")  # fmt: skip
AUTHOR_END = ROW_WIDTH + len(AUTHOR_FIELDS)


@dataclass
class Thread:
    roots: list[ThreadComment]
    children: dict[int, list[ThreadComment]]
    by_id: dict[int, ThreadComment]
    count: int = 0

    def walk(self) -> Iterator[ThreadComment]:
        """Every comment shown, in page order."""
        stack = list(reversed(self.roots))
        while stack:
            comment = stack.pop()
            yield comment
            stack.extend(reversed(self.children.get(comment.pk, [])))


def comment_count(post: Post) -> int:
    return Comment.objects.visible().filter(post=post).count()


def load_thread(post: Post, sort: str = Sort.OLDEST, viewer: Member | None = None) -> Thread:
    like_count = (
        CommentLike.objects.filter(comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(total=Count("pk"))
        .values("total")
    )
    liked_by_viewer = (
        Exists(CommentLike.objects.filter(comment=OuterRef("pk"), member=viewer))
        if viewer is not None
        else Value(False)
    )
    ordered = (
        Comment.objects.filter(post=post)
        .annotate(like_count=Coalesce(Subquery(like_count), 0), liked=liked_by_viewer)
        .order_by("created_at", "pk")
        .values_list(*ROW_FIELDS, "like_count", "liked", *AUTHOR_FIELDS, "imported_author")
    )
    return build_thread(read_rows(ordered), sort, viewer.pk if viewer else None)


def read_rows(values: Iterable[tuple[Any, ...]]) -> list[ThreadComment]:
    """Rows with their author's display name (Member.display_name) and staff badge, worked out
    once per author."""
    authors: dict[int, tuple[str, str]] = {}
    rows: list[ThreadComment] = []
    for value in values:
        row = ThreadComment(*value[:ROW_WIDTH])
        if row.member_id is not None:
            author = authors.get(row.member_id)
            if author is None:
                author = authors[row.member_id] = _author(*value[ROW_WIDTH:AUTHOR_END])
            row.author_name, row.badge = author
        elif value[AUTHOR_END:] and value[AUTHOR_END]:
            row.author_name = value[AUTHOR_END]  # an imported comment's signature
        rows.append(row)
    return rows


def _author(
    name: str, comment_name: str, email: str, is_staff: bool | None, author_id: int | None
) -> tuple[str, str]:
    display_name = Member(name=name, comment_name=comment_name, email=email).display_name
    return display_name, "Author" if author_id else "Editor" if is_staff else ""


def build_thread(comments: list[ThreadComment], sort: str, viewer_id: int | None) -> Thread:
    """Keep what the viewer may see, and removed comments that still have visible replies."""
    all_children: dict[int | None, list[ThreadComment]] = defaultdict(list)
    for comment in comments:
        all_children[comment.parent_id].append(comment)
    shown: dict[int, list[ThreadComment]] = {}
    count = 0

    def keep(comment: ThreadComment) -> bool:  # recursion is shallow: MAX_DEPTH levels at most
        nonlocal count
        kept = [child for child in all_children.get(comment.pk, []) if keep(child)]
        if kept:
            shown[comment.pk] = kept
        count += comment.is_published
        own_held = comment.status == Comment.Status.HELD and comment.member_id == viewer_id
        return comment.is_published or own_held or bool(kept)

    roots = [comment for comment in all_children.get(None, []) if keep(comment)]
    roots.sort(key=_sort_key(sort))
    by_id = {comment.pk: comment for comment in comments}
    return Thread(roots, shown, by_id, count)


def _sort_key(sort: str) -> Callable[[ThreadComment], tuple]:
    """Pinned comments first; then the reader's order. Replies always read oldest first."""
    if sort == Sort.NEWEST:
        return lambda comment: (not comment.is_pinned, -comment.created_at.timestamp(), -comment.pk)
    if sort == Sort.LIKED:
        return lambda comment: (not comment.is_pinned, -comment.likes, comment.pk)
    return lambda comment: (not comment.is_pinned, comment.created_at, comment.pk)
