"""JSON-LD for search engines: NewsArticle and BreadcrumbList (schema.org)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from atlas.publishing.models import Post, Publication


def for_article(publication: Publication, post: Post, context: dict[str, Any]) -> list[dict]:
    url = publication.absolute(post.get_absolute_url())
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "headline": post.title[:110],
        "description": post.seo_description or post.subtitle,
        "url": url,
        "mainEntityOfPage": context["canonical_url"],
        "datePublished": post.published_at.isoformat() if post.published_at else None,
        "dateModified": post.date_modified.isoformat() if post.date_modified else None,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": publication.absolute(author.get_absolute_url()),
            }
            for author in context["authors"]
        ],
        "publisher": {"@type": "NewsMediaOrganization", "name": publication.name},
        "keywords": [tag.name for tag in context["tags"]],
        "wordCount": post.word_count,
        "isAccessibleForFree": post.visibility == Post.Visibility.PUBLIC,
        "inLanguage": publication.language,
    }
    if post.visibility != Post.Visibility.PUBLIC:
        article["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paywall",
        }
    if publication.logo:
        article["publisher"]["logo"] = {
            "@type": "ImageObject",
            "url": publication.absolute(publication.logo.url),
        }
    image = feature_image_url(post, "1600")
    if image:
        article["image"] = [publication.absolute(image)]
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            _crumb(1, publication.name, publication.absolute(reverse("publishing:home"))),
            _crumb(2, "Posts", publication.absolute(reverse("publishing:archive"))),
            _crumb(3, post.title, url),
        ],
    }
    return [{key: value for key, value in article.items() if value is not None}, breadcrumbs]


def _crumb(position: int, name: str, url: str) -> dict[str, Any]:
    return {"@type": "ListItem", "position": position, "name": name, "item": url}


def feature_image_url(post: Post, preferred_width: str) -> str | None:
    """The URL of the rendition closest to (not above) `preferred_width`, else the original."""
    from django.core.files.storage import default_storage

    widths = post.feature_image_renditions.get("widths") or {}
    if widths:
        fitting = [w for w in widths if int(w) <= int(preferred_width)] or list(widths)
        return default_storage.url(widths[max(fitting, key=int)])
    if post.feature_image:
        return post.feature_image.url
    return None
