"""The discussion slot keeps its template's HTML per view (discussions/slot.py): every reader
still gets their own name, rights, thread, messages and CSRF token, and a change to any of them
shows on the next page without a new content version."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from atlas.discussions import moderation
from atlas.discussions.models import CommentingBan, ReplyEmailOptOut
from atlas.discussions.slot import CSRF_MARK, NAME_MARK, STRUCTURED_DATA_MARK, THREAD_MARK
from atlas.lib import fragments
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def discussion_of(client: Client, post: Post) -> str:
    html = client.get(post.get_absolute_url()).text
    return html[html.index('<section class="discussion"') :]


def test_members_see_the_form_under_their_own_name(
    article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    rosa, omar = (
        discussion_of(client_for(subscriber), article),
        discussion_of(client_for(other_subscriber), article),
    )
    assert "You comment as <strong>Rosa Reader</strong>" in rosa and "Omar" not in rosa
    assert "You comment as <strong>Omar Other</strong>" in omar and "Rosa" not in omar


def test_members_who_may_comment_share_one_kept_discussion(
    article: Post, subscriber: Member, other_subscriber: Member, make_member: Any
) -> None:
    for member in (subscriber, other_subscriber, make_member("Third Reader")):
        discussion_of(client_for(member), article)
    kept = [key for key in fragments._state[1] if key[0] == "discussion-view"]
    assert len(kept) == 1


def test_a_new_name_shows_on_the_next_page(article: Post, subscriber: Member) -> None:
    client = client_for(subscriber)
    assert "<strong>Rosa Reader</strong>" in discussion_of(client, article)
    Member.objects.filter(pk=subscriber.pk).update(comment_name="Rosa <b>R.</b>")
    html = discussion_of(client, article)
    assert "<strong>Rosa &lt;b&gt;R.&lt;/b&gt;</strong>" in html and "Rosa Reader" not in html


def test_a_ban_and_its_lifting_show_on_the_next_page(
    article: Post, subscriber: Member, owner: Any
) -> None:
    client = client_for(subscriber)
    assert 'id="comment-form"' in discussion_of(client, article)
    ban = CommentingBan.objects.create(member=subscriber, reason="Spam")
    banned = discussion_of(client, article)
    assert 'id="comment-form"' not in banned and "banned this account" in banned
    moderation.lift_ban(ban, owner)
    assert 'id="comment-form"' in discussion_of(client, article)


def test_a_reply_email_opt_out_shows_on_the_next_page(article: Post, subscriber: Member) -> None:
    client = client_for(subscriber)
    assert "Stop for this discussion" in discussion_of(client, article)
    ReplyEmailOptOut.objects.create(member=subscriber, post=article)
    assert "Email me replies again" in discussion_of(client, article)


def test_each_page_has_its_own_csrf_token_and_the_form_posts_with_it(
    article: Post, subscriber: Member
) -> None:
    client = client_for(subscriber)
    client.handler.enforce_csrf_checks = True  # as a browser: the token must come from the page
    first, second = discussion_of(client, article), discussion_of(client, article)
    tokens = TOKEN.findall(first)
    assert len(tokens) == 3 and TOKEN.findall(second)[0] != tokens[0]
    response = client.post(
        f"{article.get_absolute_url()}comments/",
        {
            "body": "Posted with the token of the page.",
            "parent": "",
            "csrfmiddlewaretoken": tokens[0],
        },
    )
    assert response.status_code == 302
    assert "Posted with the token of the page." in discussion_of(client, article)


def test_a_message_is_shown_once(article: Post, subscriber: Member) -> None:
    client = client_for(subscriber)
    client.post(f"{article.get_absolute_url()}comments/", {"body": "Hello.", "parent": ""})
    assert 'class="discussion-messages"' in discussion_of(client, article)
    again = discussion_of(client, article)
    assert 'class="discussion-messages"' not in again and "Hello." in again


def test_members_with_the_same_name_see_only_their_own_comment_actions(
    article: Post, make_member: Any
) -> None:
    first, second = make_member("Sam Same"), make_member("Sam Same")
    comment = add_comment(first, article, "Mine to edit.")
    edit_link = f"/comments/{comment.pk}/edit/"
    assert edit_link in discussion_of(client_for(first), article)
    assert edit_link not in discussion_of(client_for(second), article)
    assert edit_link in discussion_of(client_for(first), article)


def test_no_stand_in_reaches_a_page(article: Post, subscriber: Member, client: Client) -> None:
    add_comment(subscriber, article, "A comment, so the thread and its data show.")
    for reader in (client_for(subscriber), client, client_for(subscriber)):
        html = reader.get(article.get_absolute_url()).text
        assert '"@type":"Comment"' in html
        assert all(
            mark not in html for mark in (CSRF_MARK, NAME_MARK, THREAD_MARK, STRUCTURED_DATA_MARK)
        )


def test_a_visitor_gets_no_csrf_token_or_cookie(article: Post, client: Client) -> None:
    response = client.get(article.get_absolute_url())
    assert "csrfmiddlewaretoken" not in response.text and not response.cookies
    assert "Log in</a> or" in discussion_of(client, article)
