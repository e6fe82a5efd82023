"""Comments under articles: the thread, likes, reports, bans, settings and the moderation log."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, Q, Subquery
from django.utils import timezone

from atlas.lib import fragments
from atlas.lib.compiled import CompiledQuery
from atlas.lib.markdown import render_markdown
from atlas.lib.singleton import SingletonModel
from atlas.members.models import Member
from atlas.publishing.models import Post

MAX_LENGTH = 5000
MAX_DEPTH = 3  # levels shown nested; deeper replies attach to the third level
EDIT_WINDOW = timedelta(minutes=15)

_WHITESPACE = re.compile(r"\s+")


def fingerprint(text: str) -> str:
    """The same for two texts that differ only in case and spacing (duplicate detection)."""
    return hashlib.sha256(_WHITESPACE.sub(" ", text).strip().casefold().encode()).hexdigest()


class Mode(models.TextChoices):
    """Who may comment."""

    SIGNED_IN = "signed_in", "Every signed-in member"
    PAID = "paid", "Paying members only"
    CLOSED = "closed", "Nobody (closed, still readable)"


@dataclass(frozen=True)
class MemberRules:
    """What a member's page of a discussion asks about them: bans in force and reply emails
    (read with the settings, `DiscussionSettings.for_post(post, member)`)."""

    member_id: int
    banned_for_good: bool
    banned_until: datetime | None
    reply_emails_on: bool


@dataclass(frozen=True)
class MemberStanding:
    """What a member's discussion pages ask about them, whatever the post: the bans not lifted
    (one for good, and the latest end of the others) and where they turned reply emails off."""

    member_id: int
    banned_for_good: bool
    latest_ban_end: datetime | None
    no_reply_emails_anywhere: bool
    no_reply_emails_on: frozenset[int]  # post ids

    @classmethod
    def read(cls, member_id: int) -> MemberStanding:
        found = _member_standing(member_id, member_id, member_id, member_id, member_id)
        if not found:  # the member was deleted meanwhile: nothing stands against them
            return cls(member_id, False, None, False, frozenset())
        row = found[0]
        threads: frozenset[int] = frozenset()
        if row.has_thread_opt_outs:  # rare: read which threads only then
            threads = frozenset(
                ReplyEmailOptOut.objects.filter(
                    member_id=member_id, post__isnull=False
                ).values_list("post_id", flat=True)
            )
        return cls(
            member_id=member_id,
            banned_for_good=bool(row.banned_for_good),
            latest_ban_end=row.latest_ban_end,
            no_reply_emails_anywhere=bool(row.no_reply_emails_anywhere),
            no_reply_emails_on=threads,
        )

    def rules(self, post_id: int, now: datetime) -> MemberRules:
        ends = self.latest_ban_end
        return MemberRules(
            member_id=self.member_id,
            banned_for_good=self.banned_for_good,
            banned_until=ends if ends is not None and ends > now else None,
            reply_emails_on=not (
                self.no_reply_emails_anywhere or post_id in self.no_reply_emails_on
            ),
        )


class DiscussionSettings(SingletonModel):
    """How the publication's discussions work (a single row)."""

    mode = models.CharField(
        "who may comment", max_length=16, choices=Mode.choices, default=Mode.SIGNED_IN
    )
    hold_first_comment = models.BooleanField(
        default=False, help_text="Hold each member's first comment until staff approve it."
    )
    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="Hold comments with more links than this."
    )
    blocked_terms = models.TextField(
        blank=True,
        help_text="One word, phrase or domain (example.com) per line. "
        "Comments that contain one are held for review.",
    )
    minimum_account_age_hours = models.PositiveIntegerField(
        default=0, help_text="Members can comment this many hours after they joined."
    )
    comments_per_minute = models.PositiveSmallIntegerField(default=5)
    comments_per_day = models.PositiveSmallIntegerField(default=50)
    reports_to_hold = models.PositiveSmallIntegerField(
        default=3, help_text="Hold a comment once this many members have reported it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return "Discussion settings"

    @classmethod
    def for_post(cls, post: Post, member: Member | None = None) -> DiscussionSettings:
        """The settings and, in the same query, the post's own rule (`post_mode`, or None) and
        whether it has any comment at all (`has_comments`: most posts have none, and then the
        thread needs no query of its own). With a `member`, also what the page asks about them
        (`MemberRules`), which the row then holds as `member_rules`.

        Both are kept per content version (`atlas.lib.fragments`): the settings with the post's
        part for each post, what is asked about a member for each member. What they are read
        from moves the content version when it changes (a comment, the settings, a post's rule,
        a ban, a reply-email choice: services.py, signals.py), so a page never shows a kept
        value older than the page itself. The row returned is shared: read it, never change it.
        """
        found = fragments.value(
            ("discussion-rules", post.pk),
            lambda: next(iter(_settings_for_post(post.pk, post.pk)), None),
            keep_none=False,
        )
        if found is None:  # the migration creates the row; someone deleted it
            cls.current()
            return cls.for_post(post, member)
        if member is None:
            return found
        standing: MemberStanding = fragments.value(
            ("discussion-member", member.pk), lambda: MemberStanding.read(member.pk)
        )
        for_member = cls.__new__(cls)  # the shared row's fields, and the member's rules
        for_member.__dict__.update(found.__dict__)
        for_member.member_rules = standing.rules(post.pk, timezone.now())  # type: ignore[attr-defined]
        return for_member

    def rules_for(self, member: Member) -> MemberRules | None:
        """What `for_post` read about `member` with the settings, if it read about them."""
        rules: MemberRules | None = getattr(self, "member_rules", None)
        return rules if rules is not None and rules.member_id == member.pk else None

    def mode_for_post(self) -> str:
        """Who may comment on the post read by `for_post`: its own rule, else the publication's."""
        post_mode: str = getattr(self, "post_mode", None) or ""
        return PostDiscussion.EFFECTIVE_MODES.get(post_mode, self.mode)

    def blocked_term_list(self) -> list[str]:
        return [line.strip().lower() for line in self.blocked_terms.splitlines() if line.strip()]


class PostDiscussion(models.Model):
    """One post's rule, when it differs from the publication's."""

    class PostMode(models.TextChoices):
        INHERIT = "inherit", "As the publication's settings say"
        OPEN = "open", "Every signed-in member"
        PAID = "paid", "Paying members only"
        CLOSED = "closed", "Closed (still readable)"

    EFFECTIVE_MODES: dict[str, str] = {PostMode.OPEN: Mode.SIGNED_IN, PostMode.PAID: Mode.PAID,
                       PostMode.CLOSED: Mode.CLOSED}  # fmt: skip

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="discussion")
    mode = models.CharField(
        "who may comment", max_length=16, choices=PostMode.choices, default=PostMode.INHERIT
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "discussion of a post"
        verbose_name_plural = "discussions of posts"

    def __str__(self) -> str:
        return f"{self.post}: {self.get_mode_display()}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        """What readers may see: the one definition every surface uses."""
        return self.filter(status=Comment.Status.PUBLISHED, post__in=Post.objects.published())

    def needing_attention(self) -> CommentQuerySet:
        return self.filter(
            Q(status=Comment.Status.HELD)
            | Q(reports__resolved_at__isnull=True, reports__isnull=False)
        ).distinct()


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Held for review"
        HIDDEN = "hidden", "Hidden by moderators"
        DELETED = "deleted", "Deleted"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The comment answered, when deeper than the thread shows (else the parent).",
    )
    depth = models.PositiveSmallIntegerField(default=0)
    imported_author = models.CharField(
        max_length=120,
        blank=True,
        help_text="The name an imported comment was signed with, when no member has its address.",
    )
    body = models.TextField(max_length=MAX_LENGTH)
    body_html = models.TextField(editable=False)
    text_fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    status_reason = models.CharField(max_length=300, blank=True)
    is_pinned = models.BooleanField("pinned", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["post", "created_at"]),
            models.Index(fields=["member", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.excerpt}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def author_name(self) -> str:
        if self.member:
            return self.member.display_name
        return self.imported_author or "Former member"

    @property
    def excerpt(self) -> str:
        text = _WHITESPACE.sub(" ", self.body).strip()
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def set_body(self, text: str) -> None:
        """Keep the text and render it once, so that pages only read HTML."""
        text = text.replace("\x00", "")  # forms refuse NUL; PostgreSQL cannot store it
        self.body = text
        self.body_html = render_markdown(text, "inline")
        self.text_fingerprint = fingerprint(text)

    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW

    def can_be_edited(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.HELD) and (
            timezone.now() < self.editable_until()
        )


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="comment_likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "member"], name="one_like_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} likes comment {self.comment_id}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        MISINFORMATION = "misinformation", "False or misleading"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        Member, null=True, on_delete=models.SET_NULL, related_name="comment_reports"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: comment {self.comment_id}"


class BanQuerySet(models.QuerySet["CommentingBan"]):
    def in_force(self, now: datetime | None = None) -> BanQuerySet:
        return self.filter(lifted_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gt=now or timezone.now())
        )


class CommentingBan(models.Model):
    """A member who may not comment, for a time (`until`) or for good (no `until`)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="commenting_bans")
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "commenting ban"

    def __str__(self) -> str:
        until = f"until {self.until:%Y-%m-%d %H:%M}" if self.until else "for good"
        return f"{self.member} banned {until}"


class ModerationAction(models.Model):
    """The audit trail: who did what to which comment or member, when and why."""

    class Action(models.TextChoices):
        HELD = "held", "Held for review"
        APPROVED = "approved", "Approved"
        HIDDEN = "hidden", "Hidden"
        DELETED = "deleted", "Deleted by staff"
        DELETED_BY_AUTHOR = "deleted_by_author", "Deleted by its author"
        PINNED = "pinned", "Pinned"
        UNPINNED = "unpinned", "Unpinned"
        REPORTS_DISMISSED = "reports_dismissed", "Reports dismissed"
        BANNED = "banned", "Member banned from commenting"
        BAN_LIFTED = "ban_lifted", "Ban lifted"

    action = models.CharField(max_length=24, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the system (automatic rules) or the comment's author.",
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class ReplyEmailOptOut(models.Model):
    """A member who wants no reply emails: for one post's discussion, or everywhere (no post)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reply_opt_outs")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "post"],
                condition=Q(post__isnull=False),
                name="one_opt_out_per_thread",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(post__isnull=True), name="one_opt_out_everywhere"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: no reply emails {'for ' + str(self.post) if self.post else ''}"


# Every article page asks for the discussion rules: compiled once per process (atlas.lib.compiled).
_SAMPLE_POST, _SAMPLE_POST_AGAIN = -6_120_553_017, -6_120_553_018
_settings_for_post = CompiledQuery(
    DiscussionSettings,
    lambda post_id, same_post_id: DiscussionSettings.objects.filter(pk=1).annotate(
        post_mode=Subquery(PostDiscussion.objects.filter(post_id=post_id).values("mode")[:1]),
        has_comments=Exists(Comment.objects.filter(post_id=same_post_id)),
    ),
    _SAMPLE_POST,
    _SAMPLE_POST_AGAIN,
)

# What a signed-in member's discussion pages ask about them (each sample once).
_SAMPLE_MEMBER, _SAMPLE_MEMBER_AGAIN, _SAMPLE_MEMBER_THIRD, _SAMPLE_MEMBER_FOURTH = (
    -6_120_553_019,
    -6_120_553_020,
    -6_120_553_021,
    -6_120_553_023,
)
_member_standing = CompiledQuery(
    Member,
    lambda member_id, same_member_id, third_member_id, fourth_member_id, fifth_member_id: (
        Member.objects.filter(pk=member_id)
        .only("pk")
        .annotate(
            banned_for_good=Exists(
                CommentingBan.objects.filter(
                    member_id=same_member_id, lifted_at__isnull=True, until__isnull=True
                )
            ),
            latest_ban_end=Subquery(
                CommentingBan.objects.filter(
                    member_id=third_member_id, lifted_at__isnull=True, until__isnull=False
                )
                .order_by("-until")
                .values("until")[:1]
            ),
            no_reply_emails_anywhere=Exists(
                ReplyEmailOptOut.objects.filter(member_id=fourth_member_id, post__isnull=True)
            ),
            has_thread_opt_outs=Exists(
                ReplyEmailOptOut.objects.filter(member_id=fifth_member_id, post__isnull=False)
            ),
        )
        .order_by()
    ),
    _SAMPLE_MEMBER,
    _SAMPLE_MEMBER_AGAIN,
    _SAMPLE_MEMBER_THIRD,
    _SAMPLE_MEMBER_FOURTH,
    -6_120_553_024,
)
