"""The hot path: bounded queries for any thread; cached anonymous pages that stay fresh."""

from __future__ import annotations

import io
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from atlas.discussions import moderation, services
from atlas.discussions.models import CommentLike
from atlas.lib.pagecache import PageCache
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import bulk_thread, client_for


def count_queries(client: Client, path: str) -> int:
    """The queries of a page rendered afresh (nothing kept from before: atlas.lib.fragments)."""
    services.refresh_public_pages()
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_article_queries_do_not_grow_with_the_thread(
    client: Client, article: Post, make_member: Any, subscriber: Member
) -> None:
    members = [make_member() for _ in range(5)]
    comments = bulk_thread(article, members, 20)
    CommentLike.objects.create(comment=comments[0], member=subscriber)
    subscriber_client = client_for(subscriber)
    path = article.get_absolute_url()
    client.get(path)  # the first request creates the settings rows
    anonymous_small, member_small = (
        count_queries(client, path),
        count_queries(subscriber_client, path),
    )

    bulk_thread(article, members + [make_member() for _ in range(20)], 180)

    assert count_queries(client, path) == anonymous_small
    assert count_queries(subscriber_client, path) == member_small
    assert anonymous_small <= 8 and member_small <= 14  # the article: 5, its sponsor slot: 1-2
    assert page_comment_count(client, path) == 200


def page_comment_count(client: Client, path: str) -> int:
    return client.get(path).content.decode().count('<li id="comment-')


def test_signed_in_pages_are_private_and_anonymous_pages_carry_nothing_personal(
    client: Client, article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    services.post_comment(subscriber, article, "Mine.")

    personal = subscriber_client.get(article.get_absolute_url())
    shared = client.get(article.get_absolute_url())

    assert "private" in personal.headers["Cache-Control"]
    assert "csrfmiddlewaretoken" in personal.content.decode()
    assert "public" in shared.headers["Cache-Control"]
    assert "Set-Cookie" not in shared.headers and not shared.cookies
    assert "/edit/" not in shared.content.decode() and "/like/" not in shared.content.decode()


@pytest.fixture
def _keep_test_connection() -> Any:
    """Like Django's test client: a finished request must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def cached_get(app: PageCache, path: str) -> bytes:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(b"")
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


@pytest.mark.usefixtures("_keep_test_connection")
def test_cached_article_shows_new_and_moderated_comments_at_once(
    article: Post, subscriber: Member, moderator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = PageCache(get_wsgi_application())
    path = article.get_absolute_url()
    assert b"No comments yet." in cached_get(app, path)
    assert len(app.entries) == 1

    with django_capture_on_commit_callbacks(execute=True):
        comment = services.post_comment(subscriber, article, "Fresh off the quay.")
    assert b"Fresh off the quay." in cached_get(app, path)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide(comment, moderator, "Off topic")
    assert b"Fresh off the quay." not in cached_get(app, path)


STOP_REPLIES = "Stop for this discussion"
BANNED = "a moderator has banned this account from commenting"


def test_what_a_member_s_page_keeps_about_them_follows_every_change(
    article: Post, make_post: Any, subscriber: Member, other_subscriber: Member
) -> None:
    """A member's discussion keeps their bans and reply-email choices per content version: a
    ban, its lifting, its end, and each reply-email choice show on their next page; another
    member's page is never theirs."""
    import time_machine
    from django.utils import timezone

    rosa, omar = client_for(subscriber), client_for(other_subscriber)
    other_post = make_post()
    path = article.get_absolute_url()
    for client in (rosa, omar):
        assert STOP_REPLIES in client.get(path).text  # kept now, for each of them

    services.set_reply_emails(subscriber, False, article)
    assert "Email me replies again" in rosa.get(path).text
    assert STOP_REPLIES in rosa.get(other_post.get_absolute_url()).text
    assert STOP_REPLIES in omar.get(path).text
    services.set_reply_emails(subscriber, True)
    assert STOP_REPLIES in rosa.get(path).text
    services.set_reply_emails(subscriber, False)  # everywhere
    assert "Email me replies again" in rosa.get(other_post.get_absolute_url()).text

    for_good = moderation.ban(subscriber, None, "Abuse")
    assert BANNED in rosa.get(path).text.lower() and "Post comment" not in rosa.get(path).text
    assert "Post comment" in omar.get(path).text
    moderation.lift_ban(for_good, None)
    assert "Post comment" in rosa.get(path).text

    ends = timezone.now() + timezone.timedelta(hours=1)
    moderation.ban(subscriber, None, "Cool down", until=ends)
    assert "banned this account from commenting until" in rosa.get(path).text
    with time_machine.travel(ends + timezone.timedelta(minutes=1)):
        assert "Post comment" in rosa.get(path).text  # the ban ended: nothing else changed


def test_a_comment_made_anywhere_shows_on_a_member_s_kept_page(
    article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    """The post's rules, kept with whether it has comments, move on with a comment however it
    was made (here as the admin makes one: a plain save)."""
    from atlas.discussions.models import Comment

    rosa = client_for(subscriber)
    assert "No comments yet" in rosa.get(article.get_absolute_url()).text
    comment = Comment(post=article, member=other_subscriber, status=Comment.Status.PUBLISHED)
    comment.set_body("Made in the admin.")
    comment.save()
    assert "Made in the admin." in rosa.get(article.get_absolute_url()).text
