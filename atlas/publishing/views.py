"""Reader-facing pages. Every listing starts from `Post.objects.published()`."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import serve

from atlas.lib import fragments, frames
from atlas.lib.html import split_after_paragraph
from atlas.lib.keyset import Cursor, InvalidCursor, KeysetPage, keyset_page
from atlas.lib.signing import Tokens
from atlas.publishing import structured_data
from atlas.publishing.context_processors import current_publication
from atlas.publishing.hooks import can_read
from atlas.publishing.http import private_page, public_page
from atlas.publishing.models import (
    Author,
    Correction,
    Post,
    Publication,
    Tag,
    authors_of,
    published_post,
    tags_of,
)

PREVIEW_TOKENS = Tokens("atlas.publishing.preview")
CORRECTIONS_PER_PAGE = 50


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int | None = None) -> KeysetPage:
    """The page of `queryset` (newest first) that `?older=` or `?newer=` asks for, else the
    first; a cursor that is not ours, or a page with nothing on it, is a 404."""
    try:
        older, newer = (
            Cursor.parse(request.GET[name]) if name in request.GET else None
            for name in ("older", "newer")
        )
    except InvalidCursor as error:
        raise Http404("No such page.") from error
    page = keyset_page(
        queryset,
        per_page=per_page or settings.ATLAS_POSTS_PER_PAGE,
        date_field="published_at",
        older=older,
        newer=newer,
    )
    if not page.object_list and (older or newer):
        raise Http404("No such page.")
    return page


def page_number_redirect(
    request: HttpRequest, queryset: QuerySet, per_page: int | None = None
) -> HttpResponse | None:
    """Links from before keyset pages (`?page=3`) lead to the same posts: the page just older
    than the last post of page 2, found once by OFFSET. Temporary: page 3 moves on as posts
    are published. None when the request names no page number."""
    number = request.GET.get("page")
    if number is None:
        return None
    if not (number.isdigit() and 0 < int(number) < 1_000_000):
        raise Http404("No such page.")
    if int(number) == 1:
        return redirect(request.path)
    skipped = (int(number) - 1) * (per_page or settings.ATLAS_POSTS_PER_PAGE)
    last_before = queryset.order_by("-published_at", "-pk").values_list("published_at", "pk")
    found = list(last_before[skipped - 1 : skipped])
    if not found:
        raise Http404("No such page.")
    return redirect(f"{request.path}?older={Cursor(*found[0])}")


def listed_posts() -> QuerySet[Post]:
    return Post.objects.published().articles().newest_first().for_listing()


def render_list(
    request: HttpRequest, posts: QuerySet[Post], template: str, context: dict[str, Any]
) -> HttpResponse:
    redirected = page_number_redirect(request, posts)
    if redirected is not None:
        return redirected
    page = paginate(request, posts)
    context = {"tag": None, "author": None, **context, "page": page, "posts": page.object_list}
    return render(request, template, context)


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render_list(request, listed_posts(), "publishing/home.html", {})


@require_safe
@public_page
def archive(request: HttpRequest) -> HttpResponse:
    return render_list(request, listed_posts(), "publishing/post_list.html", {"heading": "Posts"})


@require_safe
@public_page
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    context = {"heading": tag.name, "tag": tag}
    return render_list(
        request, listed_posts().filter(tags=tag), "publishing/post_list.html", context
    )


@require_safe
@public_page
def author(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    posts = listed_posts().filter(authors=author)
    context = {"heading": author.name, "author": author}
    return render_list(request, posts, "publishing/post_list.html", context)


@require_safe
@public_page
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = _published(slug)
    if post is None:
        raise Http404("No such post.")
    response = render_article(request, post)
    if post.date_modified:
        response.headers["Last-Modified"] = _http_date(post)
    return response


def render_article(
    request: HttpRequest,
    post: Post,
    preview: bool = False,
    *,
    authors: list[Author] | None = None,
    tags: list[Tag] | None = None,
) -> HttpResponse:
    """The article page. A preview of unsaved changes passes its own `authors` and `tags`.

    What is the same for every reader who may (or every reader who may not) read the post is
    rendered once per content version (`fragment_key`, atlas.lib.fragments); previews never."""
    publication = current_publication(request)
    gated = not can_read(request, post)
    body_before, body_after = (
        ("", "")
        if gated
        else split_after_paragraph(post.body_html, publication.sponsored_after_paragraph)
    )
    fragment_key = None if preview else ("article", post.pk, gated)
    if authors is None:
        authors = _held(preview, ("article-authors", post.pk), lambda: authors_of(post))
    if tags is None:
        tags = _held(preview, ("article-tags", post.pk), lambda: tags_of(post))
    # Queries compiled once per process (models.py): this is the page every reader opens.
    context = {
        "post": post,
        "authors": authors,
        "tags": tags,
        # Only a post modified since publication can carry corrections (signals.py keeps it so).
        "corrections": list(Correction.objects.filter(post=post))
        if post.content_modified_at
        else [],
        "body_before_slot": body_before,
        "body_after_slot": body_after,
        "preview": preview,
        "gated": gated,
        "fragment_key": fragment_key,
        "canonical_url": post.canonical_url or publication.absolute(post.get_absolute_url()),
    }
    # Called by the template only when the head is rendered (not when it is kept).
    context["structured_data"] = partial(structured_data.for_article, publication, post, context)
    if fragment_key is None:
        return render(request, "publishing/post_detail.html", context)
    # The page but its slots is the same for every reader of the post who may (or may not) read
    # it, signed in or not: kept whole, the slots rendered for this reader (atlas.lib.frames).
    return frames.render(request, "publishing/post_detail.html", context, fragment_key)


def _published(slug: str) -> Post | None:
    """The published post at `slug`, read once per content version in this process (every
    change to a post moves the version). Shared by every thread: read, never changed. A miss is
    asked again each time: a post published for a later time is found once its time comes."""
    return fragments.value(("published-post", slug), lambda: published_post(slug), keep_none=False)


def _held(preview: bool, key: tuple[Any, ...], make: Callable[[], list[Any]]) -> list[Any]:
    """A published post's authors or tags, read once per content version in this process."""
    return make() if preview else fragments.value(key, make)


def _http_date(post: Post) -> str:
    return _http_date_of(post.date_modified.timestamp())


@lru_cache(maxsize=1024)
def _http_date_of(timestamp: float) -> str:
    """`http_date()`, formatted once per process for each post's modification time."""
    return http_date(timestamp)


@require_safe
@public_page
def corrections(request: HttpRequest) -> HttpResponse:
    queryset = (
        Correction.objects.filter(post__in=Post.objects.published())
        .select_related("post")
        .order_by("-published_at", "-pk")
    )
    redirected = page_number_redirect(request, queryset, per_page=CORRECTIONS_PER_PAGE)
    if redirected is not None:
        return redirected
    page = paginate(request, queryset, per_page=CORRECTIONS_PER_PAGE)
    return render(request, "publishing/corrections.html", {"page": page})


def preview_url(post: Post) -> str:
    """A link to the post as it will look, for a reviewer without an account; it expires."""
    token = PREVIEW_TOKENS.dumps({"post": post.pk})
    return reverse("publishing:preview", args=[token])


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    data = PREVIEW_TOKENS.loads(token, max_age=settings.ATLAS_PREVIEW_MAX_AGE)
    if not isinstance(data, dict):
        raise Http404("This preview link is invalid or has expired.")
    post = get_object_or_404(Post, pk=data.get("post"))
    return private_page(render_article(request, post, preview=True))


@staff_member_required
def staff_preview(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    return private_page(render_article(request, post, preview=True))


@require_safe
@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = Publication.current().absolute(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /preview/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files. Renditions are named by their content's hash, so they never change."""
    if path.startswith("imports/"):
        raise Http404  # files of imports from before the private storage: never public
    if not isinstance(default_storage, FileSystemStorage):
        # Media in a bucket: addresses written into posts while they were on this disk.
        return HttpResponsePermanentRedirect(default_storage.url(path))
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    if path.startswith("renditions/"):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
