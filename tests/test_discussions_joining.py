"""Readers who are not signed in see "Reply" under each comment, as members do: it leads to
sign in (and back to write the reply) or to subscribe (and back to the comment)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from atlas.discussions.models import Mode
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for, page, set_discussion_settings


def reply_links(html: str) -> list[str]:
    return re.findall(r'<a class="comment-action comment-reply" href="([^"]+)"', html)


def test_readers_not_signed_in_see_reply_under_each_comment(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    first = add_comment(subscriber, article, "The council meets on Tuesday.")
    second = add_comment(other_subscriber, article, "Not this week, I heard.", parent=first)
    links = reply_links(page(client, article))
    assert links == [f"/comments/{first.pk}/reply/", f"/comments/{second.pk}/reply/"]


def test_reply_leads_to_sign_in_and_back_to_the_reply_or_to_subscribe(
    client: Client, article: Post, subscriber: Member
) -> None:
    comment = add_comment(subscriber, article, "Dredging starts in spring.")
    answer = client.get(f"/comments/{comment.pk}/reply/")
    assert answer.status_code == 200
    html = unescape(answer.content.decode())
    assert "Reply to Rosa Reader" in html
    sign_in = re.search(r'href="(/signin/\?[^"]+)"', html)
    subscribe = re.search(r'href="(/subscribe/\?[^"]+)"', html)
    assert sign_in and subscribe
    next_path = parse_qs(urlsplit(sign_in.group(1)).query)["next"][0]
    assert next_path == f"/comments/{comment.pk}/reply/"
    back = parse_qs(urlsplit(subscribe.group(1)).query)["from"][0]
    assert back == f"{article.get_absolute_url()}#comment-{comment.pk}"

    # Signed in (after the emailed link), the same address is the reply form.
    member_reply = client_for(subscriber).get(next_path)
    assert member_reply.status_code == 200 and b"Reply to Rosa Reader" in member_reply.content
    assert b'name="body"' in member_reply.content

    # Subscribing from there offers the way back to the comment.
    subscribed = Client().post(
        "/subscribe/",
        {"email": "new.reader@example.org", "name": "Tomás", "page": back},
        headers={"Origin": "http://testserver"},
    )
    assert f'href="{back}"' in subscribed.content.decode()


def test_a_closed_discussion_shows_no_reply(
    client: Client, article: Post, subscriber: Member
) -> None:
    add_comment(subscriber, article, "Before it closed.")
    set_discussion_settings(mode=Mode.CLOSED)
    assert reply_links(page(client, article)) == []


def test_an_empty_discussion_says_so_once(client: Client, article: Post) -> None:
    html = page(client, article)
    assert "No comments yet." in html and "0 comments" not in html


def test_members_reply_links_are_unchanged(
    article: Post, subscriber: Member, other_subscriber: Any
) -> None:
    comment = add_comment(subscriber, article, "Read the minutes.")
    html = page(client_for(other_subscriber), article)
    assert f'data-reply-to="{comment.pk}"' in html
