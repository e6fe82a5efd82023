"""Members' workflows: comment, reply, edit, delete, like, report, choose reply emails.

Who may act is decided before these are called (`access.participation`); these apply the
content rules, write the rows, the audit trail and the emails in one transaction, and retire
cached pages after the commit whenever what readers see changed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from atlas.discussions import notifications, rules
from atlas.discussions.models import (
    MAX_DEPTH,
    Comment,
    CommentLike,
    DiscussionSettings,
    ModerationAction,
    ReplyEmailOptOut,
    Report,
    fingerprint,
)
from atlas.discussions.rules import Refused
from atlas.lib import pagecache
from atlas.members.models import Member
from atlas.publishing.models import Post

EDIT_WINDOW_OVER = "Comments can be edited for 15 minutes after posting; this one no longer can."
NOT_REPLYABLE = "You can only reply to a published comment on this post."


def refresh_public_pages() -> None:
    """Anonymous readers see the change within seconds: cached pages retire after the commit."""
    pagecache.changed()


def staff_member(user: Any) -> Member:
    """The member profile staff comment with (made on their first comment)."""
    existing = Member.objects.filter(user=user).first()
    if existing is not None:
        return existing
    same_address = Member.objects.with_email(user.email).first() if user.email else None
    if same_address is not None and same_address.user_id is None:
        same_address.user = user  # their reader profile, now with their staff account
        same_address.save(update_fields=["user", "updated_at"])
        return same_address
    # An address taken by another account is not theirs to use; .invalid is never mailed.
    email = f"{user.username}@staff.invalid" if same_address or not user.email else user.email
    try:
        with transaction.atomic():
            return Member.objects.create(
                email=email, name=user.get_full_name() or user.username, user=user,
                status=Member.Status.ACTIVE, confirmed_at=timezone.now(), source="staff",
            )  # fmt: skip
    except IntegrityError:  # their first two comments raced
        return Member.objects.get(user=user)


def post_comment(
    member: Member, post: Post, text: str, parent: Comment | None = None, *, is_staff: bool = False
) -> Comment:
    """Publish (or hold) a new comment or reply; raise Refused with a reason otherwise."""
    settings_row = DiscussionSettings.current()
    text = rules.clean_text(text)
    comment = Comment(post=post, member=member)
    if parent is not None:
        attach_reply(comment, parent)
    rules.refuse_repeat(member, fingerprint(text))
    rules.check_comment_rate(member, settings_row)
    comment.set_body(text)
    reason = rules.hold_reason(comment, settings_row, is_new=True, is_staff=is_staff)
    with transaction.atomic():
        comment.status = Comment.Status.HELD if reason else Comment.Status.PUBLISHED
        comment.status_reason = reason
        comment.save()
        _after_status_set(comment, reason)
    return comment


def attach_reply(comment: Comment, answered: Comment) -> None:
    """Nest under `answered`; past the deepest level, beside it (the page says "replying to")."""
    if answered.post_id != comment.post_id or not answered.is_visible:
        raise Refused(NOT_REPLYABLE, 400)
    if answered.depth + 1 < MAX_DEPTH:
        comment.parent, comment.depth = answered, answered.depth + 1
    else:
        comment.parent_id, comment.depth = answered.parent_id, answered.depth
    comment.reply_to = answered


def _after_status_set(comment: Comment, hold_reason: str) -> None:
    if hold_reason:
        ModerationAction.objects.create(
            action=ModerationAction.Action.HELD,
            comment=comment,
            member=comment.member,
            reason=hold_reason[:300],
        )
        notifications.queue_moderation_email(comment, f"Held for review: {hold_reason}")
    else:
        notifications.queue_reply_email(comment)
    refresh_public_pages()


def edit_comment(member: Member, comment: Comment, text: str, *, is_staff: bool = False) -> None:
    """The author changes their words, within the edit window; the comment is marked edited."""
    if comment.member_id != member.pk:
        raise Refused("You can only edit your own comments.", 404)
    if not comment.can_be_edited():
        raise Refused(EDIT_WINDOW_OVER)
    settings_row = DiscussionSettings.current()
    comment.set_body(rules.clean_text(text))
    comment.edited_at = timezone.now()
    reason = rules.hold_reason(comment, settings_row, is_new=False, is_staff=is_staff)
    with transaction.atomic():
        newly_held = bool(reason) and comment.status == Comment.Status.PUBLISHED
        if newly_held:
            comment.status, comment.status_reason = Comment.Status.HELD, reason
        comment.save()
        if newly_held:
            _after_status_set(comment, reason)
        refresh_public_pages()


def delete_own_comment(member: Member, comment: Comment) -> None:
    """The author takes their words back: the text goes; replies to it stay."""
    if comment.member_id != member.pk:
        raise Refused("You can only delete your own comments.", 404)
    if comment.status == Comment.Status.DELETED:
        return
    with transaction.atomic():
        comment.status = Comment.Status.DELETED
        comment.status_reason = "Deleted by its author"
        comment.body = comment.body_html = ""
        comment.is_pinned = False
        comment.save()
        ModerationAction.objects.create(
            action=ModerationAction.Action.DELETED_BY_AUTHOR, comment=comment, member=member
        )
        refresh_public_pages()


def toggle_like(member: Member, comment: Comment) -> bool:
    """Like a comment, or take the like back; True when it is now liked.

    Anonymous pages are not refreshed for a like: their counts catch up with the next change.
    """
    if not comment.is_visible:
        raise Refused("Only published comments can be liked.", 400)
    if comment.member_id == member.pk:
        raise Refused("You cannot like your own comment.", 400)
    rules.check_like_rate(member)
    deleted, _ = CommentLike.objects.filter(comment=comment, member=member).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            CommentLike.objects.create(comment=comment, member=member)
    except IntegrityError:  # a double click: the other request liked it
        pass
    return True


def report_comment(member: Member, comment: Comment, reason: str, note: str = "") -> Report:
    """Flag a comment for moderators; enough reports hold it until someone looks."""
    if comment.member_id == member.pk:
        raise Refused("You cannot report your own comment.", 400)
    if not comment.is_visible:
        raise Refused("This comment is already with the moderators.", 400)
    if Report.objects.filter(comment=comment, reporter=member).exists():
        raise Refused("You have already reported this comment. Thank you.", 409)
    rules.check_report_rate(member)
    with transaction.atomic():
        report = Report.objects.create(
            comment=comment, reporter=member, reason=reason, note=note[:500]
        )
        open_reports = comment.reports.filter(resolved_at__isnull=True).count()
        if open_reports == 1:
            why = f"Reported: {report.get_reason_display()}"
            notifications.queue_moderation_email(comment, why + (f" ({note})" if note else ""))
        if open_reports >= DiscussionSettings.current().reports_to_hold:
            _hold_after_reports(comment, open_reports)
    return report


def _hold_after_reports(comment: Comment, open_reports: int) -> None:
    reason = f"Reported by {open_reports} members"
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HELD, status_reason=reason)
    ModerationAction.objects.create(
        action=ModerationAction.Action.HELD, comment=comment, member=comment.member, reason=reason
    )
    refresh_public_pages()


def set_reply_emails(member: Member, enabled: bool, post: Post | None = None) -> None:
    """Reply emails on or off, for one post's discussion or (no post) everywhere."""
    opt_outs = ReplyEmailOptOut.objects.filter(member=member, post=post)
    if enabled:
        opt_outs.delete()
        if post is None:  # on everywhere means on in every thread, too
            ReplyEmailOptOut.objects.filter(member=member).delete()
    elif not opt_outs.exists():
        try:
            with transaction.atomic():
                ReplyEmailOptOut.objects.create(member=member, post=post)
        except IntegrityError:
            pass
