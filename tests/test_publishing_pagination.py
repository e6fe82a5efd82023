"""List pages go older and newer from a cursor: every post once, in order, no counting."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.lib.keyset import Cursor
from atlas.publishing.models import Author, Post, Tag

OLDER = re.compile(r'href="\?older=([^"]+)"')
NEWER = re.compile(r'href="\?newer=([^"]+)"')
TITLE = re.compile(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>')


@pytest.fixture
def small_pages(settings: Any) -> None:
    settings.ATLAS_POSTS_PER_PAGE = 3


def page(client: Client, path: str) -> tuple[list[str], str | None, str | None]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    older, newer = OLDER.search(html), NEWER.search(html)
    return TITLE.findall(html), older and older.group(1), newer and newer.group(1)


def walk_older(client: Client, base: str) -> list[list[str]]:
    pages, path = [], base
    while True:
        titles, older, _ = page(client, path)
        pages.append(titles)
        if older is None:
            return pages
        path = f"{base}?older={older}"


@pytest.mark.usefixtures("small_pages")
def test_older_links_reach_every_post_once_and_newer_links_come_back(
    client: Client, make_post: Any
) -> None:
    posts = [make_post(f"Story {number:02}") for number in range(8)]  # newest first
    same_moment = timezone.now() - timedelta(minutes=30)
    Post.objects.filter(pk__in=[posts[1].pk, posts[2].pk, posts[3].pk]).update(
        published_at=same_moment
    )  # a tie across a page boundary is settled by id
    pages = walk_older(client, "/posts/")
    assert [len(titles) for titles in pages] == [3, 3, 2]
    expected = [post.title for post in Post.objects.published().newest_first()]
    assert [title for titles in pages for title in titles] == expected

    _, older, newer = page(client, "/posts/")
    assert newer is None
    middle, older_again, newer = page(client, f"/posts/?older={older}")
    assert middle == pages[1] and newer is not None
    _, _, newer_from_last = page(client, f"/posts/?older={older_again}")
    assert page(client, f"/posts/?newer={newer_from_last}")[0] == middle
    first, _, none = page(client, f"/posts/?newer={newer}")
    assert first == pages[0] and none is None


@pytest.mark.usefixtures("small_pages")
def test_tag_and_author_pages_walk_only_their_own_posts(
    client: Client, make_post: Any, tag: Tag, byline: Author
) -> None:
    other = Author.objects.create(name="Other", slug="other")
    tagged = [make_post(f"Tagged {number}", tags=[tag]) for number in range(5)]
    for number in range(4):
        make_post(f"Untagged {number}", authors=[other])
    tag_titles = [title for titles in walk_older(client, "/tags/trade/") for title in titles]
    assert tag_titles == [post.title for post in tagged]
    author_titles = [title for titles in walk_older(client, "/authors/other/") for title in titles]
    assert author_titles == [f"Untagged {number}" for number in range(4)]


@pytest.mark.usefixtures("small_pages")
def test_home_says_latest_only_on_the_first_page(client: Client, make_post: Any) -> None:
    for _ in range(4):
        make_post()
    first = client.get("/").content.decode()
    assert ">Latest<" in first
    older = OLDER.search(first)
    assert older is not None
    assert ">Older posts<" in client.get(f"/?older={older.group(1)}").content.decode()


@pytest.mark.usefixtures("small_pages")
def test_old_page_numbers_lead_to_the_same_posts(client: Client, make_post: Any) -> None:
    posts = [make_post() for _ in range(8)]
    assert client.get("/posts/?page=1").headers["Location"] == "/posts/"
    response = client.get("/posts/?page=2")
    assert response.status_code == 302  # page 2 moves on as posts are published
    titles, _, _ = page(client, response.headers["Location"])
    assert titles == [post.title for post in posts[3:6]]
    assert client.get("/posts/?page=4").status_code == 404
    assert client.get("/posts/?page=99999999999999999999").status_code == 404


@pytest.mark.parametrize("cursor", ["x", "12", "1_", "_1", "1-2", "9" * 25 + "_1", "1_2_3"])
def test_a_cursor_that_is_not_ours_is_404(client: Client, make_post: Any, cursor: str) -> None:
    make_post()
    assert client.get(f"/posts/?older={cursor}").status_code == 404
    assert client.get(f"/?newer={cursor}").status_code == 404


def test_a_cursor_past_the_oldest_post_is_404(client: Client, make_post: Any) -> None:
    oldest = make_post()
    cursor = Cursor(oldest.published_at, oldest.pk)
    assert client.get(f"/posts/?older={cursor}").status_code == 404


@pytest.mark.parametrize("path", ["/", "/posts/", "/tags/trade/", "/authors/ada-reporter/"])
def test_list_pages_neither_count_nor_skip_rows(
    client: Client, make_post: Any, tag: Tag, path: str, settings: Any
) -> None:
    settings.ATLAS_POSTS_PER_PAGE = 2
    for _ in range(5):
        make_post(tags=[tag])
    _, older, _ = page(client, path)
    with CaptureQueriesContext(connection) as context:
        page(client, f"{path}?older={older}")
    statements = " ".join(query["sql"].upper() for query in context.captured_queries)
    assert "COUNT(" not in statements and "OFFSET" not in statements


def test_cursors_keep_microseconds_and_round_trip() -> None:
    moment = timezone.now().replace(microsecond=123457)
    cursor = Cursor(moment, 42)
    assert Cursor.parse(str(cursor)) == cursor
    assert str(cursor).endswith("457_42")
