"""The index's upkeep and what search adds elsewhere: `atlas reindex`, related stories at the
article's end and in a newsletter's footer, the newsroom's search."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from atlas.delivery.hooks import render_blocks
from atlas.delivery.models import Send
from atlas.lib import pagecache
from atlas.members.models import Member
from atlas.publishing.models import Post, Tag
from atlas.search.models import NewsletterFooter, SearchDocument
from atlas.search.related import compute_related
from tests.factories import visitor


@pytest.fixture(autouse=True)
def _no_related_stories_from_another_test() -> None:
    """Related stories are cached until the content version moves, which only a commit does:
    another test's posts had the same ids."""
    pagecache.invalidate()


def test_reindex_rebuilds_an_index_that_was_lost(make_post: Any) -> None:
    make_post("Glacier retreat measured", body="The glacier lost forty metres.")
    SearchDocument.objects.all().delete()
    assert "Glacier retreat" not in visitor().get("/search/", {"q": "glacier"}).content.decode()
    output = StringIO()
    call_command("reindex", stdout=output)
    assert "Indexed" in output.getvalue()
    assert "Glacier retreat" in visitor().get("/search/", {"q": "glacier"}).content.decode()
    assert "Glacier retreat" in visitor().get("/search/", {"q": "glacier"}).content.decode()


def test_renaming_a_tag_reindexes_its_posts(make_post: Any, tag: Tag) -> None:
    make_post("Quay works", body="Works at the quay.", tags=[tag])
    tag.name = "Shipping"
    tag.save()
    assert "Quay works" in visitor().get("/search/", {"q": "shipping"}).content.decode()


def related_trio(make_post: Any, tag: Tag) -> tuple[Post, list[Post]]:
    post = make_post("Salmon farms expand", body="Salmon farms in the fjord grow.", tags=[tag])
    others = [
        make_post("Salmon prices fall", body="Farmed salmon is cheaper.", tags=[tag]),
        make_post("Fjord salmon lice", body="Lice in salmon farms of the fjord."),
        make_post("Salmon quotas", body="Wild salmon quotas cut."),
    ]
    make_post("Unrelated bakery", body="Bread and cakes.")
    make_post("Salmon draft", status=Post.Status.DRAFT, published_at=None, body="Salmon farms.")
    make_post(
        "Salmon secrets", body="Salmon farms fjord.", visibility=Post.Visibility.PAID, tags=[tag]
    )
    return post, others


def test_related_stories_are_other_published_posts_that_share_words(
    make_post: Any, tag: Tag
) -> None:
    post, others = related_trio(make_post, tag)
    related = compute_related(post)
    assert set(related) <= {other.pk for other in others} | set(
        Post.objects.filter(title="Salmon secrets").values_list("pk", flat=True)
    )
    assert len(related) == 3 and post.pk not in related
    page = visitor().get(post.get_absolute_url()).content.decode()
    assert "Related stories" in page and "Salmon draft" not in page


def test_a_newsletter_footer_carries_related_stories_only_when_asked(
    make_post: Any, tag: Tag, newsletter: Any
) -> None:
    post, _ = related_trio(make_post, tag)
    send = Send.objects.create(post=post, subject=post.title)
    send.newsletters.set([newsletter])
    assert render_blocks("footer", send) == ("", "")
    NewsletterFooter.objects.create(newsletter=newsletter, related_stories=True)
    html, text = render_blocks("footer", send)
    assert "Related stories" in html and "Related stories" in text
    assert "Salmon draft" not in html and "Salmon farms expand" not in text


def test_the_newsroom_search_finds_drafts_and_members(
    editor_client: Client, make_post: Any
) -> None:
    make_post("Draft on tolls", status=Post.Status.DRAFT, published_at=None, body="Road tolls.")
    Member.objects.create(email="tollkeeper@example.org", name="Tolly Keeper")
    page = editor_client.get("/newsroom/search/", {"q": "tolls"}).content.decode()
    assert "Draft on tolls" in page
    page = editor_client.get("/newsroom/search/", {"q": "tolly"}).content.decode()
    assert "tollkeeper@example.org" in page
    assert editor_client.get("/newsroom/search/", {"q": '"\x00 OR -'}).status_code == 200


def test_the_newsroom_search_is_for_staff(db: Any, client: Client) -> None:
    response = client.get("/newsroom/search/", {"q": "x"})
    assert response.status_code == 302
