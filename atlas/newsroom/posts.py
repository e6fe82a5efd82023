"""Posts: every post by status, searchable and filtered by author and tag, with what each got
(views, email opens and clicks, comments, corrections). Writing happens in the editor
(/newsroom/posts/<id>/), which this list links to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from atlas.analytics import services as analytics
from atlas.analytics.models import DailyPageStats
from atlas.delivery import tracking
from atlas.delivery.models import Send
from atlas.discussions.models import Comment
from atlas.newsroom.access import staff_view
from atlas.newsroom.attention import visible_posts
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page
from atlas.publishing.models import Author, Correction, Post, PostAuthor, Tag

PER_PAGE = 25
REVIEW = "review"  # a draft its writer marked ready for review
TABS = [
    ("", "All"),
    (Post.Status.DRAFT, "Drafts"),
    (REVIEW, "Ready for review"),
    (Post.Status.SCHEDULED, "Scheduled"),
    (Post.Status.PUBLISHED, "Published"),
    (Post.Status.ARCHIVED, "Archived"),
]
ORDER = {
    Post.Status.DRAFT: ["-updated_at", "-pk"],
    REVIEW: ["review_requested_at", "pk"],
    Post.Status.SCHEDULED: ["published_at", "pk"],
}


@dataclass
class PostRow:
    post: Post
    authors: str = ""
    tags: str = ""
    views: int = 0
    opens: int | None = None
    clicks: int | None = None
    comments: int = 0
    corrections: int = 0
    sent: bool = False


def listed(user: Any, status: str, search: str, author: str, tag: str) -> QuerySet[Post]:
    posts = visible_posts(user)
    if status == REVIEW:
        posts = posts.filter(status=Post.Status.DRAFT, review_requested_at__isnull=False)
    elif status:
        posts = posts.filter(status=status)
    if search:
        posts = posts.filter(Q(title__icontains=search) | Q(subtitle__icontains=search))
    if author.isdigit():
        posts = posts.filter(authors__pk=int(author))
    if tag.isdigit():
        posts = posts.filter(tags__pk=int(tag))
    ordered = posts.order_by(*ORDER.get(status, ["-published_at", "-created_at", "-pk"]))
    return ordered.defer("body", "body_html")


def names_by_post(pairs: Any) -> dict[int, str]:
    found: dict[int, list[str]] = defaultdict(list)
    for post_id, name in pairs:
        found[post_id].append(name)
    return {post_id: ", ".join(names) for post_id, names in found.items()}


def rows_for(posts: list[Post]) -> list[PostRow]:
    """What each post got, in one grouped query per figure for the whole page."""
    ids = [post.pk for post in posts]
    views = dict(
        DailyPageStats.objects.filter(post_id__in=ids)
        .exclude(day=timezone.localdate())
        .values_list("post_id")
        .annotate(total=Sum("views"))
        .order_by()
    )
    paths = {post.get_absolute_url(): post.pk for post in posts if post.was_published}
    for path, today in analytics.views_today(list(paths)).items():
        views[paths[path]] = views.get(paths[path], 0) + today
    comments = dict(
        Comment.objects.filter(post_id__in=ids, status=Comment.Status.PUBLISHED)
        .values_list("post_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    corrections = dict(
        Correction.objects.filter(post_id__in=ids)
        .values_list("post_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    sends = dict(
        Send.objects.filter(post_id__in=ids, is_test=False)
        .exclude(status=Send.Status.CANCELLED)
        .values_list("pk", "post_id")
    )
    engagement: dict[int, dict[str, int]] = defaultdict(lambda: {"opens": 0, "clicks": 0})
    for send_id, counts in tracking.engagement(list(sends)).items():
        engagement[sends[send_id]]["opens"] += counts["opens"]
        engagement[sends[send_id]]["clicks"] += counts["clicks"]
    sent_posts = set(sends.values())
    authors = names_by_post(
        PostAuthor.objects.filter(post_id__in=ids)
        .order_by("post_id", "position")
        .values_list("post_id", "author__name")
    )
    tags = names_by_post(
        Post.tags.through.objects.filter(post_id__in=ids)
        .order_by("post_id", "tag__name")
        .values_list("post_id", "tag__name")
    )
    return [
        PostRow(
            post,
            authors=authors.get(post.pk, ""),
            tags=tags.get(post.pk, ""),
            views=views.get(post.pk, 0),
            opens=engagement[post.pk]["opens"] if post.pk in engagement else None,
            clicks=engagement[post.pk]["clicks"] if post.pk in engagement else None,
            comments=comments.get(post.pk, 0),
            corrections=corrections.get(post.pk, 0),
            sent=post.pk in sent_posts,
        )
        for post in posts
    ]


@staff_view(Permission.POSTS)
@require_safe
def post_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in [*Post.Status.values, REVIEW] else ""
    search = request.GET.get("q", "").strip()
    author = request.GET.get("author", "")
    tag = request.GET.get("tag", "")
    posts = listed(request.user, status, search, author, tag)
    paginator = Paginator(posts, PER_PAGE)
    current = paginator.get_page(request.GET.get("page"))
    mine = visible_posts(request.user)
    counts = dict(mine.values_list("status").annotate(total=Count("pk")).order_by())
    counts[REVIEW] = mine.filter(
        status=Post.Status.DRAFT, review_requested_at__isnull=False
    ).count()
    context = {
        "tabs": [
            (key, label, counts.get(key) if key else sum(counts.values())) for key, label in TABS
        ],
        "status": status,
        "search": search,
        "author": author,
        "tag": tag,
        "authors": Author.objects.only("pk", "name"),
        "tags": Tag.objects.only("pk", "name"),
        "rows": rows_for(list(current.object_list)),
        "page_obj": current,
        "filtered": bool(search or author or tag),
    }
    return page(request, "newsroom/posts/list.html", context)
