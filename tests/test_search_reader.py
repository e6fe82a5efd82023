"""The reader's search: what it finds, what it never shows, and input that must not break it.
Runs on SQLite, and on PostgreSQL with DATABASE_URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlas.publishing import services
from atlas.publishing.models import Post, Tag
from atlas.runtime.ratelimit import Limit
from atlas.search import views
from atlas.search.query import parse
from tests.factories import client_for, visitor

SECRET = "zanzibarquokka"
GATED_BODY = f"The {SECRET} ledger shows the harbour fund was moved twice.\n\nMore detail here."


def results(client: Client, text: str, **params: str) -> str:
    response = client.get("/search/", {"q": text, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def gated(make_post: Any) -> Post:
    return make_post(
        "Harbour fund audit",
        subtitle="What the auditors asked about the harbour fund.",
        body=GATED_BODY,
        visibility=Post.Visibility.MEMBERS,
    )


def test_a_published_post_is_found_by_a_word_of_its_body_with_the_word_marked(
    make_post: Any,
) -> None:
    make_post("Council budget", body="The council debated the dredging contract at length.")
    page = results(visitor(), "dredging")
    assert "Council budget" in page
    assert "<mark>dredging</mark>" in page


def test_drafts_and_scheduled_posts_are_never_found_by_readers(make_post: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    make_post("Draft about pelicans", status=Post.Status.DRAFT, published_at=None)
    make_post(
        "Scheduled pelicans",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    page = results(visitor(), "pelicans")
    assert "Draft about pelicans" not in page and "Scheduled pelicans" not in page
    assert "No results" in page


def test_a_gated_post_is_found_by_its_title_but_never_by_or_with_its_body(gated: Post) -> None:
    anonymous = visitor()
    assert "Harbour fund audit" in results(anonymous, "harbour fund")
    assert SECRET not in results(anonymous, "harbour fund")
    assert "Harbour fund audit" not in results(anonymous, SECRET)
    assert "Harbour fund audit" not in results(anonymous, f'"{SECRET} ledger"')
    assert SECRET not in visitor().get("/search/feed/", {"q": "harbour"}).content.decode()


def test_a_member_finds_a_members_post_by_its_body(gated: Post, subscriber: Any) -> None:
    page = results(client_for(subscriber), SECRET)
    assert "Harbour fund audit" in page
    assert f"<mark>{SECRET}</mark>" in page


def test_the_index_follows_edits_unpublishing_visibility_and_deletion(make_post: Any) -> None:
    post = make_post("Ferry timetable", body="Nothing about boats.")
    anonymous = visitor()
    post.body = "The new catamaran sails at dawn."
    services.save_post(post)
    assert "Ferry timetable" in results(anonymous, "catamaran")
    post.visibility = Post.Visibility.PAID
    services.save_post(post)
    assert "Ferry timetable" not in results(anonymous, "catamaran")
    assert "Ferry timetable" in results(anonymous, "ferry")
    post.status = Post.Status.DRAFT
    services.save_post(post)
    assert "Ferry timetable" not in results(anonymous, "ferry")
    post.delete()
    assert "Ferry timetable" not in results(anonymous, "ferry")


def test_tags_are_searchable_and_filter_results(make_post: Any, tag: Tag) -> None:
    make_post("Port deal signed", body="A deal at the port.", tags=[tag])
    make_post("Port parking", body="Parking at the port.")
    assert "Port deal signed" in results(visitor(), "trade")
    page = results(visitor(), "port", tag="trade")
    assert "Port deal signed" in page and "Port parking" not in page


def test_phrases_or_and_exclusion(make_post: Any) -> None:
    make_post("Red boat", body="A red boat in the bay.")
    make_post("Blue boat", body="A blue boat near the red lighthouse.")
    anonymous = visitor()
    assert "Blue boat" not in results(anonymous, '"red boat"')
    assert "Blue boat" not in results(anonymous, "boat -lighthouse")
    both = results(anonymous, "bay OR lighthouse")
    assert "Red boat" in both and "Blue boat" in both


def test_newest_order_and_pagination(make_post: Any) -> None:
    for number in range(12):
        make_post(f"Tide report {number}", body="High tide at noon.")
    first = results(visitor(), "tide", sort="newest")
    assert first.index("Tide report 0") < first.index("Tide report 1")
    assert "Page 1 of 2" in first
    assert "Tide report 11" in results(visitor(), "tide", sort="newest", page="2")


def test_did_you_mean_suggests_a_known_word(make_post: Any) -> None:
    make_post("Lighthouse keeper retires", body="The lighthouse will be automated.")
    page = results(visitor(), "lighthuose")
    assert "Did you mean" in page and "lighthouse" in page


@pytest.mark.parametrize(
    "text",
    [
        '"', '""', '"unterminated phrase', "OR", "OR OR -", "-", "- -x", "NOT AND NEAR(a b)",
        "title:x", "{title}: x", "a*", "^start", "(((", "a\x00b", "\x00", "x" * 10_000,
        "word " * 2_000, "é ü 日本語 🙂", "'; DROP TABLE publishing_post; --", "%", "%s %(x)s",
        "-onlyexcluded", "a OR", "OR b", "_ __", "ñandú",
    ],
)  # fmt: skip
def test_hostile_queries_never_fail(make_post: Any, text: str) -> None:
    make_post("Anything", body="Some words to find.")
    response = visitor().get("/search/", {"q": text, "page": "x", "from": "2020-99-99"})
    assert response.status_code == 200
    assert visitor().get("/search/feed/", {"q": text}).status_code == 200


def test_the_query_language_is_written_safely_for_fts5() -> None:
    assert parse('a "b c" OR e -d').to_fts5() == '(("a") AND ("b c" OR "e")) NOT "d"'
    assert parse("-d OR e").to_fts5() == '(("e")) NOT "d"'
    assert parse("x OR y z").to_fts5() == '("x" OR "y") AND ("z")'
    assert parse("\"'").to_fts5() == ""


def test_search_pages_are_not_cached_and_are_rate_limited(make_post: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "SEARCH_LIMIT", Limit(hits=3, seconds=3600))
    make_post("Limits", body="Some words.")
    anonymous = visitor()
    response = anonymous.get("/search/", {"q": "words"})
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    for _ in range(2):
        assert anonymous.get("/search/", {"q": "words"}).status_code == 200
    assert anonymous.get("/search/", {"q": "words"}).status_code == 429


def test_the_header_has_the_search_field_and_pages_link_the_opensearch_description(
    make_post: Any,
) -> None:
    post = make_post("Opening", body="Words.")
    page = visitor().get(post.get_absolute_url()).content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page
    assert 'rel="search" type="application/opensearchdescription+xml"' in page
    description = visitor().get("/search/opensearch.xml")
    assert description["Content-Type"].startswith("application/opensearchdescription+xml")
    assert b"/search/?q={searchTerms}" in description.content
