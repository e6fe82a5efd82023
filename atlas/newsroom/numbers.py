"""Numbers (/newsroom/numbers/): the staff dashboard, a page per article, and CSV downloads of
every table. Counts come from analytics; members, delivery and discussions add their own figures."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from atlas.analytics import charts, geo, services
from atlas.analytics.services import Period
from atlas.delivery import tracking
from atlas.delivery.services import send_performance
from atlas.discussions.models import Comment
from atlas.members.models import Newsletter
from atlas.newsroom.access import staff_view
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page
from atlas.publishing.models import Post

RANGES = {"today": 0, "7": 6, "30": 29, "90": 89}


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


def csv_response(name: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def dashboard_tables(period: Period) -> dict[str, tuple[list[str], list[list[object]]]]:
    traffic = services.daily_traffic(period)
    sends = send_performance(*period.moments)
    engagement = tracking.engagement([send.pk for send in sends])
    growth = services.newsletter_growth(period)
    newsletters = dict(Newsletter.objects.filter(pk__in=growth).values_list("pk", "name"))
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
        "referrers": (
            ["referrer", "views"], [list(row) for row in services.top_referrers(period)]
        ),
        "countries": (
            ["country", "views"],
            [[country or "(unknown)", views] for country, views in services.top_countries(period)],
        ),
        "sends": (
            ["sent", "subject", "delivered", "failed", "bounced", "complained", "opens",
             "machine opens", "clicks"],
            [[send.created_at.date(), send.subject, send.delivered, send.failed, send.bounced,
              send.complained, *engagement.get(send.pk, {"o": "", "m": "", "c": ""}).values()]
             for send in sends],
        ),
        "newsletters": (
            ["newsletter", "subscribed", "unsubscribed"],
            sorted([newsletters.get(newsletter_id, f"(deleted newsletter {newsletter_id})"),
                    started, ended] for newsletter_id, (started, ended) in growth.items()),
        ),
    }  # fmt: skip


def _column(rows: list[list[object]], index: int) -> list[int]:
    return [int(row[index]) for row in rows]  # type: ignore[call-overload]


@staff_view(Permission.NUMBERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    chosen, period = period_from(request)
    tables = dashboard_tables(period)
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in tables:
            raise Http404("No such table.")
        return csv_response(f"analytics-{name}-{period.start}-{period.end}", *tables[name])
    traffic = tables["traffic"][1]
    labels = [str(row[0]) for row in traffic]
    sends = tables["sends"][1]
    context = {
        "chosen": chosen,
        "period": period,
        "ranges": [("today", "Today"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")],
        "totals": {
            "views": sum(_column(traffic, 1)),
            "visitors": sum(_column(traffic, 2)),
            "signups": sum(_column(traffic, 3)),
            "unsubscribes": sum(_column(traffic, 5)),
            "net_growth": sum(_column(traffic, 6)),
        },
        "traffic_chart": charts.line_chart(
            "Views and visitors",
            labels,
            {"Views": _column(traffic, 1), "Visitors": _column(traffic, 2)},
        ),
        "growth_chart": charts.bar_chart(
            "Member growth",
            labels,
            {"Sign-ups": _column(traffic, 3), "Unsubscribes": _column(traffic, 5)},
        ),
        "sends_chart": charts.bar_chart(
            "Newsletter sends",
            [str(row[1])[:30] for row in reversed(sends)],
            {
                "Delivered": [int(row[2]) for row in reversed(sends)],  # type: ignore[call-overload]
                "Failed": [int(row[3]) for row in reversed(sends)],  # type: ignore[call-overload]
            },
        ),
        "tables": tables,
        "countries_counted": geo.enabled()
        or any(row[0] != "(unknown)" for row in tables["countries"][1]),
        "query": request.GET.urlencode(),
    }
    return page(request, "newsroom/numbers/dashboard.html", context)


@staff_view(Permission.NUMBERS)
def article(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=post_id)
    chosen, period = period_from(request)
    path = post.get_absolute_url()
    by_day = services.page_views_by_day(period, post.pk)
    if period.includes_today:
        by_day[timezone.localdate()] = sum(
            views for _, views in services.top_referrers(Period(timezone.localdate(),
                                                                timezone.localdate()), path)
        )  # fmt: skip
    views_rows = [[day, by_day.get(day, 0)] for day in period.days]
    sends = send_performance(post=post)
    tables = {
        "views": (["day", "views"], views_rows),
        "referrers": (
            ["referrer", "views"],
            [list(row) for row in services.top_referrers(period, path=path)],
        ),
        "sends": (
            ["sent", "subject", "delivered", "failed", "bounced", "complained"],
            [[send.created_at.date(), send.subject, send.delivered, send.failed, send.bounced,
              send.complained] for send in sends],
        ),
    }  # fmt: skip
    if request.GET.get("format") == "csv":
        name = request.GET.get("table", "")
        if name not in tables:
            raise Http404("No such table.")
        return csv_response(f"analytics-post-{post.pk}-{name}", *tables[name])
    context = {
        "post": post,
        "chosen": chosen,
        "period": period,
        "ranges": [("today", "Today"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")],
        "comment_count": Comment.objects.visible().filter(post=post).count(),
        "views_chart": charts.line_chart(
            f"Views of “{post.title[:60]}”",
            [str(row[0]) for row in views_rows],
            {"Views": [int(row[1]) for row in views_rows]},
        ),
        "tables": tables,
        "query": request.GET.urlencode(),
    }
    return page(request, "newsroom/numbers/article.html", context)
