"""Who may comment, edit and delete: signed out, banned, unpaid, closed, someone else's IDs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from atlas.discussions import moderation
from atlas.discussions.models import Comment, Mode, PostDiscussion
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for, page, set_discussion_settings, submit


def refused_with(response: Any, words: str, status: int = 403) -> None:
    assert response.status_code == status
    assert words in response.content.decode()


def test_a_visitor_who_is_not_signed_in_cannot_comment(client: Client, article: Post) -> None:
    refused_with(submit(client, article, "Anonymous words."), "Log in or subscribe")
    assert not Comment.objects.exists()


def test_a_banned_member_cannot_comment_until_the_ban_ends(
    article: Post, subscriber: Member, subscriber_client: Client, moderator: Any
) -> None:
    moderation.ban(subscriber, moderator, "Insults", until=timezone.now() + timedelta(days=1))

    refused_with(submit(subscriber_client, article, "Let me back in."), "banned this account")
    assert "banned this account" in page(subscriber_client, article)
    assert 'id="comment-form"' not in page(subscriber_client, article)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert submit(subscriber_client, article, "Back, and polite.").status_code == 302
    assert Comment.objects.count() == 1


def test_a_member_banned_for_good_stays_out_and_a_lifted_ban_lets_them_in(
    article: Post, subscriber: Member, subscriber_client: Client, moderator: Any
) -> None:
    commenting_ban = moderation.ban(subscriber, moderator, "Spam")
    refused_with(submit(subscriber_client, article, "Buy now."), "no longer comment")
    moderation.lift_ban(commenting_ban, moderator, "Appeal accepted")
    assert submit(subscriber_client, article, "Sorry about that.").status_code == 302


def test_paid_only_discussions_refuse_free_members_but_not_paying_ones_or_staff(
    article: Post, subscriber_client: Client, make_member: Any, editor_client: Client
) -> None:
    set_discussion_settings(mode=Mode.PAID)
    paying = client_for(make_member(tier=Member.Tier.PAID))

    refused_with(submit(subscriber_client, article, "Free words."), "Only paying members")
    assert "Only paying members" in page(subscriber_client, article)
    assert submit(paying, article, "Paid words.").status_code == 302
    assert submit(editor_client, article, "Staff words.").status_code == 302


def test_a_closed_thread_stays_readable_and_refuses_new_comments(
    client: Client, article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    add_comment(subscriber, article, "Said before it closed.")
    PostDiscussion.objects.create(post=article, mode=PostDiscussion.PostMode.CLOSED)

    for viewer in (client, subscriber_client):
        html = page(viewer, article)
        assert "Said before it closed." in html and "Comments are closed" in html
        assert 'id="comment-form"' not in html and "Log in</a> or" not in html
    refused_with(submit(subscriber_client, article, "Too late."), "Comments are closed")


def test_a_post_can_open_what_the_publication_closed(
    article: Post, make_post: Any, subscriber_client: Client
) -> None:
    set_discussion_settings(mode=Mode.CLOSED)
    PostDiscussion.objects.create(post=article, mode=PostDiscussion.PostMode.OPEN)

    assert submit(subscriber_client, article, "Open here.").status_code == 302
    refused_with(submit(subscriber_client, make_post("Elsewhere"), "Closed there."), "closed")


def test_members_who_cannot_read_the_post_cannot_comment_on_it(
    make_post: Any, subscriber_client: Client
) -> None:
    paid_post = make_post("Paid story", visibility=Post.Visibility.PAID)
    refused_with(submit(subscriber_client, paid_post, "Peeking."), "can read this post")


def test_an_unpublished_post_takes_no_comments(make_post: Any, subscriber_client: Client) -> None:
    draft = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    assert (
        subscriber_client.post(f"/posts/{draft.slug}/comments/", {"body": "x"}).status_code == 404
    )


def test_unconfirmed_members_and_new_accounts_wait(article: Post, make_member: Any) -> None:
    unconfirmed = client_for(make_member(confirmed_at=None, status=Member.Status.PENDING))
    refused_with(submit(unconfirmed, article, "Hello."), "Confirm your email")
    set_discussion_settings(minimum_account_age_hours=24)
    newcomer = client_for(make_member(created_at=timezone.now() - timedelta(hours=2)))
    refused_with(submit(newcomer, article, "Hello."), "New members can comment from")


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_nobody_can_edit_or_delete_another_members_comment_by_guessing_ids(
    action: str, article: Post, subscriber: Member, other_client: Client, editor_client: Client
) -> None:
    mine = add_comment(subscriber, article, "My own words.")
    for guess in range(mine.pk - 2, mine.pk + 3):
        url = f"/comments/{guess}/{action}/"
        for intruder in (other_client, editor_client):
            assert intruder.get(url).status_code == 404
            assert intruder.post(url, {"body": "Hijacked."}).status_code == 404
    assert Client().post(f"/comments/{mine.pk}/{action}/")["Location"].startswith("/signin/")
    mine.refresh_from_db()
    assert mine.body == "My own words." and mine.status == Comment.Status.PUBLISHED


def test_the_author_edits_within_fifteen_minutes_and_the_comment_is_marked_edited(
    client: Client, article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    mine = add_comment(subscriber, article, "Teh typo.")

    form = subscriber_client.get(f"/comments/{mine.pk}/edit/").content.decode()
    assert "Teh typo." in form
    response = subscriber_client.post(f"/comments/{mine.pk}/edit/", {"body": "The typo, fixed."})

    assert response.status_code == 302
    html = page(client, article)
    assert "The typo, fixed." in html and "Teh typo." not in html
    assert '<span class="comment-edited">edited</span>' in html


def test_editing_after_fifteen_minutes_is_refused(
    article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    mine = add_comment(subscriber, article, "Original.")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        refused_with(subscriber_client.get(f"/comments/{mine.pk}/edit/"), "15 minutes")
        refused_with(
            subscriber_client.post(f"/comments/{mine.pk}/edit/", {"body": "Late."}), "15 minutes"
        )
        assert "/edit/" not in page(subscriber_client, article)
    mine.refresh_from_db()
    assert mine.body == "Original." and mine.edited_at is None


def test_the_author_deletes_their_comment_after_confirming(
    article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    mine = add_comment(subscriber, article, "Second thoughts.")
    assert (
        "Delete my comment"
        in subscriber_client.get(f"/comments/{mine.pk}/delete/").content.decode()
    )
    assert subscriber_client.post(f"/comments/{mine.pk}/delete/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == Comment.Status.DELETED and mine.body == ""


def test_replies_only_attach_to_published_comments_of_the_same_post(
    article: Post, make_post: Any, subscriber: Member, other_client: Client, moderator: Any
) -> None:
    elsewhere = add_comment(subscriber, make_post("Another story"), "Elsewhere.")
    hidden = add_comment(subscriber, article, "Hidden soon.")
    moderation.hide(hidden, moderator, "Spam")

    assert submit(other_client, article, "Cross-post reply.", parent=elsewhere).status_code == 404
    refused_with(submit(other_client, article, "To the hidden.", parent=hidden), "reply", 400)
    assert other_client.get(f"/comments/{hidden.pk}/reply/").status_code == 404
    assert Comment.objects.count() == 2


def test_likes_toggle_and_nobody_likes_their_own_comment(
    article: Post, subscriber: Member, subscriber_client: Client, other_client: Client
) -> None:
    mine = add_comment(subscriber, article, "Likeable.")
    url = f"/comments/{mine.pk}/like/"

    assert other_client.post(url).status_code == 302
    assert "1 like<" in page(Client(), article)
    assert 'aria-pressed="true"' in page(other_client, article)
    other_client.post(url)
    assert mine.likes.count() == 0
    refused_with(subscriber_client.post(url), "your own comment", 400)
    assert Client().post(url)["Location"].startswith("/signin/")
