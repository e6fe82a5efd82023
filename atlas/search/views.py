"""/search/: the reader's search page, its RSS feed and the OpenSearch description."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_safe

from atlas.lib.http import client_ip
from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import Author, Post, Tag
from atlas.runtime.ratelimit import Limit, hit
from atlas.search.query import MAX_QUERY_LENGTH
from atlas.search.services import Filters, search

SEARCH_LIMIT = Limit(hits=60, seconds=60)


def _date(value: str) -> Any:
    try:
        return parse_date(value[:10])
    except ValueError:
        return None


def _filters(request: HttpRequest) -> Filters:
    tag_slug, author_slug = request.GET.get("tag", ""), request.GET.get("author", "")
    return Filters(
        tag=Tag.objects.filter(slug=tag_slug[:80]).first() if tag_slug else None,
        author=Author.objects.filter(slug=author_slug[:120]).first() if author_slug else None,
        since=_date(request.GET.get("from", "")),
        until=_date(request.GET.get("to", "")),
    )


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 4 else 1


def _uncached(response: HttpResponse) -> HttpResponse:
    """Results depend on the query and on who asks: never stored by the page cache."""
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").replace("\x00", "")[: MAX_QUERY_LENGTH * 2]
    if text.strip() and not hit("search:ip", client_ip(request), SEARCH_LIMIT):
        response = render(request, "search/limited.html", {"q": text}, status=429)
        response["Retry-After"] = str(SEARCH_LIMIT.seconds)
        return _uncached(response)
    filters = _filters(request)
    newest = request.GET.get("sort") == "newest"
    found = search(request, text, filters, newest=newest, page=_page_number(request))
    context = {
        "q": text,
        "found": found,
        "filters": filters,
        "newest": newest,
        "tags": Tag.objects.all(),
        "authors": Author.objects.all(),
        "from": request.GET.get("from", "")[:10],
        "to": request.GET.get("to", "")[:10],
    }
    return _uncached(render(request, "search/search.html", context))


class SearchFeed(Feed):
    """RSS of a saved search: the newest published posts that match, title and excerpt."""

    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.request = request
        return request.GET.get("q", "").replace("\x00", "")[:MAX_QUERY_LENGTH]

    def title(self, text: str) -> str:
        return f"{current_publication(self.request).name}: {text}"

    def link(self, text: str) -> str:
        return reverse("search:search")

    def description(self, text: str) -> str:
        return f"Posts matching “{text}”."

    def items(self, text: str) -> list[Post]:
        if not hit("search:ip", client_ip(self.request), SEARCH_LIMIT):
            return []
        return [result.post for result in search(self.request, text, newest=True).results]

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.excerpt

    def item_pubdate(self, post: Post) -> Any:
        return post.published_at


def search_feed(request: HttpRequest) -> HttpResponse:
    return _uncached(SearchFeed()(request))


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    publication = current_publication(request)
    search_url = publication.absolute(reverse("search:search"))
    context = {"publication": publication, "search_url": search_url}
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
