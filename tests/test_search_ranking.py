"""How the index is asked: bounded candidate sets, newest first by date, public text apart from
gated bodies, and the index filled by its migration. Runs on SQLite, and on PostgreSQL with
DATABASE_URL."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from atlas.publishing.models import Post
from atlas.search import backends
from atlas.search.backends import COUNT_CAP, Scope, backend
from atlas.search.query import parse
from tests.factories import client_for, visitor

SECRET = "quillsecret"


def results(client: Client, text: str, **params: str) -> str:
    response = client.get("/search/", {"q": text, **params})
    assert response.status_code == 200
    return response.content.decode()


def many_posts(count: int, body: str) -> None:
    """Published posts made in one statement (the index's triggers still fire), the first the
    newest."""
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            title=f"Routine item {number}",
            slug=f"routine-{number}",
            body=body,
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number + 1),
        )
        for number in range(count)
    )


def test_newest_first_follows_the_publication_date_not_the_order_of_creation(
    make_post: Any,
) -> None:
    now = timezone.now()
    make_post("Imported estuary story", body="Estuary.", published_at=now - timedelta(days=1))
    make_post("Archived estuary story", body="Estuary.", published_at=now - timedelta(days=900))
    make_post("Fresh estuary story", body="Estuary.", published_at=now - timedelta(minutes=5))
    page = results(visitor(), "estuary", sort="newest")
    fresh, imported = page.index("Fresh estuary"), page.index("Imported estuary")
    assert fresh < imported < page.index("Archived estuary")


def test_an_old_post_with_the_words_in_its_title_competes_with_many_newer_matches(
    make_post: Any,
) -> None:
    make_post(
        "Lagoon dredging plan",
        body="The lagoon plan.",
        published_at=timezone.now() - timedelta(days=3000),
    )
    many_posts(COUNT_CAP + 20, "Each week the lagoon was mentioned once, in passing.")
    page = results(visitor(), "lagoon")
    assert "Lagoon dredging plan" in page.split("Routine item")[0]  # the first result
    assert f"More than {COUNT_CAP - 1}" in page
    newest = results(visitor(), "lagoon", sort="newest")
    assert newest.index("Routine item 0") < newest.index("Routine item 1")
    assert "Lagoon dredging plan" not in newest


def test_the_public_index_never_matches_a_gated_body(make_post: Any) -> None:
    make_post("Members briefing", body=f"The {SECRET} memo.", visibility=Post.Visibility.MEMBERS)
    make_post("Open letter", body="Nothing hidden here.")
    query = parse(SECRET)
    public, _, _ = backend().rank(query, Scope.of(Post.objects.all(), ""), False, 0, 10)
    whole, total, _ = backend().rank(query, Scope.of(Post.objects.all(), None), False, 0, 10)
    assert public == [] and total == 1
    assert [Post.objects.get(pk=pk).title for pk, _ in whole] == ["Members briefing"]
    newest, _, _ = backend().rank(query, Scope.of(Post.objects.all(), ""), True, 0, 10)
    assert newest == []


def test_a_member_finds_members_bodies_but_never_a_paid_post_by_its_body(
    make_post: Any, subscriber: Any
) -> None:
    make_post("Members memo", body=f"A {SECRET} for members.", visibility=Post.Visibility.MEMBERS)
    make_post("Paid memo", body=f"A {SECRET} for payers.", visibility=Post.Visibility.PAID)
    member = client_for(subscriber)
    for sort in ("", "newest"):
        page = results(member, SECRET, sort=sort)
        assert "Members memo" in page and "Paid memo" not in page
    assert "Paid memo" in results(member, "paid memo")
    assert "for payers" not in results(member, "paid memo")


def test_the_migration_fills_the_new_index_from_existing_documents(make_post: Any) -> None:
    make_post("Heron survey", body="Herons nest on the island.")
    make_post("Egret survey", body=f"The {SECRET} of egrets.", visibility=Post.Visibility.PAID)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_public_fts(search_public_fts) VALUES ('delete-all')")
        else:
            cursor.execute("DELETE FROM search_vector")
    assert "Heron survey" not in results(visitor(), "herons")
    migration = importlib.import_module("atlas.search.migrations.0002_public_text_index")
    migration.install(None, SimpleNamespace(connection=connection))
    assert "Heron survey" in results(visitor(), "herons")
    assert "Egret survey" not in results(visitor(), SECRET)
    assert "Egret survey" in results(visitor(), "egret")


def test_a_phrase_is_looked_for_among_the_newest_posts_with_its_words_and_every_title(
    make_post: Any, monkeypatch: Any
) -> None:
    """PostgreSQL reads each post to check a phrase (GIN keeps no positions) or a word to
    exclude: only the newest READ_WINDOW posts with all the words to find are read, and every
    title; the count says so."""
    monkeypatch.setattr(backends, "READ_WINDOW", 4)
    old = timezone.now() - timedelta(days=900)
    make_post("Minutes of the spring", body="The harbour council met.", published_at=old)
    make_post("Harbour council quarrel", body="A quarrel.", published_at=old)
    many_posts(5, "The council spoke of the harbour, and the harbour of the council.")
    make_post("Vote tonight", body="A harbour council vote, the last one.")
    for sort in ("", "newest"):
        page = results(visitor(), '"harbour council" OR lagoonal -quarrelsome', sort=sort)
        assert "Vote tonight" in page and "Harbour council quarrel" in page
        if connection.vendor == "postgresql":  # outside the window: older than 4 with the words
            assert "Minutes of the spring" not in page and "At least 2 results" in page
        else:
            assert "Minutes of the spring" in page and "3 results" in page
    page = results(visitor(), "harbour -vote")  # a word to exclude is checked post by post too
    assert "Vote tonight" not in page and "Harbour council quarrel" in page
    if connection.vendor == "postgresql":
        assert "Minutes of the spring" not in page and "At least 4 results" in page
    else:
        assert "Minutes of the spring" in page and "7 results" in page
    monkeypatch.setattr(backends, "READ_WINDOW", 100)
    page = results(visitor(), '"harbour council"')
    assert "Minutes of the spring" in page and "3 results" in page
    assert "At least" not in page
