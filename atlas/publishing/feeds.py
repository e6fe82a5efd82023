"""RSS 2.0, Atom and JSON Feed 1.1: site-wide, per tag and per author."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.views.decorators.http import require_safe

from atlas.publishing.http import public_page
from atlas.publishing.models import Author, Post, Publication, Tag
from atlas.publishing.structured_data import feature_image_url

FEED_LENGTH = 20


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 carrying the full article in content:encoded."""

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


def feed_posts(scope: Tag | Author | None) -> QuerySet[Post]:
    posts = (
        Post.objects.published()
        .articles()
        .newest_first()
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("postauthor__position")),
            "tags",
            "corrections",
        )
    )
    if isinstance(scope, Tag):
        posts = posts.filter(tags=scope)
    elif isinstance(scope, Author):
        posts = posts.filter(authors=scope)
    return posts[:FEED_LENGTH]


def item_content(post: Post, publication: Publication) -> str:
    """The article as feeds carry it: the body, then its corrections and updates.

    Feeds are anonymous: a post for members carries its excerpt and a link, never its body.
    """
    return render_to_string("publishing/feed_item.html", {"post": post, "publication": publication})


def scope_title(publication: Publication, scope: Tag | Author | None) -> str:
    return f"{publication.name}: {scope.name}" if scope else publication.name


def scope_path(scope: Tag | Author | None) -> str:
    return scope.get_absolute_url() if scope else reverse("publishing:home")


class PostsFeed(Feed):
    feed_type: type[SyndicationFeed] = RssWithContent
    scope_model: type[Tag] | type[Author] | None = None

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return public_page(super().__call__)(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Any:
        self.publication = Publication.current()
        if self.scope_model is None:
            return None
        return get_object_or_404(self.scope_model, slug=slug)

    def title(self, scope: Any) -> str:
        return scope_title(self.publication, scope)

    def link(self, scope: Any) -> str:
        return self.publication.absolute(scope_path(scope))

    def description(self, scope: Any) -> str:
        return getattr(scope, "description", "") or self.publication.description

    def feed_url(self, scope: Any) -> str | None:
        return None

    @property  # Django reads `language` as an attribute, never calls it with the scope
    def language(self) -> str:  # type: ignore[override]
        return self.publication.language

    def items(self, scope: Any) -> QuerySet[Post]:
        return feed_posts(scope)

    def item_title(self, post: Post) -> str:
        return post.title

    def item_description(self, post: Post) -> str:
        return post.excerpt or post.title

    def item_link(self, post: Post) -> str:
        return self.publication.absolute(post.get_absolute_url())

    def item_guid(self, post: Post) -> str:
        return self.item_link(post)

    def item_pubdate(self, post: Post) -> Any:
        return post.published_at

    def item_updateddate(self, post: Post) -> Any:
        return post.date_modified

    def item_author_name(self, post: Post) -> str:
        return ", ".join(author.name for author in post.authors.all())

    def item_categories(self, post: Post) -> list[str]:
        return [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post: Post) -> dict[str, Any]:
        return {"content_html": item_content(post, self.publication)}


class AtomPostsFeed(PostsFeed):
    feed_type = AtomWithContent
    subtitle = PostsFeed.description


class TagFeed(PostsFeed):
    scope_model = Tag


class TagAtomFeed(AtomPostsFeed):
    scope_model = Tag


class AuthorFeed(PostsFeed):
    scope_model = Author


class AuthorAtomFeed(AtomPostsFeed):
    scope_model = Author


@require_safe
@public_page
def json_feed(request: HttpRequest, kind: str = "", slug: str = "") -> HttpResponse:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    publication = Publication.current()
    scope: Tag | Author | None = None
    if kind == "tag":
        scope = get_object_or_404(Tag, slug=slug)
    elif kind == "author":
        scope = get_object_or_404(Author, slug=slug)
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": scope_title(publication, scope),
        "home_page_url": publication.absolute(scope_path(scope)),
        "feed_url": publication.absolute(request.path),
        "description": getattr(scope, "description", "") or publication.description,
        "language": publication.language,
        "items": [json_feed_item(publication, post) for post in feed_posts(scope)],
    }
    if publication.logo:
        feed["icon"] = publication.absolute(publication.logo.url)
    return HttpResponse(
        json.dumps(feed, ensure_ascii=False, indent=1),
        content_type="application/feed+json; charset=utf-8",
    )


def json_feed_item(publication: Publication, post: Post) -> dict[str, Any]:
    url = publication.absolute(post.get_absolute_url())
    item: dict[str, Any] = {
        "id": url,
        "url": url,
        "title": post.title,
        "content_html": item_content(post, publication),
        "summary": post.excerpt,
        "date_published": post.published_at.isoformat() if post.published_at else None,
        "date_modified": post.date_modified.isoformat(),
        "authors": [
            {"name": author.name, "url": publication.absolute(author.get_absolute_url())}
            for author in post.authors.all()
        ],
        "tags": [tag.name for tag in post.tags.all()],
        "language": publication.language,
    }
    image = feature_image_url(post, "1600")
    if image:
        item["image"] = publication.absolute(image)
    return item
