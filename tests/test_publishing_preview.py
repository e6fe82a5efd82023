"""Staff preview the real page; a signed link lets a reviewer without an account see a draft."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from atlas.publishing.models import Post
from atlas.publishing.views import preview_url


@pytest.fixture
def draft(make_post: Any) -> Post:
    return make_post(
        "Unpublished investigation",
        status=Post.Status.DRAFT,
        published_at=None,
        body="Draft body text.",
    )


def test_signed_link_shows_the_draft_without_an_account(client: Client, draft: Post) -> None:
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft body text." in html and "Readers cannot see this page yet" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_a_draft_without_a_date_has_no_dangling_separator(client: Client, draft: Post) -> None:
    html = client.get(preview_url(draft)).content.decode()
    meta = re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)
    assert meta.strip().startswith("1 min read")


def test_tampered_link_is_refused(client: Client, draft: Post) -> None:
    url = preview_url(draft)
    tampered = url[:-3] + ("aaa" if not url.endswith("aaa/") else "bbb") + "/"
    assert client.get(tampered.replace("//", "/")).status_code == 404


def test_expired_link_is_refused(client: Client, draft: Post, settings: Any) -> None:
    url = preview_url(draft)
    with time_machine.travel(timedelta(seconds=settings.ATLAS_PREVIEW_MAX_AGE + 60)):
        assert client.get(url).status_code == 404


def test_staff_preview_needs_staff(client: Client, editor_client: Client, draft: Post) -> None:
    url = f"/admin/publishing/post/{draft.pk}/preview/"
    assert client.get(url).status_code == 302
    assert b"Draft body text." in editor_client.get(url).content


def test_admin_offers_the_shareable_link(editor_client: Client, draft: Post) -> None:
    html = editor_client.get(f"/admin/publishing/post/{draft.pk}/change/").content.decode()
    assert "/preview/" in html and "Open preview" in html
