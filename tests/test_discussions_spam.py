"""Against spam: holds for review, rate limits, repeats, the honeypot, reports that hold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from atlas.discussions import moderation, services
from atlas.discussions.models import Comment, ModerationAction
from atlas.discussions.rules import blocked_term_in
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for, set_discussion_settings, submit


def test_a_members_first_comment_waits_for_review_when_the_setting_says_so(
    article: Post, subscriber: Member, moderator: Any, editor: Any
) -> None:
    set_discussion_settings(hold_first_comment=True)
    first = add_comment(subscriber, article, "Hello, first time here.")
    assert first.status == Comment.Status.HELD
    assert first.status_reason == "The member's first comment"
    assert add_comment(subscriber, article, "Still waiting?").status == Comment.Status.HELD

    moderation.approve(first, moderator)
    assert add_comment(subscriber, article, "Now I am trusted.").status == Comment.Status.PUBLISHED
    staff = services.post_comment(services.staff_member(editor), article, "Hi.", is_staff=True)
    assert staff.status == Comment.Status.PUBLISHED


def test_comments_with_more_links_than_allowed_are_held(article: Post, subscriber: Member) -> None:
    set_discussion_settings(max_links=2)
    two = "See https://example.org/a and [this](https://example.org/b)."
    three = two + " Also www.example.net."
    assert add_comment(subscriber, article, two).status == Comment.Status.PUBLISHED
    held = add_comment(subscriber, article, three)
    assert held.status == Comment.Status.HELD and "3 links" in held.status_reason


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("Buy cheap pills today", True),
        ("The CASINO reopened", True),
        ("A classic casinoesque decor", False),
        ("Details at https://shop.spam.example/offer", True),
        ("Details at spam.example", True),
        ("Details at notspam.example.org", False),
        ("Ask the council", False),
    ],
)
def test_blocked_words_and_domains_hold_a_comment(
    text: str, held: bool, article: Post, subscriber: Member
) -> None:
    set_discussion_settings(blocked_terms="cheap pills\ncasino\nspam.example\n", max_links=10)
    comment = add_comment(subscriber, article, text)
    assert (comment.status == Comment.Status.HELD) is held
    if held:
        assert comment.status_reason.startswith("Contains a blocked word or domain")
        assert ModerationAction.objects.filter(comment=comment, action="held").exists()


def test_blocked_terms_match_whole_words_and_subdomains() -> None:
    terms = ("ass", "evil.com")
    assert blocked_term_in("What an ASS.", terms) == "ass"
    assert blocked_term_in("A classic class assignment", terms) == ""
    assert blocked_term_in("http://a.b.evil.com/x", terms) == "evil.com"
    assert blocked_term_in("evil.community", terms) == ""


def test_more_than_five_comments_a_minute_are_refused_then_allowed_again(
    article: Post, subscriber_client: Client
) -> None:
    start = timezone.now().replace(second=1, microsecond=0)  # all six in one minute's window
    with time_machine.travel(start, tick=False):
        for number in range(5):
            assert submit(subscriber_client, article, f"Thought {number}.").status_code == 302
        response = submit(subscriber_client, article, "Thought 5.")
    assert response.status_code == 429
    assert "Wait a minute" in response.content.decode()
    assert "Thought 5." in response.content.decode()  # kept, to send again
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert submit(subscriber_client, article, "Thought 5.").status_code == 302
    assert Comment.objects.count() == 6


def test_the_daily_limit_is_configurable(article: Post, subscriber_client: Client) -> None:
    set_discussion_settings(comments_per_day=3)
    for number in range(3):
        assert submit(subscriber_client, article, f"Daily {number}.").status_code == 302
    response = submit(subscriber_client, article, "Daily 3.")
    assert response.status_code == 429
    assert "limit of 3 comments" in response.content.decode()


def test_the_same_words_twice_are_refused_even_with_other_spacing_or_case(
    article: Post, make_post: Any, subscriber_client: Client
) -> None:
    assert submit(subscriber_client, article, "The mayor should resign.").status_code == 302
    response = submit(subscriber_client, make_post("Elsewhere"), "the  MAYOR should\nresign.")
    assert response.status_code == 409
    assert "already posted this comment" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert submit(subscriber_client, article, "The mayor should resign.").status_code == 302


def test_long_text_copied_by_another_member_is_held(
    article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    text = "Visit my profile for an amazing opportunity to earn money from home."
    assert add_comment(subscriber, article, text).status == Comment.Status.PUBLISHED
    copied = add_comment(other_subscriber, article, text)
    assert copied.status == Comment.Status.HELD
    assert add_comment(other_subscriber, article, "Thanks!").status == Comment.Status.PUBLISHED
    assert add_comment(subscriber, article, "Thanks!").status == Comment.Status.PUBLISHED


def test_a_filled_honeypot_posts_nothing(subscriber_client: Client, article: Post) -> None:
    data = {"body": "Bot text.", "website": "https://bot.example"}
    response = subscriber_client.post(f"{article.get_absolute_url()}comments/", data)
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_enough_reports_hold_a_comment_until_a_moderator_looks(
    client: Client, article: Post, subscriber: Member, make_member: Any, moderator: Any
) -> None:
    set_discussion_settings(reports_to_hold=2)
    target = add_comment(subscriber, article, "Provocative words.")
    for reporter in (make_member(), make_member()):
        response = client_for(reporter).post(f"/comments/{target.pk}/report/", {"reason": "abuse"})
        assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == Comment.Status.HELD and target.status_reason == "Reported by 2 members"
    assert "Provocative words." not in client.get(article.get_absolute_url()).content.decode()

    moderation.dismiss_reports(target, moderator, "Robust, not abusive")
    target.refresh_from_db()
    assert target.status == Comment.Status.PUBLISHED
    assert not target.reports.filter(resolved_at__isnull=True).exists()


def test_reporting_twice_or_reporting_yourself_is_refused_politely(
    article: Post, subscriber: Member, subscriber_client: Client, other_client: Client
) -> None:
    target = add_comment(subscriber, article, "Words.")
    url = f"/comments/{target.pk}/report/"
    assert other_client.post(url, {"reason": "spam"}).status_code == 302
    repeat = other_client.post(url, {"reason": "spam"})
    assert repeat.status_code == 409 and "already reported" in repeat.content.decode()
    assert subscriber_client.post(url, {"reason": "spam"}).status_code == 400
    assert other_client.post(url, {"reason": ""}).status_code == 400
