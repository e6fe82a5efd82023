"""sitemap.xml: what readers can reach, and nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite
from django.db.models import QuerySet
from django.urls import reverse

from atlas.publishing.models import Author, Post, Publication, Tag


class PublicationSitemap(Sitemap):
    """Absolute URLs come from the publication's public address, not the request's host."""

    def get_urls(self, page: int | str = 1, site: Any = None, protocol: str | None = None) -> Any:
        base = Publication.current().base_url
        scheme, domain = base.split("://", 1)
        return super().get_urls(page=page, site=_Site(domain), protocol=scheme)


class _Site(RequestSite):
    """The publication's host, where Django's sitemaps expect a site."""

    def __init__(self, domain: str) -> None:
        self.domain = self.name = domain


class PostSitemap(PublicationSitemap):
    changefreq = "daily"

    def items(self) -> QuerySet[Post]:
        return Post.objects.published().only("slug", "published_at", "content_modified_at")

    def lastmod(self, post: Post) -> Any:
        return post.date_modified


class TagSitemap(PublicationSitemap):
    def items(self) -> QuerySet[Tag]:
        return Tag.objects.filter(posts__in=Post.objects.published()).distinct()


class AuthorSitemap(PublicationSitemap):
    def items(self) -> QuerySet[Author]:
        return Author.objects.filter(posts__in=Post.objects.published()).distinct()


class PagesSitemap(PublicationSitemap):
    def items(self) -> list[str]:
        return ["publishing:home", "publishing:archive", "publishing:corrections"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "posts": PostSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
