"""The sitemaps: an index (/sitemap.xml) over small sitemaps that list what readers can reach.

Django's sitemap views page a section with COUNT and OFFSET, at most 50,000 addresses a page
(a publication of 100,000 posts showed half of them). Here posts are paged by ranges of their
id, `POSTS_PER_SITEMAP` ids a page: each page is one range scan of the primary key, the same
cost and memory at any size, and the index names only the ranges that hold a published post,
each with its latest change. The XML is written directly: a page is thousands of the same
three elements. Anonymous GETs are public pages, kept by the page cache until content changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Exists, F, Max, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from atlas.lib.urls import url_for, url_with_slug
from atlas.publishing.context_processors import current_publication
from atlas.publishing.http import public_page
from atlas.publishing.models import Author, Post, Tag

POSTS_PER_SITEMAP = 2000  # ids a page of /sitemap-posts.xml (fewer posts: drafts, deletions)
SECTIONS = ("pages", "tags", "authors", "posts")
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

Entry = tuple[str, datetime | None]  # a path and its last change


def post_ranges() -> list[tuple[int, datetime | None]]:
    """Each page of posts that lists something (numbered from 1), with its latest change."""
    rows = (
        Post.objects.published()
        .order_by()
        .annotate(range_number=F("pk") / POSTS_PER_SITEMAP)
        .values_list("range_number")
        .annotate(Max("published_at"), Max("content_modified_at"))
        .order_by("range_number")
    )
    return [(number + 1, latest(published, modified)) for number, published, modified in rows]


def post_entries(page: int) -> list[Entry]:
    low = (page - 1) * POSTS_PER_SITEMAP
    rows = (
        Post.objects.published()
        .filter(pk__gte=low, pk__lt=low + POSTS_PER_SITEMAP)
        .order_by("pk")
        .values_list("slug", "published_at", "content_modified_at")
    )
    return [
        (url_with_slug("publishing:post", slug), latest(published, modified))
        for slug, published, modified in rows
    ]


def tag_entries() -> list[Entry]:
    used = Exists(Post.objects.published().filter(tags=OuterRef("pk")))
    slugs = Tag.objects.filter(used).order_by("pk").values_list("slug", flat=True)
    return [(url_with_slug("publishing:tag", slug), None) for slug in slugs]


def author_entries() -> list[Entry]:
    writing = Exists(Post.objects.published().filter(authors=OuterRef("pk")))
    slugs = Author.objects.filter(writing).order_by("pk").values_list("slug", flat=True)
    return [(url_with_slug("publishing:author", slug), None) for slug in slugs]


def page_entries() -> list[Entry]:
    names = ["publishing:home", "publishing:archive", "publishing:corrections"]
    return [(url_for(name), None) for name in names]


def latest(*moments: datetime | None) -> datetime | None:
    return max(filter(None, moments), default=None)


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    base = current_publication(request).base_url
    sitemaps: list[Entry] = [(section_path(section), None) for section in SECTIONS[:-1]]
    sitemaps += [(f"{section_path('posts')}?p={page}", when) for page, when in post_ranges()]
    return xml_response("sitemapindex", "sitemap", base, sitemaps)


@require_safe
@public_page
def section(request: HttpRequest, section: str) -> HttpResponse:
    page = request.GET.get("p", "1")
    if (
        section not in SECTIONS
        or not (page.isdigit() and 0 < int(page) < 10**9)
        or (section != "posts" and page != "1")
    ):
        raise Http404("No such sitemap page.")
    entries = {
        "pages": page_entries,
        "tags": tag_entries,
        "authors": author_entries,
        "posts": lambda: post_entries(int(page)),
    }[section]()
    if section == "posts" and not entries:
        raise Http404("No such sitemap page.")
    return xml_response("urlset", "url", current_publication(request).base_url, entries)


def section_path(section: str) -> str:
    return url_with_slug("sitemap_section", section)


def xml_response(root: str, element: str, base: str, entries: Iterable[Entry]) -> HttpResponse:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n']
    for path, modified in entries:
        lastmod = f"<lastmod>{w3c_datetime(modified)}</lastmod>" if modified else ""
        parts.append(f"<{element}><loc>{escape(base + path)}</loc>{lastmod}</{element}>\n")
    parts.append(f"</{root}>\n")
    return HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")


def w3c_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
