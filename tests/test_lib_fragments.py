"""Fragments of pages kept per content version: what one reader's page leaves behind never
reaches another reader it does not belong to, and a change is seen on the next page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.safestring import mark_safe

from atlas.lib import fragments, pagecache
from atlas.lib.hooks import HookError, register_slot, slots
from atlas.members.models import Member
from atlas.publishing.models import Author, Post, PostAuthor
from tests.factories import add_comment, client_for

SECRET = "The confidential paragraph about the harbour deal."


@pytest.fixture
def members_post(make_post: Any) -> Post:
    return make_post("Inside the harbour deal", visibility=Post.Visibility.MEMBERS, body=SECRET)


def test_the_full_text_a_member_read_never_reaches_a_visitor(
    client: Client, members_post: Post, subscriber: Member
) -> None:
    assert SECRET in client_for(subscriber).get(members_post.get_absolute_url()).text
    html = client.get(members_post.get_absolute_url()).text
    assert SECRET not in html and "Subscribe to keep reading" in html


def test_the_teaser_a_visitor_read_never_hides_the_text_from_a_member(
    client: Client, members_post: Post, subscriber: Member
) -> None:
    assert SECRET not in client.get(members_post.get_absolute_url()).text
    assert SECRET in client_for(subscriber).get(members_post.get_absolute_url()).text


def test_each_reader_gets_their_own_header_and_discussion(
    client: Client, make_post: Any, subscriber: Member
) -> None:
    post = make_post()
    member_html = client_for(subscriber).get(post.get_absolute_url()).text
    visitor_html = client.get(post.get_absolute_url()).text
    assert ">Account</a>" in member_html and ">Sign in</a>" not in member_html
    assert ">Sign in</a>" in visitor_html and ">Account</a>" not in visitor_html
    assert 'id="comment-form"' in member_html and 'id="comment-form"' not in visitor_html
    assert "csrfmiddlewaretoken" not in visitor_html


def test_a_change_shows_on_the_next_page_before_it_commits(client: Client, make_post: Any) -> None:
    post = make_post("The first headline")
    assert "The first headline" in client.get(post.get_absolute_url()).text
    post.title = "The second headline"
    post.save()  # inside the test's transaction: no commit, so no new content version
    html = client.get(post.get_absolute_url()).text
    assert "The second headline" in html and "The first headline" not in html
    author = Author.objects.create(name="Ada Newcomer", slug="ada-newcomer")
    PostAuthor.objects.create(post=post, author=author, position=5)
    assert "Ada Newcomer" in client.get(post.get_absolute_url()).text


def test_a_preview_is_never_kept(client: Client, make_post: Any, editor_client: Client) -> None:
    post = make_post("The published headline")
    response = editor_client.post(
        f"/newsroom/posts/{post.pk}/preview/", {"title": "An unsaved headline", "body": "Text."}
    )
    assert "An unsaved headline" in response.text
    html = client.get(post.get_absolute_url()).text
    assert "The published headline" in html and "An unsaved headline" not in html


def test_a_new_content_version_retires_every_fragment() -> None:
    made: list[int] = []
    fragments.value(("a",), lambda: made.append(1))
    fragments.value(("a",), lambda: made.append(2))
    assert made == [1]
    pagecache.invalidate()
    fragments.value(("a",), lambda: made.append(3))
    assert made == [1, 3]


def test_a_fragment_is_rendered_per_page_only_where_the_page_names_its_key() -> None:
    template = Template('{% fragment "t" %}{{ count.next }}{% endfragment %}')
    counter = iter(range(100))
    count = {"next": lambda: next(counter)}
    page = {"count": count, "fragment_key": ("page", 1)}
    assert [template.render(Context(page)) for _ in range(2)] == ["0", "0"]
    other_page = {"count": count, "fragment_key": ("page", 2)}
    assert template.render(Context(other_page)) == "1"
    no_key = {"count": count, "fragment_key": None}
    assert [template.render(Context(no_key)) for _ in range(2)] == ["2", "3"]


@pytest.mark.parametrize("same_for", ["page", "site"])
def test_a_slot_the_same_for_every_reader_is_rendered_once(same_for: str) -> None:
    calls: list[str] = []

    def renderer(context: Context) -> str:
        calls.append(context["reader"])
        return mark_safe(f"<p>{context['reader']}</p>")

    kept = register_slot("article_end", renderer, same_for=same_for)
    try:
        template = Template('{% slot "article_end" %}')
        for reader in ("first", "second"):
            template.render(Context({"reader": reader, "fragment_key": ("article", 7, False)}))
        assert calls == ["first"]
        html = template.render(Context({"reader": "third", "fragment_key": None}))
        assert calls == (["first", "third"] if same_for == "page" else ["first"])
        assert "<p>" in html
    finally:
        slots.unregister(kept, key="article_end")


def test_a_slot_that_varies_is_kept_per_variant_and_never_drawn_into_a_frame() -> None:
    from atlas.lib.hooks import same_for_every_reader

    calls: list[str] = []

    def renderer(context: Context) -> str:
        calls.append(context["reader"])
        return mark_safe(f"<p>{context['kind']}</p>")

    kept = register_slot(
        "article_end", renderer, same_for="page", varies_by=lambda context: context["kind"]
    )
    try:
        template = Template('{% slot "article_end" %}')
        page = ("article", 7, False)
        shown = [
            template.render(Context({"reader": reader, "kind": kind, "fragment_key": page}))
            for reader, kind in (("a", "paid"), ("b", "free"), ("c", "paid"), ("d", "free"))
        ]
        assert calls == ["a", "b"]  # once per variant
        assert ["<p>paid</p>" in html for html in shown] == [True, False, True, False]
        assert not same_for_every_reader("article_end")
    finally:
        slots.unregister(kept, key="article_end")
    with pytest.raises(HookError):
        register_slot("article_end", renderer, varies_by=lambda context: 1)


def test_a_slot_says_what_it_is_the_same_for() -> None:
    with pytest.raises(HookError):
        register_slot("article_end", lambda context: "", same_for="member")


def test_held_values_belong_to_their_version(make_post: Any) -> None:
    post = make_post()
    first = fragments.value(("article-authors", post.pk), lambda: ["held"])
    assert fragments.value(("article-authors", post.pk), lambda: ["again"]) is first
    post.published_at = timezone.now()
    post.save()
    assert fragments.value(("article-authors", post.pk), lambda: ["again"]) == ["again"]


def test_a_visitor_gets_the_discussion_of_the_order_they_asked_for(
    client: Client, make_post: Any, subscriber: Member
) -> None:
    post = make_post()
    add_comment(subscriber, post, "The first word.")
    add_comment(subscriber, post, "The last word.")
    oldest_first = client.get(post.get_absolute_url()).text
    newest_first = client.get(f"{post.get_absolute_url()}?sort=newest").text
    assert oldest_first.index("The first word.") < oldest_first.index("The last word.")
    assert newest_first.index("The last word.") < newest_first.index("The first word.")


def test_an_article_is_read_once_per_version_and_a_miss_is_asked_again(
    make_post: Any, subscriber: Member
) -> None:
    """The published post behind an article is kept per content version; a post not found yet
    (published for a later time, with no change of version when its time comes) is not kept."""
    post, later = make_post(), make_post("Out at noon")
    # Published for a later time, behind the services' back: the content version stays.
    Post.objects.filter(pk=later.pk).update(published_at=timezone.now() + timedelta(hours=1))
    fragments.forget()
    member = client_for(subscriber)
    assert member.get(later.get_absolute_url()).status_code == 404
    Post.objects.filter(pk=later.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert member.get(later.get_absolute_url()).status_code == 200  # the same content version
    member.get(post.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert member.get(post.get_absolute_url()).status_code == 200
    assert not [query for query in queries if 'FROM "publishing_post"' in query["sql"]]
