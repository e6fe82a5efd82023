"""Reply emails over real SMTP, with unsubscribe links that work; moderators hear of problems."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from atlas.discussions import moderation
from atlas.discussions.models import Comment, ReplyEmailOptOut
from atlas.members.models import Member, OutboundEmail
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for, set_discussion_settings, submit


def path_of(url: str) -> str:
    return urlsplit(url).path


def reply_links(message: Any) -> dict[str, str]:
    links = message.links()
    return {
        "comment": next(link for link in links if "#comment-" in link),
        "thread": next(link for link in links if "/comments/unsubscribe/" in link),
        "all": [link for link in links if "/comments/unsubscribe/" in link][1],
    }


def test_a_reply_is_emailed_after_the_request_with_a_link_to_it(
    article: Post, subscriber: Member, other_client: Client, mailbox: Any, deliver: Any
) -> None:
    mine = add_comment(subscriber, article, "Where will the silt go?")

    submit(other_client, article, "To the old gravel pit, says the port.", parent=mine)

    assert mailbox.messages == []  # nothing is sent inside the request
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED
    assert deliver() == 1
    message = mailbox.last_to("rosa@example.org")
    assert message.message["Subject"].strip() == (
        f"Omar Other replied to your comment on \u201c{article.title}\u201d"
    )
    assert "To the old gravel pit, says the port." in message.text
    reply = Comment.objects.get(parent=mine)
    assert reply_links(message)["comment"].endswith(
        f"{article.get_absolute_url()}#comment-{reply.pk}"
    )
    assert "Stop emails about replies in this discussion" in message.html


def test_the_unsubscribe_link_stops_reply_emails_for_that_discussion(
    client: Client, article: Post, make_post: Any, subscriber: Member, other_client: Client,
    mailbox: Any, deliver: Any,
) -> None:  # fmt: skip
    other_post = make_post("Another story")
    mine = add_comment(subscriber, article, "First question.")
    mine_elsewhere = add_comment(subscriber, other_post, "Elsewhere question.")
    submit(other_client, article, "First answer.", parent=mine)
    deliver()
    link = path_of(reply_links(mailbox.last_to("rosa@example.org"))["thread"])

    confirm_page = client.get(link)
    assert (
        confirm_page.status_code == 200
        and "Stop for this discussion" in confirm_page.content.decode()
    )
    assert ReplyEmailOptOut.objects.count() == 0  # opening the link changes nothing
    done = client.post(link, {"scope": "thread"})
    assert "No more reply emails for this discussion" in done.content.decode()

    submit(other_client, article, "Second answer.", parent=mine)
    submit(other_client, other_post, "Answer elsewhere.", parent=mine_elsewhere)
    deliver()
    texts = [message.text for message in mailbox.to("rosa@example.org")]
    assert len(texts) == 2 and "Answer elsewhere." in texts[1]


def test_stop_all_and_one_click_unsubscribe_stop_every_reply_email(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member,
    other_client: Client, mailbox: Any, deliver: Any,
) -> None:  # fmt: skip
    mine = add_comment(subscriber, article, "Question.")
    theirs = add_comment(other_subscriber, article, "Their question.")
    submit(other_client, article, "Answer.", parent=mine)
    deliver()
    everything = path_of(reply_links(mailbox.last_to("rosa@example.org"))["all"])

    one_click = client.post(everything, {"List-Unsubscribe": "One-Click"})

    assert one_click.status_code == 200 and one_click.content == b"Unsubscribed.\n"
    assert ReplyEmailOptOut.objects.filter(member=subscriber, post=None).exists()
    submit(client_for(subscriber), article, "Reader answers Omar.", parent=theirs)
    submit(other_client, article, "Another answer.", parent=mine)
    deliver()
    assert len(mailbox.to("rosa@example.org")) == 1
    assert len(mailbox.to("omar@example.org")) == 1
    assert client.get("/comments/unsubscribe/not-a-token/").status_code == 404


def test_members_choose_reply_emails_on_their_page_and_under_each_article(
    article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    assert (
        "Stop for this discussion"
        in subscriber_client.get(article.get_absolute_url()).content.decode()
    )
    subscriber_client.post("/comments/reply-emails/", {"enabled": "0", "post": article.pk})
    assert ReplyEmailOptOut.objects.filter(member=subscriber, post=article).exists()
    assert (
        "Email me replies again"
        in subscriber_client.get(article.get_absolute_url()).content.decode()
    )

    subscriber_client.post("/comments/reply-emails/", {"enabled": "0"})
    assert "Email me replies" in subscriber_client.get("/comments/reply-emails/").content.decode()
    subscriber_client.post("/comments/reply-emails/", {"enabled": "1"})
    assert not ReplyEmailOptOut.objects.filter(member=subscriber).exists()


def test_no_email_for_replying_to_yourself_and_one_email_when_a_held_reply_is_approved(
    article: Post, subscriber: Member, other_subscriber: Member, moderator: Any, mailbox: Any,
    deliver: Any,
) -> None:  # fmt: skip
    mine = add_comment(subscriber, article, "My point.")
    add_comment(subscriber, article, "And a follow-up to myself.", parent=mine)
    set_discussion_settings(hold_first_comment=True)
    held = add_comment(other_subscriber, article, "A held reply.", parent=mine)
    deliver()
    assert mailbox.to("rosa@example.org") == []

    moderation.approve(held, moderator)
    moderation.approve(held, moderator)
    deliver()
    assert len(mailbox.to("rosa@example.org")) == 1


def test_moderators_are_emailed_about_held_comments_and_new_reports(
    article: Post, subscriber: Member, other_client: Client, moderator: Any, author: Any,
    mailbox: Any, deliver: Any,
) -> None:  # fmt: skip
    set_discussion_settings(blocked_terms="casino")
    held = add_comment(subscriber, article, "Try my casino.")
    reported = add_comment(subscriber, article, "Rude words.")
    other_client.post(f"/comments/{reported.pk}/report/", {"reason": "abuse", "note": "Insult"})
    deliver()

    received = mailbox.to("moderator@example.org")
    subjects = sorted(message.message["Subject"].strip() for message in received)
    assert subjects == [
        "Comment to review: Held for review: Contains a blocked word or domain: casino",
        "Comment to review: Reported: Abusive or hateful (Insult)",
    ]
    reviews = " ".join(message.text for message in received)
    assert f"/admin/discussions/comment/{held.pk}/change/" in reviews
    assert mailbox.to("writer@example.org") == []  # staff without the moderation permission


def test_a_spam_wave_sends_moderators_ten_alerts_an_hour_not_one_per_comment(
    article: Post, make_member: Any, moderator: Any
) -> None:
    set_discussion_settings(blocked_terms="casino")
    for number in range(15):
        add_comment(make_member(), article, f"Casino offer number {number}.")

    assert Comment.objects.filter(status=Comment.Status.HELD).count() == 15
    assert OutboundEmail.objects.filter(to="moderator@example.org").count() == 10
