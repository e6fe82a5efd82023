"""Staff moderation: approve, hide, delete, pin, dismiss reports, ban. Each step is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlas.discussions import notifications
from atlas.discussions.models import Comment, CommentingBan, ModerationAction
from atlas.discussions.services import refresh_public_pages
from atlas.members.models import Member

Action = ModerationAction.Action


def _record(action: str, actor: Any, comment: Comment | None = None, **fields: Any) -> None:
    member = fields.pop("member", comment.member if comment else None)
    ModerationAction.objects.create(
        action=action, actor=actor, comment=comment, member=member, **fields
    )


def _resolve_reports(comment: Comment, actor: Any) -> int:
    return comment.reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def approve(comment: Comment, actor: Any, reason: str = "") -> None:
    """Publish a held or hidden comment; its reports are resolved; a reply is announced once."""
    comment.status, comment.status_reason = Comment.Status.PUBLISHED, ""
    comment.save(update_fields=["status", "status_reason"])
    _resolve_reports(comment, actor)
    _record(Action.APPROVED, actor, comment, reason=reason[:300])
    notifications.queue_reply_email(comment)
    refresh_public_pages()


@transaction.atomic
def hide(comment: Comment, actor: Any, reason: str) -> None:
    """Take a comment off the page; a thread under it shows "removed by a moderator"."""
    _take_down(comment, Comment.Status.HIDDEN, actor, reason)
    _record(Action.HIDDEN, actor, comment, reason=reason[:300])


@transaction.atomic
def delete(comment: Comment, actor: Any, reason: str) -> None:
    """Like hiding, for good: the text stays only for the audit trail."""
    _take_down(comment, Comment.Status.DELETED, actor, reason)
    _record(Action.DELETED, actor, comment, reason=reason[:300])


def _take_down(comment: Comment, status: str, actor: Any, reason: str) -> None:
    comment.status, comment.status_reason, comment.is_pinned = status, reason[:300], False
    comment.save(update_fields=["status", "status_reason", "is_pinned"])
    _resolve_reports(comment, actor)
    refresh_public_pages()


@transaction.atomic
def set_pinned(comment: Comment, actor: Any, pinned: bool) -> bool:
    """Pin a published top-level comment above the others (or unpin it); False if it cannot be."""
    if pinned and (comment.parent_id is not None or not comment.is_visible):
        return False
    comment.is_pinned = pinned
    comment.save(update_fields=["is_pinned"])
    _record(Action.PINNED if pinned else Action.UNPINNED, actor, comment)
    refresh_public_pages()
    return True


@transaction.atomic
def dismiss_reports(comment: Comment, actor: Any, reason: str = "") -> int:
    """The reports were unfounded: close them, and publish the comment if reports held it."""
    dismissed = _resolve_reports(comment, actor)
    _record(Action.REPORTS_DISMISSED, actor, comment, reason=reason[:300])
    if comment.status == Comment.Status.HELD and comment.status_reason.startswith("Reported"):
        approve(comment, actor, "Reports dismissed")
    return dismissed


@transaction.atomic
def ban(member: Member, actor: Any, reason: str, until: datetime | None = None) -> CommentingBan:
    """Stop a member commenting, until a time or (no `until`) for good. Their words stay."""
    commenting_ban = CommentingBan.objects.create(
        member=member, until=until, reason=reason[:300], created_by=actor
    )
    until_text = f"until {until:%Y-%m-%d %H:%M %Z}" if until else "for good"
    _record(Action.BANNED, actor, member=member, reason=f"{reason} ({until_text})"[:300])
    return commenting_ban


@transaction.atomic
def lift_ban(commenting_ban: CommentingBan, actor: Any, reason: str = "") -> None:
    commenting_ban.lifted_at = timezone.now()
    commenting_ban.save(update_fields=["lifted_at"])
    _record(Action.BAN_LIFTED, actor, member=commenting_ban.member, reason=reason[:300])
