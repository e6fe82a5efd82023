"""sitemap.xml lists exactly the published posts, and the public pages around them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

from django.test import Client
from django.utils import timezone

from atlas.publishing.models import Post

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_exactly_the_published_posts(
    client: Client, make_post: Any, tag: Any
) -> None:
    published = [make_post(tags=[tag]) for _ in range(4)]
    make_post(status=Post.Status.DRAFT, published_at=None)
    make_post(status=Post.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    make_post(status=Post.Status.ARCHIVED)
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = [element.text for element in root.findall("sm:url/sm:loc", NS)]
    post_urls = {url for url in locations if "/posts/" in url and not url.endswith("/posts/")}
    assert post_urls == {f"http://127.0.0.1:8000{post.get_absolute_url()}" for post in published}
    assert "http://127.0.0.1:8000/tags/trade/" in locations
    assert "http://127.0.0.1:8000/" in locations
    assert all(element.text for element in root.findall("sm:url/sm:lastmod", NS))
