"""Addresses: unique, unicode-safe, and stable once published."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from atlas.publishing.models import Post


def test_same_title_gets_distinct_slugs(make_post: Any) -> None:
    slugs = [make_post("Budget day").slug for _ in range(3)]
    assert slugs == ["budget-day", "budget-day-2", "budget-day-3"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Zürich élection: résultats", "zürich-élection-résultats"),
        ("東京の予算", "東京の予算"),
        ("!!!", "post"),
    ],
)
def test_unicode_titles_make_readable_addresses(
    client: Client, make_post: Any, title: str, slug: str
) -> None:
    post = make_post(title)
    assert post.slug == slug
    assert client.get(post.get_absolute_url()).status_code == 200


def test_slug_is_fixed_once_published(make_post: Any) -> None:
    post = make_post("Fixed address")
    post.slug = "another-address"
    with pytest.raises(ValidationError):
        post.full_clean()


def test_draft_slug_may_change(make_post: Any) -> None:
    post = make_post("Draft address", status=Post.Status.DRAFT, published_at=None)
    post.slug = "better-address"
    post.full_clean()
