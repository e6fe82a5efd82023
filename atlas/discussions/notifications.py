"""Emails about comments: replies to members, new reports and held comments to moderators.

Each email is an OutboundEmail row written in the same transaction as the change it is about
(`atlas.members.outbox.queue`); a worker sends it after the commit. Context values are plain
strings, so a row can be rendered again by any worker.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from atlas.discussions.models import Comment, ReplyEmailOptOut
from atlas.lib.compiled import CompiledQuery
from atlas.lib.markdown import plain_text
from atlas.lib.signing import Tokens
from atlas.members import outbox
from atlas.members.models import Member
from atlas.publishing.models import Publication
from atlas.runtime.ratelimit import Limit, hit

REPLY_TEMPLATE = "discussions/email/reply"
MODERATION_TEMPLATE = "discussions/email/moderation"
REPLY_EMAIL_TOKENS = Tokens("atlas.discussions.reply-emails")
UNDELIVERABLE_STATUSES = (Member.Status.BOUNCED, Member.Status.COMPLAINED)
EXCERPT_LENGTH = 300
MODERATION_ALERTS = Limit(hits=10, seconds=3600)


def reply_email_token(member_id: int, post_id: int | None) -> str:
    """A signed, non-expiring token: stop reply emails for a member (one thread, or all)."""
    return REPLY_EMAIL_TOKENS.dumps([member_id, post_id])


def read_reply_email_token(token: str) -> tuple[int, int | None] | None:
    found = REPLY_EMAIL_TOKENS.ids(token, 2, optional=1)
    if found is None or found[0] is None:
        return None
    return found[0], found[1]


# Asked on every signed-in member's article page: compiled once per process.
_reply_opt_out = CompiledQuery(
    ReplyEmailOptOut,
    lambda member_id, post_id: (
        ReplyEmailOptOut.objects.filter(member_id=member_id)
        .filter(Q(post__isnull=True) | Q(post_id=post_id))
        .order_by()[:1]
    ),
    -5_310_884_208,
    -5_310_884_209,
)


def wants_reply_emails(member: Member, post_id: int) -> bool:
    return not _reply_opt_out(member.pk, post_id)


def queue_reply_email(comment: Comment) -> bool:
    """Tell the author of the comment answered, once per reply; True when an email was queued."""
    answered = comment.reply_to or comment.parent
    if answered is None or not comment.is_visible or not answered.is_visible:
        return False
    recipient = answered.member
    if recipient is None or recipient.pk == comment.member_id or not _deliverable(recipient):
        return False
    if not wants_reply_emails(recipient, comment.post_id):
        return False
    first_time = Comment.objects.filter(pk=comment.pk, reply_notified_at__isnull=True).update(
        reply_notified_at=timezone.now()
    )
    if not first_time:
        return False
    outbox.queue(recipient.email, REPLY_TEMPLATE, recipient, **_reply_context(comment, recipient))
    return True


def _deliverable(member: Member) -> bool:
    return member.status not in UNDELIVERABLE_STATUSES and not member.email.endswith(".invalid")


def _reply_context(comment: Comment, recipient: Member) -> dict[str, str]:
    publication = Publication.current()
    thread_token = reply_email_token(recipient.pk, comment.post_id)
    everywhere_token = reply_email_token(recipient.pk, None)
    return {
        "replier_name": comment.author_name,
        "post_title": comment.post.title,
        "reply_text": _excerpt(comment.body_html),
        "comment_url": publication.absolute(comment.get_absolute_url()),
        "unsubscribe_url": publication.absolute(_unsubscribe_path(thread_token)),
        "unsubscribe_all_url": publication.absolute(_unsubscribe_path(everywhere_token)),
    }


def _unsubscribe_path(token: str) -> str:
    return reverse("discussions:unsubscribe", args=[token])


def _excerpt(html: str) -> str:
    text = plain_text(html)
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def moderators() -> QuerySet[User]:
    """Active staff who may moderate comments and have an address to write to."""
    may_moderate = Q(is_superuser=True) | Q(
        user_permissions__codename="change_comment",
        user_permissions__content_type__app_label="discussions",
    )
    through_group = Q(
        groups__permissions__codename="change_comment",
        groups__permissions__content_type__app_label="discussions",
    )
    users = User.objects.filter(is_active=True, is_staff=True).exclude(email="")
    return users.filter(may_moderate | through_group).distinct()


def queue_moderation_email(comment: Comment, why: str) -> int:
    """Tell moderators a comment waits for them; returns how many emails were queued.

    A spam wave must not flood their inboxes: past MODERATION_ALERTS an hour, the queue in the
    admin is where they find the rest.
    """
    if not hit("comments:moderation-alerts", "all", MODERATION_ALERTS):
        return 0
    publication = Publication.current()
    context = {
        "why": why,
        "author_name": comment.author_name,
        "post_title": comment.post.title,
        "comment_text": _excerpt(comment.body_html),
        "review_url": publication.absolute(
            reverse("admin:discussions_comment_change", args=[comment.pk])
        ),
        "queue_url": publication.absolute(reverse("admin:discussions_comment_changelist"))
        + "?attention=yes",
    }
    recipients = list(moderators().values_list("email", flat=True))
    for address in recipients:
        outbox.queue(address, MODERATION_TEMPLATE, None, **context)
    return len(recipients)
