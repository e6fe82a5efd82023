"""The sitemaps: an index (/sitemap.xml) over small sitemaps that list what readers can reach.

Django's sitemap views page a section with COUNT and OFFSET, at most 50,000 addresses a page
(a publication of 100,000 posts showed half of them). Here posts are paged by ranges of their
id, `POSTS_PER_SITEMAP` ids a page: each page is one range scan of the primary key, the same
cost and memory at any size, and the index names the ranges from the first post's id to the last's
(a range of drafts only is an empty sitemap, which the protocol allows). Each
address carries the day of its last change; the index carries none (finding each range's
latest would read every post). The XML is written directly: a page is thousands of the same
three elements. Anonymous GETs are public pages, kept by the page cache until content changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from atlas.lib.urls import SAFE, url_for, url_with_slug
from atlas.publishing.context_processors import current_publication
from atlas.publishing.http import public_page
from atlas.publishing.models import Author, Post, Tag

POSTS_PER_SITEMAP = 1000  # ids a page of /sitemap-posts.xml (fewer posts: drafts, deletions)
MARK = "atlas-sitemap-slug"
SECTIONS = ("pages", "tags", "authors", "posts")
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"

Entry = tuple[str, datetime | None]  # a path and its last change


def post_ranges() -> list[int]:
    """The pages of posts, numbered from 1: every range of ids from the first post's to the
    last's (the ends of the primary key: two index reads at any size; the published posts'
    own ends would take a sort of all of them)."""
    ids = Post.objects.values_list("pk", flat=True)
    first, last = ids.order_by("pk").first(), ids.order_by("-pk").first()
    if first is None or last is None:
        return []
    return list(range(first // POSTS_PER_SITEMAP + 1, last // POSTS_PER_SITEMAP + 2))


def post_entries(page: int) -> list[Entry]:
    before, after = url_with_slug("publishing:post", MARK).split(MARK)
    return [
        (before + quote(slug, safe=SAFE) + after, modified) for slug, modified in post_rows(page)
    ]


def post_rows(page: int) -> QuerySet[Post, tuple[str, datetime]]:
    """(slug, last change) of the published posts in the page's range of ids, in id order."""
    low = (page - 1) * POSTS_PER_SITEMAP
    changed = Greatest("published_at", Coalesce("content_modified_at", "published_at"))
    # The range is the query's only condition on the table it reads, and whether each post is
    # published is a lookup by its id: SQLite without statistics (no ANALYZE) otherwise took
    # `published()`'s (status, published_at) index for the best path, read every published
    # post's entry and sorted them, whatever the range (x3 from 10,000 posts to 100,000).
    published = Post.objects.published().filter(pk=OuterRef("pk"))
    return (
        Post.objects.filter(Exists(published), pk__gte=low, pk__lt=low + POSTS_PER_SITEMAP)
        .order_by("pk")
        .values_list("slug", changed)
    )


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


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    base = current_publication(request).base_url
    sitemaps: list[Entry] = [(section_path(section), None) for section in SECTIONS[:-1]]
    # One element per page of posts, the one part that grows with the posts: its address is
    # reversed and escaped once, and only the page number changes.
    posts = escape(f"{base}{section_path('posts')}?p=")
    pages = "".join(f"<sitemap><loc>{posts}{page}</loc></sitemap>\n" for page in post_ranges())
    return xml_response("sitemapindex", "sitemap", base, sitemaps, written=pages)


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
    if section == "posts" and not entries and int(page) not in post_ranges():
        raise Http404("No such sitemap page.")
    return xml_response("urlset", "url", current_publication(request).base_url, entries)


def section_path(section: str) -> str:
    return url_with_slug("sitemap_section", section)


def xml_response(
    root: str, element: str, base: str, entries: Iterable[Entry], written: str = ""
) -> HttpResponse:
    """The document of `entries`, then of `written` (elements already written)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n']
    for path, modified in entries:
        lastmod = f"<lastmod>{w3c_date(modified)}</lastmod>" if modified else ""
        parts.append(f"<{element}><loc>{escape(base + path)}</loc>{lastmod}</{element}>\n")
    parts.append(written)
    parts.append(f"</{root}>\n")
    return HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")


def w3c_date(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()
