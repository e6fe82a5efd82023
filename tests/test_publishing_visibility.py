"""Drafts, scheduled and archived posts never reach readers, on any surface."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.publishing import services
from atlas.publishing.models import Post

SURFACES = [
    "/",
    "/posts/",
    "/tags/trade/",
    "/authors/ada-reporter/",
    "/feed/",
    "/feed/atom/",
    "/feed.json",
    "/tags/trade/feed/",
    "/tags/trade/feed/atom/",
    "/tags/trade/feed.json",
    "/authors/ada-reporter/feed/",
    "/authors/ada-reporter/feed.json",
    "/sitemap.xml",
    "/corrections/",
]


@pytest.fixture
def hidden_posts(make_post: Any, tag: Any) -> list[Post]:
    future = timezone.now() + timedelta(days=2)
    draft = make_post("Secret draft zebra", status=Post.Status.DRAFT, published_at=None, tags=[tag])
    scheduled = make_post(
        "Secret scheduled yak", status=Post.Status.SCHEDULED, published_at=future, tags=[tag]
    )
    archived = make_post("Secret archived gnu", status=Post.Status.ARCHIVED, tags=[tag])
    for post in (draft, scheduled, archived):
        services.add_correction(post, f"Correction text for {post.slug}.")
    return [draft, scheduled, archived]


@pytest.fixture
def visible_post(make_post: Any, tag: Any) -> Post:
    post = make_post("Visible okapi report", tags=[tag])
    services.add_correction(post, "Correction text for the visible okapi.")
    return post


@pytest.mark.parametrize("path", SURFACES)
def test_hidden_posts_never_appear(
    client: Client, path: str, hidden_posts: list[Post], visible_post: Post
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    if path != "/sitemap.xml" and path != "/corrections/":
        assert "Visible okapi report" in content
    if path == "/corrections/":
        assert "visible okapi" in content
    for post in hidden_posts:
        assert post.title not in content
        assert post.slug not in content


def test_hidden_posts_are_404_by_address(client: Client, hidden_posts: list[Post]) -> None:
    for post in hidden_posts:
        assert client.get(f"/posts/{post.slug}/").status_code == 404


def test_published_with_future_date_is_not_visible(client: Client, make_post: Any) -> None:
    post = make_post("Embargoed ibis")
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(f"/posts/{post.slug}/").status_code == 404
    assert "Embargoed ibis" not in client.get("/").content.decode()


def test_saving_published_with_future_date_schedules_it(make_post: Any) -> None:
    post = make_post("Tomorrow's story", published_at=timezone.now() + timedelta(days=1))
    assert post.status == Post.Status.SCHEDULED
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_json_feed_lists_only_published(
    client: Client, hidden_posts: list[Post], visible_post: Post
) -> None:
    feed = json.loads(client.get("/feed.json").content)
    assert [item["title"] for item in feed["items"]] == ["Visible okapi report"]
