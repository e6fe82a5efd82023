"""The sitemap index and its sitemaps list exactly what readers can reach, every post of it."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.publishing import sitemaps
from atlas.publishing.models import Post

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "http://127.0.0.1:8000"


def sitemap_addresses(client: Client) -> list[str]:
    """Every sitemap the index names."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return [element.text or "" for element in root.findall("sm:sitemap/sm:loc", NS)]


def listed_urls(client: Client, address: str) -> list[str]:
    parts = urlsplit(address)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, address
    root = ElementTree.fromstring(response.content)
    return [element.text or "" for element in root.findall("sm:url/sm:loc", NS)]


def every_listed_url(client: Client) -> list[str]:
    return [url for address in sitemap_addresses(client) for url in listed_urls(client, address)]


def test_sitemaps_list_exactly_the_published_posts(
    client: Client, make_post: Any, tag: Any
) -> None:
    published = [make_post(tags=[tag]) for _ in range(4)]
    make_post(status=Post.Status.DRAFT, published_at=None)
    make_post(status=Post.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=1))
    make_post(status=Post.Status.ARCHIVED)
    locations = every_listed_url(client)
    post_urls = {url for url in locations if "/posts/" in url and not url.endswith("/posts/")}
    assert post_urls == {f"{SITE}{post.get_absolute_url()}" for post in published}
    assert len(locations) == len(set(locations))
    assert f"{SITE}/tags/trade/" in locations
    assert f"{SITE}/authors/ada-reporter/" in locations
    assert f"{SITE}/" in locations


def test_every_post_is_listed_across_id_ranges(
    client: Client, make_post: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "POSTS_PER_SITEMAP", 3)
    posts = [make_post() for _ in range(12)]
    hidden = posts[3:9]  # at least one whole range of ids holds no published post
    Post.objects.filter(pk__in=[post.pk for post in hidden]).update(status=Post.Status.DRAFT)
    addresses = sitemap_addresses(client)
    post_pages = [address for address in addresses if "sitemap-posts.xml" in address]
    first, last = min(post.pk for post in posts) // 3 + 1, max(post.pk for post in posts) // 3 + 1
    assert post_pages == [f"{SITE}/sitemap-posts.xml?p={page}" for page in range(first, last + 1)]
    listed = [url for address in post_pages for url in listed_urls(client, address)]
    assert sorted(listed) == sorted(
        f"{SITE}{post.get_absolute_url()}" for post in posts if post not in hidden
    )
    assert client.get(f"/sitemap-posts.xml?p={last + 1}").status_code == 404


def test_posts_carry_the_day_of_their_last_change(client: Client, make_post: Any) -> None:
    post = make_post()
    post.content_modified_at = timezone.now() + timedelta(days=3)
    post.save()
    page = ElementTree.fromstring(client.get("/sitemap-posts.xml?p=1").content)
    expected = post.content_modified_at.astimezone(UTC).date().isoformat()
    assert page.findtext("sm:url/sm:lastmod", namespaces=NS) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/sitemap-posts.xml?p=0",
        "/sitemap-posts.xml?p=abc",
        "/sitemap-posts.xml?p=999",
        "/sitemap-tags.xml?p=2",
        "/sitemap-nothing.xml",
    ],
)
def test_unknown_sitemap_pages_are_404(client: Client, make_post: Any, path: str) -> None:
    make_post()
    assert client.get(path).status_code == 404


def test_a_post_sitemap_page_costs_one_query_whatever_the_size(
    client: Client, make_post: Any
) -> None:
    for _ in range(5):
        make_post()
    client.get("/sitemap-posts.xml?p=1")  # the process holds the publication from here on
    with CaptureQueriesContext(connection) as context:
        assert client.get("/sitemap-posts.xml?p=1").status_code == 200
    statements = [query["sql"] for query in context.captured_queries]
    assert len(statements) == 1
    assert "OFFSET" not in statements[0].upper() and "COUNT(" not in statements[0].upper()


def test_a_post_sitemap_page_reads_its_range_of_ids_without_statistics(make_post: Any) -> None:
    """SQLite with no ANALYZE run: the page reads the primary key's range in order, not the
    (status, published_at) index of every published post and a sort."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query planner")
    make_post()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
        assert cursor.fetchall() == []  # no statistics
    plan = sitemaps.post_rows(1).explain()
    outer = plan.splitlines()[0]
    assert "publishing_post USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in outer, plan
    assert "TEMP B-TREE" not in plan and "status" not in plan, plan
