"""Hot pages cost the same number of queries with 3 posts or 30."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from atlas.publishing import services
from atlas.publishing.models import Author, Tag


def count_queries(client: Client, path: str) -> int:
    """Queries of a request once the process holds what every page needs (the publication,
    the day's sponsors: read again only when they change)."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def add_posts(make_post: Any, number: int, tags: list[Tag], authors: list[Author]) -> list[Any]:
    posts = [make_post(tags=tags, authors=authors) for _ in range(number)]
    for post in posts:
        services.add_correction(post, "A fix.")
    return posts


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/posts/",
        "/tags/trade/",
        "/authors/ada-reporter/",
        "/feed/",
        "/feed.json",
        "/sitemap.xml",
        "/corrections/",
    ],
)
def test_listing_queries_do_not_grow_with_posts(
    client: Client, make_post: Any, tag: Tag, byline: Author, path: str
) -> None:
    second_author = Author.objects.create(name="Second", slug="second")
    add_posts(make_post, 3, [tag], [byline, second_author])
    few = count_queries(client, path)
    add_posts(make_post, 27, [tag], [byline, second_author])
    assert count_queries(client, path) == few


def test_article_page_queries_are_constant(
    client: Client, make_post: Any, tag: Tag, byline: Author
) -> None:
    small = make_post("Short one", tags=[tag])
    services.add_correction(small, "One fix.")
    big = make_post("Busy one", tags=[tag, Tag.objects.create(name="B", slug="b")])
    for number in range(6):
        services.add_correction(big, f"Fix {number}.")
    corrected = count_queries(client, big.get_absolute_url())
    assert count_queries(client, small.get_absolute_url()) == corrected
    assert corrected <= 6  # 4 for the article, 2 for its discussion


def test_an_article_never_corrected_skips_the_corrections_query(
    client: Client, make_post: Any, tag: Tag
) -> None:
    plain = make_post("Never corrected", tags=[tag])
    corrected = make_post("Corrected", tags=[tag])
    services.add_correction(corrected, "A fix.")
    assert count_queries(client, plain.get_absolute_url()) == (
        count_queries(client, corrected.get_absolute_url()) - 1
    )
    assert b"A fix." in client.get(corrected.get_absolute_url()).content
