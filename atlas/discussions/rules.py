"""Content rules: what is refused outright (too fast, a repeat) and what waits for review."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

from django.utils import timezone

from atlas.discussions.models import Comment, DiscussionSettings
from atlas.members.models import Member
from atlas.runtime.ratelimit import Limit, hit

DUPLICATE_WINDOW = timedelta(days=1)
# Short texts ("Thank you!") are said by many people; only long ones are suspicious when copied.
COPIED_TEXT_MINIMUM = 40
LIKES_PER_MINUTE = Limit(hits=60, seconds=60)
REPORTS_PER_HOUR = Limit(hits=20, seconds=3600)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(Exception):
    """The member may not do this; `message` says why, in words for them."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def clean_text(text: str) -> str:
    """Line endings made uniform, control characters dropped, outer spaces trimmed."""
    return _CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def check_comment_rate(member: Member, settings_row: DiscussionSettings) -> None:
    subject = str(member.pk)
    per_minute = Limit(hits=settings_row.comments_per_minute, seconds=60)
    if not hit("comments:minute", subject, per_minute):
        raise Refused("You are commenting very fast. Wait a minute, then try again.", 429)
    per_day = Limit(hits=settings_row.comments_per_day, seconds=24 * 3600)
    if not hit("comments:day", subject, per_day):
        raise Refused(
            f"You have reached today's limit of {per_day.hits} comments. "
            "You can comment again tomorrow.",
            429,
        )


def check_like_rate(member: Member) -> None:
    if not hit("comments:likes", str(member.pk), LIKES_PER_MINUTE):
        raise Refused("Too many likes in a minute. Wait a moment, then try again.", 429)


def check_report_rate(member: Member) -> None:
    if not hit("comments:reports", str(member.pk), REPORTS_PER_HOUR):
        raise Refused("You have sent many reports this hour. Try again later.", 429)


def refuse_repeat(member: Member, text_fingerprint: str) -> None:
    """A member posting the same words twice within a day: a double click, or spam."""
    since = timezone.now() - DUPLICATE_WINDOW
    repeated = (
        Comment.objects.filter(member=member, text_fingerprint=text_fingerprint)
        .filter(created_at__gte=since)
        .exclude(status=Comment.Status.DELETED)
        .exists()
    )
    if repeated:
        raise Refused("You have already posted this comment.", 409)


def hold_reason(
    comment: Comment, settings_row: DiscussionSettings, *, is_new: bool, is_staff: bool
) -> str:
    """Why `comment` should wait for a moderator; empty when it can be published."""
    if is_staff:
        return ""
    term = blocked_term_in(comment.body, tuple(settings_row.blocked_term_list()))
    if term:
        return f"Contains a blocked word or domain: {term}"
    links = comment.body_html.count("<a ")
    if links > settings_row.max_links:
        return f"Contains {links} links (more than {settings_row.max_links})"
    if not is_new:
        return ""
    if settings_row.hold_first_comment and not _has_published(comment.member):
        return "The member's first comment"
    if _copied_from_another_member(comment):
        return "The same text as another member's recent comment"
    return ""


def blocked_term_in(text: str, terms: tuple[str, ...]) -> str:
    """The first blocked term found in `text` (whole words; domains with their subdomains)."""
    lowered = text.casefold()
    for term in terms:
        if term in lowered and _term_pattern(term).search(lowered):
            return term
    return ""


@lru_cache(maxsize=512)
def _term_pattern(term: str) -> re.Pattern[str]:
    escaped = re.escape(term.casefold())
    if "." in term and not any(character.isspace() for character in term):
        return re.compile(rf"(?<![\w-])(?:[\w-]+\.)*{escaped}(?!\.?[\w-])")
    return re.compile(rf"(?<!\w){escaped}(?!\w)")


def _has_published(member: Member | None) -> bool:
    return member is not None and member.comments.filter(status=Comment.Status.PUBLISHED).exists()


def _copied_from_another_member(comment: Comment) -> bool:
    if len(comment.body) < COPIED_TEXT_MINIMUM:
        return False
    since = timezone.now() - DUPLICATE_WINDOW
    return (
        Comment.objects.filter(text_fingerprint=comment.text_fingerprint, created_at__gte=since)
        .exclude(member=comment.member)
        .exists()
    )
