"""Who may comment where: the one place that says so, for pages and for every form post."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.http import HttpRequest
from django.utils import formats, timezone

from atlas.discussions.models import CommentingBan, DiscussionSettings, Mode
from atlas.lib.compiled import CompiledQuery
from atlas.members.models import Member
from atlas.members.policy import current_member
from atlas.publishing.hooks import can_read
from atlas.publishing.models import Post

SIGN_IN_FIRST = "Log in or subscribe to participate."
CLOSED = "Comments are closed on this post."
PAID_ONLY = "Only paying members can comment on this post."
CANNOT_READ = "Only readers who can read this post can join its discussion."
NOT_PUBLISHED = "Comments open when the post is published."
NO_MEMBER_PROFILE = "This account has no member profile, so it cannot comment."
UNCONFIRMED = "Confirm your email address to comment: use the link we sent you."


@dataclass(frozen=True)
class Participation:
    """What the current visitor may do in one post's discussion, and why not."""

    mode: str
    signed_in: bool = False
    member: Member | None = None
    is_staff: bool = False
    refusal: str = ""

    @property
    def can_comment(self) -> bool:
        return self.signed_in and not self.refusal

    @property
    def can_act(self) -> bool:
        """Like and report: any member (or staff) who can read the post, even where they
        cannot comment (a closed thread, a ban)."""
        unreadable = self.refusal in (CANNOT_READ, NOT_PUBLISHED)
        return self.signed_in and (self.member is not None or self.is_staff) and not unreadable

    @property
    def is_closed(self) -> bool:
        return self.mode == Mode.CLOSED


def participation_for(
    request: HttpRequest, post: Post, settings_row: DiscussionSettings | None = None
) -> Participation:
    """`settings_row`, when given, comes from `DiscussionSettings.for_post(post)`."""
    settings_row = settings_row or DiscussionSettings.for_post(post)
    mode = settings_row.mode_for_post()
    user = request.user
    if not user.is_authenticated:
        return Participation(mode=mode, refusal=CLOSED if mode == Mode.CLOSED else "")
    member = current_member(request)
    found = Participation(mode=mode, signed_in=True, member=member, is_staff=user.is_staff)
    refusal = _refusal(request, post, found, settings_row)
    return Participation(mode, True, member, user.is_staff, refusal) if refusal else found


def _refusal(
    request: HttpRequest, post: Post, found: Participation, settings_row: DiscussionSettings
) -> str:
    if found.mode == Mode.CLOSED:
        return CLOSED
    if not post.is_live:
        return NOT_PUBLISHED
    if not can_read(request, post):
        return CANNOT_READ
    if found.is_staff:
        return ""
    member = found.member
    if member is None:
        return NO_MEMBER_PROFILE
    if member.confirmed_at is None:
        return UNCONFIRMED
    if found.mode == Mode.PAID and not member.is_paid:
        return PAID_ONLY
    return ban_refusal(member, settings_row) or account_age_refusal(member, settings_row)


# Asked on every signed-in member's article page: compiled once per process.
_bans_in_force = CompiledQuery(
    CommentingBan,
    lambda member_id, now: (
        CommentingBan.objects.in_force(now).filter(member_id=member_id).order_by()
    ),
    -5_310_884_207,
    datetime(1901, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
)


def ban_refusal(member: Member, settings_row: DiscussionSettings | None = None) -> str:
    """`settings_row`, when read for this member (`for_post(post, member)`), already says."""
    rules = settings_row.rules_for(member) if settings_row is not None else None
    if rules is not None:
        for_good, last = rules.banned_for_good, rules.banned_until
    else:
        ends = [ban.until for ban in _bans_in_force(member.pk, timezone.now())]
        for_good = None in ends
        last = max((end for end in ends if end is not None), default=None)
    if for_good:
        return "You can no longer comment: a moderator has banned this account from commenting."
    if last is None:
        return ""
    return f"A moderator has banned this account from commenting until {_when(last)}."


def account_age_refusal(member: Member, settings_row: DiscussionSettings) -> str:
    hours = settings_row.minimum_account_age_hours
    allowed_from = member.created_at + timedelta(hours=hours)
    if hours and timezone.now() < allowed_from:
        return f"New members can comment from {_when(allowed_from)}."
    return ""


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")
