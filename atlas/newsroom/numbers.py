"""Numbers (/newsroom/numbers/): traffic, members, newsletters and sponsors over a range, a page
per post, and every table as CSV. Days come from the rollups; today is counted live (the raw
counters), so a visit shows within the flush interval.

Counts come from analytics; members, delivery, discussions and sponsors add their own figures.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone, translation
from django.views.decorators.http import require_safe

from atlas.analytics import geo, services
from atlas.analytics.services import Period
from atlas.billing import numbers as paid_numbers
from atlas.billing.models import BillingSettings, to_decimal
from atlas.delivery import tracking
from atlas.delivery.models import Send
from atlas.discussions.models import Comment
from atlas.members.growth import list_version
from atlas.members.models import Member, Newsletter
from atlas.newsroom.access import staff_view
from atlas.newsroom.charts import Series, bar_chart
from atlas.newsroom.roles import Permission
from atlas.newsroom.send_figures import summaries
from atlas.newsroom.templatetags.newsroom import counter
from atlas.newsroom.views import page
from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import Correction, Post
from atlas.sponsors import counting
from atlas.sponsors.models import Campaign

RANGES = {"today": 0, "7": 6, "30": 29, "90": 89}
RANGE_LABELS = [("today", "Today"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")]
Table = tuple[list[str], list[list[Any]]]


def period_from(request: HttpRequest) -> tuple[str, Period]:
    """The range asked for: today, 7, 30 (default) or 90 days, or custom start and end."""
    today = timezone.localdate()
    chosen = request.GET.get("range", "30")
    if chosen == "custom":
        try:
            start = date.fromisoformat(request.GET.get("start", ""))
            end = min(date.fromisoformat(request.GET.get("end", "")), today)
        except ValueError:
            chosen = "30"
        else:
            if start <= end and (end - start).days <= 3660:
                return chosen, Period(start, end)
            chosen = "30"
    chosen = chosen if chosen in RANGES else "30"
    return chosen, Period(today - timedelta(days=RANGES[chosen]), today)


def csv_response(name: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def csv_or(request: HttpRequest, name: str, tables: dict[str, Table]) -> HttpResponse | None:
    if request.GET.get("format") != "csv":
        return None
    table = request.GET.get("table", "")
    if table not in tables:
        raise Http404("No such table.")
    return csv_response(f"{name}-{table}", *tables[table])


def send_rows(sends: list[Send]) -> list[list[Any]]:
    engagement = tracking.engagement([send.pk for send in sends])
    counts = summaries(sends)
    rows = []
    for send in sends:
        tracked, summary = engagement.get(send.pk, {}), counts[send.pk]
        rows.append([
            timezone.localdate(send.created_at), send.subject, summary.delivered, summary.failed,
            summary.bounced, summary.complained, tracked.get("opens", ""),
            tracked.get("machine_opens", ""), tracked.get("clicks", ""), send.pk,
        ])  # fmt: skip
    return rows


SEND_HEADER = ["sent", "subject", "delivered", "failed", "bounced", "complained", "opens",
               "machine opens", "clicks", "send id"]  # fmt: skip


def newsletter_rows(period: Period) -> list[list[Any]]:
    """Per newsletter: subscriptions started, ended and the net, rollups plus today live."""
    growth = services.newsletter_growth(period)
    names = dict(Newsletter.objects.values_list("pk", "name"))
    rows = [
        [names.get(newsletter_id, f"(deleted newsletter {newsletter_id})"), started, ended,
         started - ended]
        for newsletter_id, (started, ended) in growth.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda row: str(row[0]))


def campaign_rows(period: Period) -> list[list[Any]]:
    """Campaigns that ran in the period, with their impressions and clicks so far."""
    campaigns = list(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .filter(starts_on__lte=period.end, ends_on__gte=period.start)
        .select_related("sponsor")
        .order_by("-starts_on")[:20]
    )
    sums = services.event_sums([counting.IMPRESSION, counting.CLICK], [c.pk for c in campaigns])
    impressions, clicks = counting.IMPRESSION, counting.CLICK
    return [
        [campaign.sponsor.name, campaign.headline, campaign.get_status_display(),
         sums.get((impressions, campaign.pk), 0), sums.get((clicks, campaign.pk), 0), campaign.pk]
        for campaign in campaigns
    ]  # fmt: skip


def sends_in(period: Period | None = None, post: Post | None = None) -> list[list[Any]]:
    """The latest 50 sends (of the period, or of a post) with what each got: the summaries of
    finished sends are kept a few minutes (see sends.summaries), so the ledgers are read once."""
    found = (
        Send.objects.filter(is_test=False)
        .exclude(status=Send.Status.SCHEDULED)  # not sent yet: nothing to count
        .exclude(status=Send.Status.CANCELLED, started_at=None)  # called off before it began
        .select_related("post")
        .order_by("-created_at")
    )
    if period is not None:
        start, end = period.moments
        found = found.filter(created_at__gte=start, created_at__lt=end)
    if post is not None:
        found = found.filter(post=post)
    return send_rows(list(found[:50]))


def dashboard_tables(period: Period) -> dict[str, Table]:
    traffic = services.daily_traffic(period)
    return {
        "traffic": (
            ["day", "views", "visitors", "signups", "confirmations", "unsubscribes", "net growth"],
            [[row.day, row.views, row.visitors, row.signups, row.confirmations,
              row.unsubscribes, row.net_growth] for row in traffic],
        ),
        "articles": (
            ["page", "title", "views", "post id"],
            [[row.path, row.title, row.views, row.post_id] for row in services.top_pages(period)],
        ),
        "referrers": (["referrer", "views"], [list(row) for row in services.top_referrers(period)]),
        "countries": (
            ["country", "views"],
            [[country or "(unknown)", views] for country, views in services.top_countries(period)],
        ),
        "newsletters": (["newsletter", "subscribed", "unsubscribed", "net"],
                        newsletter_rows(period)),
        "sends": (SEND_HEADER, sends_in(period)),
        "sponsors": (["sponsor", "campaign", "status", "impressions", "clicks", "campaign id"],
                     campaign_rows(period)),
    }  # fmt: skip


PAID_HEADER = ["day", "paying members", "MRR", "new paid", "churned", "trials ended",
               "trials converted", "complimentary"]  # fmt: skip


def paid_tables(request: HttpRequest, period: Period) -> dict[str, Table]:
    """Billing's numbers day by day, for staff who may see them, once paid plans exist."""
    if not request.user.has_perm("billing.view_paidsubscription") or not paid_numbers.in_use():
        return {}
    currency = BillingSettings.current().currency
    rows = [
        [point.day, point.paying, to_decimal(int(point.mrr), currency), point.new_paid,
         point.churned, point.trials_ended, point.trials_converted, point.complimentary]
        for point in paid_numbers.series(period.start, period.end)
    ]  # fmt: skip
    return {"paid": (PAID_HEADER, rows)}


def member_counts() -> dict[str, int]:
    """Active and paying members now: two counts over the whole list, kept until it changes."""

    def count() -> dict[str, int]:
        active = Member.objects.filter(status=Member.Status.ACTIVE)
        return {"active": active.count(), "paying": active.exclude(tier=Member.Tier.FREE).count()}

    key = f"newsroom:members:{list_version()}"
    counts = cache.get(key)
    if counts is None:
        counts = count()
        cache.set(key, counts, 300)
    return counts


def column(rows: list[list[Any]], index: int) -> list[int]:
    return [int(row[index] or 0) for row in rows]


def short_day(day: date) -> str:
    return formats.date_format(day, "j M")


@staff_view(Permission.NUMBERS)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    services.flush()  # this process's buffered views; the others' arrive within the interval
    chosen, period = period_from(request)
    tables = dashboard_tables(period) | paid_tables(request, period)
    if response := csv_or(request, f"numbers-{period.start}-{period.end}", tables):
        return response
    with translation.override(current_publication(request).language):
        context = dashboard_context(request, chosen, period, tables)
    return page(request, "newsroom/numbers/dashboard.html", context)


def dashboard_context(
    request: HttpRequest, chosen: str, period: Period, tables: dict[str, Table]
) -> dict[str, Any]:
    traffic, sends, newsletters = tables["traffic"][1], tables["sends"][1], tables["newsletters"][1]
    write_count = counter(translation.get_language() or "en")
    days = [short_day(row[0]) for row in traffic]
    oldest_first = list(reversed(sends))
    signups = Series("Sign-ups", column(traffic, 3))
    unsubscribes = Series("Unsubscribes", column(traffic, 5), "nr-bar-second")
    return {
        "chosen": chosen,
        "period": period,
        "ranges": RANGE_LABELS,
        "totals": {
            "views": sum(column(traffic, 1)),
            "visitors": sum(column(traffic, 2)),
            "signups": sum(signups.values),
            "unsubscribes": sum(unsubscribes.values),
            "net_growth": sum(column(traffic, 6)),
        },
        "members": member_counts(),
        "newsletter_totals": [sum(column(newsletters, index)) for index in (1, 2, 3)],
        "traffic_chart": bar_chart(
            "Views per day", days, [Series("Views", column(traffic, 1))], write_count
        ),
        "growth_chart": bar_chart(
            "Sign-ups and unsubscribes per day", days, [signups, unsubscribes], write_count
        ),
        "sends_chart": bar_chart(
            "Delivered per send",
            [str(row[1])[:14] for row in oldest_first],
            [Series("Delivered", column(oldest_first, 2))],
            write_count,
        ),
        "tables": tables,
        "countries_counted": geo.enabled()
        or any(row[0] != "(unknown)" for row in tables["countries"][1]),
        "query": request.GET.urlencode(),
        **paid_context(period, tables, days, write_count),
    }


def paid_context(
    period: Period, tables: dict[str, Table], days: list[str], write_count: Any
) -> dict[str, Any]:
    if "paid" not in tables:
        return {}
    paying = Series("Paying members", column(tables["paid"][1], 1))
    return {
        "paid": paid_numbers.figures(period.start, period.end),
        "paid_chart": bar_chart("Paying members per day", days, [paying], write_count),
    }


@staff_view(Permission.NUMBERS)
@require_safe
def article(request: HttpRequest, post_id: int) -> HttpResponse:
    services.flush()
    post = get_object_or_404(Post, pk=post_id)
    chosen, period = period_from(request)
    path = post.get_absolute_url()
    by_day = services.page_views_by_day(period, post.pk)
    if period.includes_today:
        by_day[timezone.localdate()] = services.views_today([path]).get(path, 0)
    views_rows = [[day, by_day.get(day, 0)] for day in period.days]
    tables: dict[str, Table] = {
        "views": (["day", "views"], views_rows),
        "referrers": (
            ["referrer", "views"], [list(row) for row in services.top_referrers(period, path=path)]
        ),
        "sends": (SEND_HEADER, sends_in(post=post)),
    }  # fmt: skip
    if response := csv_or(request, f"numbers-post-{post.pk}", tables):
        return response
    views = column(views_rows, 1)
    with translation.override(current_publication(request).language):
        write_count = counter(translation.get_language() or "en")
        chart = bar_chart(
            f"Views of “{post.title[:60]}” per day",
            [short_day(day) for day in period.days], [Series("Views", views)], write_count,
        )  # fmt: skip
    context = {
        "post": post,
        "chosen": chosen,
        "period": period,
        "ranges": RANGE_LABELS,
        "total_views": sum(views),
        "comment_count": Comment.objects.visible().filter(post=post).count(),
        "correction_count": Correction.objects.filter(post=post).count(),
        "views_chart": chart,
        "tables": tables,
        "query": request.GET.urlencode(),
    }
    return page(request, "newsroom/numbers/article.html", context)
