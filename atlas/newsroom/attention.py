"""What needs the newsroom's attention now: the home page's summary, read from each app.

Each part is one or two indexed queries, and is read only for staff whose role may act on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from atlas.analytics import services as analytics
from atlas.delivery import services as delivery
from atlas.delivery import stalls
from atlas.delivery.models import Send
from atlas.discussions.models import Comment, Report
from atlas.members import growth
from atlas.members.models import MemberEvent, MemberImport
from atlas.newsroom.roles import Permission
from atlas.newsroom.send_figures import live_figures
from atlas.publishing.models import Post

LIST_LENGTH = 5
# Bounces "spike" when a day has this many times the usual daily number (and at least ten).
BOUNCE_SPIKE_FACTOR = 3
BOUNCE_SPIKE_MINIMUM = 10


@dataclass
class SendProgress:
    send: Send
    figures: delivery.SendFigures

    @property
    def percent(self) -> int:
        return round(100 * self.figures.done / self.figures.total) if self.figures.total else 0


@dataclass
class Decision:
    """Something only staff can settle: a paused send, bounces piling up, a failed import."""

    title: str
    reason: str
    url: str
    kind: str = "send"


@dataclass
class TodayFigure:
    label: str
    today: int
    last_week: int
    whole_day: bool = False  # last week's is the whole day's: only daily totals are kept

    @property
    def change(self) -> int | None:
        """Percent change against the same day last week (None when there was nothing)."""
        if not self.last_week:
            return None
        return round(100 * (self.today - self.last_week) / self.last_week)


@dataclass
class Attention:
    drafts: list[Post] = field(default_factory=list)
    draft_count: int = 0
    reviewing: bool = False  # the drafts are the ones ready for review
    scheduled: list[Post] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    comment_count: int = 0
    open_reports: int = 0
    sending: list[SendProgress] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    today: list[TodayFigure] = field(default_factory=list)
    last_week_day: date | None = None

    @property
    def all_clear(self) -> bool:
        return not (
            self.draft_count or self.scheduled or self.comment_count or self.open_reports
            or self.sending or self.decisions
        )  # fmt: skip


def attention_for(user: Any) -> Attention:
    found = Attention()
    if user.has_perm(Permission.POSTS):
        _posts(found, user)
    if user.has_perm(Permission.COMMENTS):
        _comments(found)
    if user.has_perm(Permission.SENDS):
        _sends(found)
    if user.has_perm(Permission.MEMBERS):
        _imports(found)
    if user.has_perm(Permission.NUMBERS):
        _today(found)
    return found


def visible_posts(user: Any) -> Any:
    """Every post for editors; their own for authors and contributors."""
    posts = Post.objects.all()
    if not user.has_perm("publishing.edit_others_posts"):
        posts = posts.filter(Q(authors__user=user) | Q(created_by=user)).distinct()
    return posts


def _posts(found: Attention, user: Any) -> None:
    """Editors see the drafts waiting for review; writers their own drafts."""
    posts = visible_posts(user).defer("body", "body_html")
    drafts = posts.filter(status=Post.Status.DRAFT)
    if user.has_perm("publishing.edit_others_posts"):
        found.reviewing = True
        drafts = drafts.filter(review_requested_at__isnull=False).order_by("review_requested_at")
    else:
        drafts = drafts.order_by("-updated_at")
    found.drafts = list(drafts[:LIST_LENGTH])
    found.draft_count = drafts.count() if len(found.drafts) == LIST_LENGTH else len(found.drafts)
    found.scheduled = list(
        posts.filter(status=Post.Status.SCHEDULED).order_by("published_at")[:LIST_LENGTH]
    )


def _comments(found: Attention) -> None:
    waiting = (
        Comment.objects.needing_attention()
        .select_related("member", "post")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .order_by("-created_at")
    )
    found.comments = list(waiting[:LIST_LENGTH])
    found.comment_count = Comment.objects.filter(status=Comment.Status.HELD).count()
    found.open_reports = Report.objects.filter(resolved_at__isnull=True).count()


def _sends(found: Attention) -> None:
    active = Send.objects.filter(
        status__in=[Send.Status.PREPARING, Send.Status.SENDING], is_test=False
    ).select_related("post")
    found.sending = [SendProgress(send, live_figures(send)) for send in active[:3]]
    stuck = Send.objects.filter(
        Q(status__in=[Send.Status.PAUSED, Send.Status.WAITING])
        | Q(status=Send.Status.SENDING, status_reason__startswith=stalls.REASON)
    )
    for send in stuck.order_by("-created_at")[:LIST_LENGTH]:
        found.decisions.append(
            Decision(
                f"“{send.subject}” is {send.get_status_display().lower()}",
                send.status_reason or "It waits for you to resume or cancel it.",
                reverse("newsroom:send", args=[send.pk]),
            )
        )
    _bounce_spikes(found)


def _bounce_spikes(found: Attention) -> None:
    """Addresses that bounced in the last day, against the daily average of the four weeks
    before: a sudden rise means a bad list or a delivery problem (one indexed count each)."""
    now = timezone.now()
    bounces = MemberEvent.objects.filter(kind=MemberEvent.Kind.BOUNCED)
    last_day = bounces.filter(created_at__gte=now - timedelta(days=1)).count()
    if last_day < BOUNCE_SPIKE_MINIMUM:
        return
    before = bounces.filter(
        created_at__gte=now - timedelta(days=29), created_at__lt=now - timedelta(days=1)
    ).count()
    usual = before / 28
    if last_day >= BOUNCE_SPIKE_FACTOR * max(usual, 1):
        found.decisions.append(
            Decision(
                "Bounces are spiking",
                f"{last_day:,} addresses bounced in the last 24 hours, against about "
                f"{round(usual):,} a day before. Check the last send and where its list came from.",
                reverse("newsroom:sends"),
            )
        )


def _imports(found: Attention) -> None:
    since = timezone.now() - timedelta(days=2)
    failed = MemberImport.objects.filter(status=MemberImport.Status.FAILED, created_at__gte=since)
    for member_import in failed[:3]:
        found.decisions.append(
            Decision(
                f"The import of {member_import.original_name} failed",
                member_import.error or "See the import's report.",
                reverse("newsroom:member_import", args=[member_import.pk]),
                kind="import",
            )
        )


def _today(found: Attention) -> None:
    """Today so far against the same day last week: up to the same time of day where the
    times are kept (sign-ups, unsubscribes), the whole day where only daily totals are (views,
    visitors)."""
    today = timezone.localdate()
    last_week = today - timedelta(days=7)
    rows = {row.day: row for row in analytics.daily_traffic(analytics.Period(last_week, today))}
    now, then = rows[today], rows[last_week]
    start = timezone.make_aware(datetime.combine(last_week, time.min))
    same_time = timezone.make_aware(datetime.combine(last_week, timezone.localtime().time()))
    signups, unsubscribes = growth.signups_and_unsubscribes(start, same_time)
    found.last_week_day = last_week
    found.today = [
        TodayFigure("Views", now.views, then.views, whole_day=True),
        TodayFigure("Visitors", now.visitors, then.visitors, whole_day=True),
        TodayFigure("Sign-ups", now.signups, signups),
        TodayFigure("Unsubscribes", now.unsubscribes, unsubscribes),
    ]
