"""Public pages: conditional GETs, shared-cache headers, no cookies, 404s instead of 500s."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from atlas.publishing import services, views
from atlas.publishing.models import Post, Publication

PUBLIC_PATHS = [
    "/",
    "/posts/",
    "/tags/trade/",
    "/authors/ada-reporter/",
    "/corrections/",
    "/feed/",
    "/feed.json",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.fixture
def story(make_post: Any, tag: Any) -> Any:
    return make_post("Harbour strike enters second week", tags=[tag])


@pytest.mark.parametrize("path", [*PUBLIC_PATHS, "article"])
def test_anonymous_reader_gets_no_cookie_and_shareable_headers(
    client: Client, story: Any, path: str
) -> None:
    response = client.get(story.get_absolute_url() if path == "article" else path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "public" in response["Cache-Control"]
    assert response.has_header("ETag")


def test_etag_revalidation_answers_304(client: Client, story: Any) -> None:
    first = client.get(story.get_absolute_url())
    again = client.get(story.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_signed_in_readers_page_is_never_answered_304(
    story: Any, subscriber_client: Client
) -> None:
    """What they see changes with them (access bought or ended, comments), not only with the
    post: no Last-Modified to revalidate by, and no ETag (its CSRF token is masked afresh in
    every response, so an ETag could never match)."""
    first = subscriber_client.get(story.get_absolute_url())
    assert "csrfmiddlewaretoken" in first.text and "private" in first["Cache-Control"]
    assert not first.has_header("ETag") and not first.has_header("Last-Modified")
    anonymous = Client().get(story.get_absolute_url())
    again = subscriber_client.get(
        story.get_absolute_url(), headers={"If-Modified-Since": anonymous["Last-Modified"]}
    )
    assert again.status_code == 200 and "csrfmiddlewaretoken" in again.text


def test_last_modified_revalidation_answers_304(client: Client, story: Any) -> None:
    first = client.get(story.get_absolute_url())
    again = client.get(
        story.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": 'not-quoted, "x'},
        {"If-None-Match": "\x00\x01"},
        {"If-Modified-Since": "yesterday-ish"},
        {"If-Modified-Since": "Sun, 99 Foo 99999 99:99:99 GMT"},
        {"If-Unmodified-Since": "garbage"},
        {"If-Match": '"nope"'},
    ],
)
def test_malformed_conditional_headers_do_not_break_pages(
    client: Client, story: Any, headers: dict[str, str]
) -> None:
    response = client.get(story.get_absolute_url(), headers=headers)
    assert response.status_code in (200, 412)


def test_changed_page_gets_a_new_etag(client: Client, story: Any) -> None:

    etag = client.get(story.get_absolute_url())["ETag"]
    story.body = "A rewritten first paragraph."
    services.save_post(story)
    response = client.get(story.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert b"A rewritten first paragraph." in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/?page=abc",
        "/?page=0",
        "/?page=-1",
        "/?page=999",
        "/posts/?page=1e3",
        "/tags/none/",
        "/authors/nobody/",
        "/posts/missing/",
        "/tags/none/feed/",
        "/authors/nobody/feed.json",
        "/nowhere/",
        "/posts/%F0%9F%92%A5/",
        "/corrections/?page=x",
    ],
)
def test_unknown_pages_are_404_not_500(client: Client, story: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"We could not find that page" in response.content or path.endswith(("feed/", ".json"))


def test_signed_in_staff_get_private_pages(editor_client: Client, story: Any) -> None:
    response = editor_client.get(story.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_robots_points_at_the_sitemap(client: Client, db: Any) -> None:
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_post_to_a_public_page_is_refused(client: Client, story: Any) -> None:
    assert client.post(story.get_absolute_url()).status_code in (403, 405)


def test_server_error_page_is_in_the_site_style(client: Client, db: Any, monkeypatch: Any) -> None:

    def broken() -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views, "listed_posts", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"database on fire" not in response.content


def test_dates_read_in_the_publications_time_zone(client: Client, make_post: Any) -> None:

    publication = Publication.current()
    publication.timezone = "Pacific/Auckland"
    publication.save()
    post = make_post("Late-night vote")
    Post.objects.filter(pk=post.pk).update(
        published_at=datetime(2026, 3, 1, 20, 30, tzinfo=ZoneInfo("UTC"))
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert ">2 March 2026</time>" in html  # 09:30 the next day in Auckland
