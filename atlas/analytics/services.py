"""Counting for every app, rollups, retention, and the figures the dashboard and `atlas stats`
show.

Other apps count through here only: `count_event` (a request-time event, buffered in memory
and written by the process's flusher, so the request never waits for the database),
`add_events` (a total a job has worked out, written at once) and `event_totals` to read back.

`rollup(day)` replaces that day's rollup rows with ones computed from the fine-grained
counters and the member growth an app registered (`analytics.hooks`), in one transaction:
running it twice gives the same numbers, so every worker's clock may run it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from atlas.analytics import conf, counting
from atlas.analytics.hooks import MemberGrowth, growth_on
from atlas.analytics.models import (
    DailyCountryStats,
    DailyNewsletterStats,
    DailyPageStats,
    DailyReferrerStats,
    DailySalt,
    DailySiteStats,
    DailyVisitor,
    EventCounter,
    EventVisitor,
    PageViewCounter,
)
from atlas.lib.http import client_ip, is_bot, is_prefetch
from atlas.publishing.models import Post

# --- Counting, for the other apps ------------------------------------------------------------


@dataclass(frozen=True)
class EventTotals:
    count: int = 0
    visitors: int = 0

    def __add__(self, other: EventTotals) -> EventTotals:
        return EventTotals(self.count + other.count, self.visitors + other.visitors)


def is_automated(request: HttpRequest) -> bool:
    """Not a person: HEAD and other non-GETs, prefetches and previews, bots, link scanners."""
    return (
        request.method != "GET"
        or is_bot(request.headers.get("User-Agent", ""))
        or is_prefetch(request.META)
    )


def count_event(
    kind: str, subject: int, channel: str = "", *, request: HttpRequest | None = None
) -> None:
    """Count one event now, in memory: the process's flusher writes it within
    ATLAS_ANALYTICS_FLUSH_SECONDS (a crash loses at most that). With `request`, its reader
    also counts once a day towards the unique visitors (a salted hash, never the address)."""
    key = counting.EventKey(timezone.localdate(), kind, subject, channel)
    visitor = None
    if request is not None:
        agent = request.headers.get("User-Agent", "")
        visitor = counting.visitor_digest(client_ip(request), agent)
    counting.BUFFER.event(key, visitor)
    counting.FLUSHER.ensure_started()


def add_events(
    kind: str, subject: int, channel: str, day: date, count: int, visitors: int = 0
) -> None:
    """Add a total worked out elsewhere (a finished send's deliveries), in one statement."""
    table = connection.ops.quote_name(EventCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, kind, subject, channel, count, visitors) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (kind, subject, day, channel) DO UPDATE SET "
            f"count = {table}.count + excluded.count, "
            f"visitors = {table}.visitors + excluded.visitors",
            [day, kind, subject, channel, count, visitors],
        )


def flush() -> int:
    """Write this process's buffered views and events now (reports call it first)."""
    return counting.BUFFER.flush()


def event_totals(kinds: Iterable[str], subject: int) -> dict[tuple[date, str, str], EventTotals]:
    """Per (day, kind, channel): the counts of `subject`, unique visitors included (today's
    still as hashes, earlier days rolled up). Two queries."""
    kinds = list(kinds)
    totals: dict[tuple[date, str, str], EventTotals] = defaultdict(EventTotals)
    rows = EventCounter.objects.filter(kind__in=kinds, subject=subject).values_list(
        "day", "kind", "channel", "count", "visitors"
    )
    for day, kind, channel, count, visitors in rows:
        totals[day, kind, channel] += EventTotals(count, visitors)
    live = (
        EventVisitor.objects.filter(kind__in=kinds, subject=subject)
        .values_list("day", "kind", "channel")
        .annotate(Count("pk"))
        .order_by()
    )
    for day, kind, channel, visitors in live:
        totals[day, kind, channel] += EventTotals(0, visitors)
    return dict(totals)


def event_sums(kinds: Iterable[str], subjects: Iterable[int]) -> dict[tuple[str, int], int]:
    """(kind, subject): the total count over every day and channel, for many subjects at once
    (one grouped query)."""
    rows = (
        EventCounter.objects.filter(kind__in=list(kinds), subject__in=list(subjects))
        .values_list("kind", "subject")
        .annotate(Sum("count"))
        .order_by()
    )
    return {(kind, subject): total for kind, subject, total in rows}


def event_count_subquery(kind: str, subject: OuterRef) -> Subquery:
    """The total count of `kind` for `subject` (e.g. `OuterRef("pk")`), every day and channel,
    as a subquery another app can annotate its rows with (None when nothing was counted)."""
    totals = (
        EventCounter.objects.filter(kind=kind, subject=subject)
        .values("subject")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Subquery(totals)


def roll_up_event_visitors(today: date) -> int:
    """Add up the visitors of days that are over into their counters and forget the hashes.
    The rows are claimed by deleting them, so two workers at once cannot add them twice."""
    table = connection.ops.quote_name(EventVisitor._meta.db_table)
    visitors: Counter[tuple[date, str, int, str]] = Counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE day < %s RETURNING day, kind, subject, channel", [today]
        )
        for day, kind, subject, channel in cursor.fetchall():
            day = day if isinstance(day, date) else date.fromisoformat(day)  # SQLite: text
            visitors[day, kind, subject, channel] += 1
        for (day, kind, subject, channel), unique in visitors.items():
            add_events(kind, subject, channel, day, 0, unique)
    return visitors.total()


def post_ids_by_path(paths: list[str]) -> dict[str, int]:
    """Which paths are article pages, as post ids (one query)."""
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name == "publishing:post":
            slugs[path] = match.kwargs["slug"]
    ids = dict(Post.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    return {path: ids[slug] for path, slug in slugs.items() if slug in ids}


@transaction.atomic
def rollup(day: date) -> DailySiteStats:
    """(Re)compute every rollup of `day`; idempotent."""
    counters = PageViewCounter.objects.filter(day=day)
    visitors = DailyVisitor.objects.filter(day=day)
    page_views = dict(counters.values_list("path").annotate(total=Sum("views")))
    page_visitors = dict(visitors.values_list("path").annotate(total=Count("visitor_hash")))
    post_ids = post_ids_by_path(list(page_views))
    DailyPageStats.objects.filter(day=day).delete()
    DailyPageStats.objects.bulk_create(
        DailyPageStats(
            day=day, path=path, post_id=post_ids.get(path), views=views,
            visitors=page_visitors.get(path, 0),
        )
        for path, views in page_views.items()
    )  # fmt: skip
    DailyReferrerStats.objects.filter(day=day).delete()
    DailyReferrerStats.objects.bulk_create(
        DailyReferrerStats(
            day=day, path=path, referrer_domain=domain, utm_source=source,
            utm_campaign=campaign, views=views,
        )
        for path, domain, source, campaign, views in counters.values_list(
            "path", "referrer_domain", "utm_source", "utm_campaign"
        )
        .annotate(total=Sum("views"))
        .order_by()
    )  # fmt: skip
    DailyCountryStats.objects.filter(day=day).delete()
    DailyCountryStats.objects.bulk_create(
        DailyCountryStats(day=day, country=country, views=views)
        for country, views in counters.values_list("country").annotate(Sum("views")).order_by()
    )
    growth = growth_on(day)
    DailyNewsletterStats.objects.filter(day=day).delete()
    DailyNewsletterStats.objects.bulk_create(
        DailyNewsletterStats(
            day=day, newsletter_id=newsletter_id, subscribed=subscribed, unsubscribed=unsubscribed
        )
        for newsletter_id, (subscribed, unsubscribed) in growth.newsletters.items()
    )
    totals = counters.aggregate(
        total=Sum("views"), mobile=Sum("views", filter=Q(device__in=["mobile", "tablet"]))
    )
    site, _ = DailySiteStats.objects.update_or_create(
        day=day,
        defaults={
            "views": totals["total"] or 0,
            "mobile_views": totals["mobile"] or 0,
            "visitors": visitors.values("visitor_hash").distinct().count(),
            "rolled_up_at": timezone.now(),
            "signups": growth.signups,
            "paid_signups": growth.paid_signups,
            "confirmations": growth.confirmations,
            "unsubscribes": growth.unsubscribes,
            "signup_sources": growth.signup_sources,
        },
    )
    return site


def prune(today: date | None = None) -> int:
    """Forget fine-grained counts past retention, and every salt of a day that has ended."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=conf.retention_days())
    deleted = PageViewCounter.objects.filter(day__lt=cutoff).delete()[0]
    deleted += DailyVisitor.objects.filter(day__lt=cutoff).delete()[0]
    deleted += roll_up_event_visitors(today)
    DailySalt.objects.filter(day__lt=today).delete()
    return deleted


def rollup_and_prune() -> int:
    """The periodic job: yesterday again (late flushes), any unrolled day, then retention."""
    today = timezone.localdate()
    first = today - timedelta(days=conf.retention_days())
    counted = set(PageViewCounter.objects.filter(day__gte=first, day__lt=today).dates("day", "day"))
    done = set(DailySiteStats.objects.filter(day__gte=first).values_list("day", flat=True))
    days = sorted((counted - done) | {today - timedelta(days=1)})
    for day in days:
        rollup(day)
    prune(today)
    return len(days)


# --- What the dashboard reads ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def includes_today(self) -> bool:
        return self.start <= timezone.localdate() <= self.end

    @property
    def moments(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: the period's first and last days, whole."""
        start = timezone.make_aware(datetime.combine(self.start, time.min))
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))
        return start, end


@dataclass
class DayTraffic:
    day: date
    views: int = 0
    visitors: int = 0
    signups: int = 0
    confirmations: int = 0
    unsubscribes: int = 0

    @property
    def net_growth(self) -> int:
        return self.signups - self.unsubscribes


def daily_traffic(period: Period) -> list[DayTraffic]:
    """Per day: rollups, and today's live counters (2 queries, plus 3 when today is in range)."""
    rows = {
        row.day: DayTraffic(
            row.day, row.views, row.visitors, row.signups, row.confirmations, row.unsubscribes
        )
        for row in DailySiteStats.objects.filter(day__range=(period.start, period.end))
    }
    today = timezone.localdate()
    if period.includes_today:
        live: MemberGrowth = growth_on(today)
        rows[today] = DayTraffic(
            today,
            PageViewCounter.objects.filter(day=today).aggregate(total=Sum("views"))["total"] or 0,
            DailyVisitor.objects.filter(day=today).values("visitor_hash").distinct().count(),
            live.signups,
            live.confirmations,
            live.unsubscribes,
        )
    return [rows.get(day) or DayTraffic(day) for day in period.days]


@dataclass(frozen=True)
class PageRow:
    path: str
    title: str
    post_id: int | None
    views: int


def top_pages(period: Period, limit: int = 10) -> list[PageRow]:
    totals: Counter[str] = Counter(
        dict(
            DailyPageStats.objects.filter(day__range=(period.start, period.end))
            .values_list("path")
            .annotate(total=Sum("views"))
            .order_by()
        )
    )
    if period.includes_today:
        totals.update(
            dict(
                PageViewCounter.objects.filter(day=timezone.localdate())
                .values_list("path")
                .annotate(total=Sum("views"))
                .order_by()
            )
        )
    top = totals.most_common(limit)
    post_ids = post_ids_by_path([path for path, _ in top])
    titles = dict(Post.objects.filter(pk__in=post_ids.values()).values_list("pk", "title"))
    return [
        PageRow(path, titles.get(post_ids.get(path, 0), path), post_ids.get(path), views)
        for path, views in top
    ]


def top_countries(period: Period, limit: int = 20) -> list[tuple[str, int]]:
    """(ISO country code or "", views), most first: the rollups, and today's live counts."""
    today = timezone.localdate()
    countries: Counter[str] = Counter()
    rollups = DailyCountryStats.objects.filter(day__range=(period.start, period.end))
    rollups = rollups.exclude(day=today)  # today is still counting: read live below
    countries.update(dict(rollups.values_list("country").annotate(Sum("views")).order_by()))
    if period.includes_today:
        live = PageViewCounter.objects.filter(day=today)
        countries.update(dict(live.values_list("country").annotate(Sum("views")).order_by()))
    return countries.most_common(limit)


def top_referrers(period: Period, path: str | None = None, limit: int = 10) -> list[tuple]:
    """(referrer domain or utm_source, views), most first."""
    rollups = DailyReferrerStats.objects.filter(day__range=(period.start, period.end))
    live = PageViewCounter.objects.filter(day=timezone.localdate())
    if path is not None:
        rollups, live = rollups.filter(path=path), live.filter(path=path)
    sources: Counter[str] = Counter()
    querysets = [rollups, live] if period.includes_today else [rollups]
    for queryset in querysets:
        for domain, utm_source, views in (
            queryset.values_list("referrer_domain", "utm_source")
            .annotate(total=Sum("views"))
            .order_by()
        ):
            sources[domain or (f"utm: {utm_source}" if utm_source else "(direct)")] += views
    return sources.most_common(limit)


def newsletter_growth(period: Period) -> dict[int, tuple[int, int]]:
    """Per newsletter id: (subscriptions started, ended) in the period: the rollups, and today
    live, as the site's totals (`daily_traffic`) count it."""
    today = timezone.localdate()
    rows = (
        DailyNewsletterStats.objects.filter(day__range=(period.start, period.end))
        .exclude(day=today)
        .values_list("newsletter_id")
        .annotate(Sum("subscribed"), Sum("unsubscribed"))
        .order_by()
    )
    growth = {newsletter_id: (started, ended) for newsletter_id, started, ended in rows}
    if period.includes_today:
        for newsletter_id, (started, ended) in growth_on(today).newsletters.items():
            before = growth.get(newsletter_id, (0, 0))
            growth[newsletter_id] = (before[0] + started, before[1] + ended)
    return growth


def page_views_by_day(period: Period, post_id: int) -> dict[date, int]:
    """Views of one post's page per day in the period, from the rollups (today is live: see
    `top_referrers` with the post's path)."""
    return dict(
        DailyPageStats.objects.filter(post_id=post_id, day__range=(period.start, period.end))
        .values_list("day")
        .annotate(Sum("views"))
        .order_by()
    )


def views_today(paths: list[str]) -> dict[str, int]:
    """Today's live views of these paths (today is not rolled up yet)."""
    return dict(
        PageViewCounter.objects.filter(day=timezone.localdate(), path__in=paths)
        .values_list("path")
        .annotate(total=Sum("views"))
        .order_by()
    )
