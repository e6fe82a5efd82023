"""Every save keeps a revision; editors compare and restore; corrections are dated and public."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from atlas.publishing import services
from atlas.publishing.models import Correction, Post, Revision


@pytest.fixture
def story(make_post: Any) -> Post:
    return make_post("Premier seeks a fourth term", body="The premier is seeking a fourth term.")


def test_each_change_keeps_a_revision_with_who_and_what(story: Post, editor: Any) -> None:
    story.body = "The premier is seeking a third term."
    services.save_post(story, editor)
    story.subtitle = "A new standfirst."
    services.save_post(story, editor)
    services.save_post(story, editor)  # nothing changed: no new revision
    revisions = list(story.revisions.order_by("created_at", "pk"))
    assert [revision.changed_fields for revision in revisions] == [
        ["created"],
        ["body"],
        ["subtitle"],
    ]
    assert revisions[1].created_by == editor
    assert revisions[1].body == "The premier is seeking a third term."


def test_editing_a_published_post_changes_date_modified(story: Post) -> None:
    before = story.date_modified
    story.body = "Updated text."
    services.save_post(story)
    assert story.date_modified > before


def test_editor_compares_and_restores_a_revision(
    editor_client: Client, story: Post, editor: Any
) -> None:
    original = story.revisions.get()
    story.body = "The premier is seeking a third term."
    services.save_post(story, editor)
    latest = story.revisions.first()
    diff = editor_client.get(f"/admin/publishing/post/{story.pk}/revisions/{latest.pk}/")
    assert diff.status_code == 200
    page = diff.content.decode()
    text = re.sub(r"<[^>]+>", "", page).replace("&nbsp;", " ")
    assert "seeking a fourth term" in text and "seeking a third term" in text
    assert "<h2>Body</h2>" in page and "Restore this revision" in page
    restored = editor_client.post(f"/admin/publishing/post/{story.pk}/revisions/{original.pk}/")
    assert restored.status_code == 302
    story.refresh_from_db()
    assert story.body == "The premier is seeking a fourth term."
    assert story.revisions.count() == 3
    assert story.revisions.first().note.startswith("Restored the revision")


def test_correction_shows_dated_at_the_end_of_the_article(
    client: Client, story: Post, editor: Any
) -> None:
    correction = services.add_correction(
        story,
        "An earlier version of this article said the premier sought a fourth term.",
        user=editor,
    )
    Correction.objects.filter(pk=correction.pk).update(
        published_at=datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r"Correction, <time[^>]*>29 November 2026</time>:", html)
    assert html.index("An earlier version of this article") > html.index("The premier is seeking")
    article = next(item for item in _json_ld(html) if item["@type"] == "NewsArticle")
    assert article["dateModified"].startswith(correction.published_at.date().isoformat())


def test_corrections_page_lists_newest_first(client: Client, make_post: Any) -> None:
    first, second = make_post("Older story"), make_post("Newer story")
    services.add_correction(first, "First correction.")
    services.add_correction(second, "Second correction.", kind=Correction.Kind.UPDATE)
    html = client.get("/corrections/").content.decode()
    assert html.index("Second correction.") < html.index("First correction.")
    assert "Update</strong>" in html


def test_correction_appears_in_feeds(client: Client, story: Post) -> None:
    services.add_correction(story, "Corrected the term count.")
    assert b"Corrected the term count." in client.get("/feed/").content
    assert b"Corrected the term count." in client.get("/feed.json").content


def test_correction_text_is_sanitized(client: Client, story: Post) -> None:
    services.add_correction(story, "Fixed. <script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and 'href="javascript' not in html


def _json_ld(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def test_revision_history_belongs_to_the_post(story: Post) -> None:
    assert Revision.objects.filter(post=story).count() == 1
