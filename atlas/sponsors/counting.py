"""Impressions and clicks, counted exactly and cheaply: one atomic upsert per event.

A click is one statement: today's row for (campaign, channel, visitor) is created with one click
or gets one more, so the day's clicks are the sum of the rows and its unique clicks their number.
The visitor is a hash of a secret salt for the day, the address and the browser's user agent:
the address is never stored, and once the day is over its rows are added up into the campaign's
daily counts and deleted with the salt, after which nobody can link a click to anyone.
Impressions are added straight to the daily counts, also in one statement.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.http import HttpRequest

from atlas.members.http import client_ip
from atlas.sponsors.models import Campaign, CampaignDay, ClickVisitor, DailySalt

# Crawlers, link unfurlers and the scanners mail systems run on every link of a message.
# Lower case, matched anywhere in the User-Agent. A browser always sends one: none is a bot too.
AUTOMATED_AGENTS = (
    "bot", "crawl", "spider", "slurp", "scanner", "preview", "facebookexternalhit", "embedly",
    "whatsapp", "skypeuripreview", "bitlybot", "outbrain", "headlesschrome", "phantomjs",
    "curl/", "wget/", "python-requests", "python-urllib", "aiohttp", "go-http-client", "okhttp",
    "java/", "libwww-perl", "httpclient", "barracuda", "proofpoint", "mimecast", "safelinks",
    "urldefense", "trendmicro", "forcepoint", "symantec", "sophos", "fortiguard",
)  # fmt: skip
_AUTOMATED = re.compile("|".join(re.escape(part) for part in AUTOMATED_AGENTS))

_salt_of_day: dict[date, str] = {}


@dataclass(frozen=True)
class DayCounts:
    impressions: int = 0
    clicks: int = 0
    unique_clicks: int = 0


def is_automated(request: HttpRequest) -> bool:
    """Requests that are not a person following the link: HEAD, prefetches, bots, scanners."""
    if request.method != "GET":
        return True
    purpose = f"{request.headers.get('Purpose', '')} {request.headers.get('Sec-Purpose', '')}"
    if "prefetch" in purpose.lower() or request.headers.get("X-Moz", "").lower() == "prefetch":
        return True
    agent = request.headers.get("User-Agent", "").lower()
    return not agent or _AUTOMATED.search(agent) is not None


def salt_for(day: date) -> str:
    """The day's secret, made by whichever process needs it first (the same for all)."""
    salt = _salt_of_day.get(day)
    if salt is None:
        DailySalt.objects.bulk_create(
            [DailySalt(day=day, salt=secrets.token_hex(32))], ignore_conflicts=True
        )
        salt = DailySalt.objects.get(day=day).salt
        _salt_of_day.clear()
        _salt_of_day[day] = salt
    return salt


def visitor_fingerprint(request: HttpRequest, day: date) -> str:
    agent = request.headers.get("User-Agent", "")
    material = f"{salt_for(day)}\n{client_ip(request)}\n{agent}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def destination_of(campaign_id: int) -> str | None:
    """The campaign's stored address: one indexed read (plain SQL, this is the hot path)."""
    table = connection.ops.quote_name(Campaign._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT destination_url FROM {table} WHERE id = %s", [campaign_id])
        row = cursor.fetchone()
    return row[0] if row else None


def record_click(campaign_id: int, channel: str, day: date, visitor: str) -> None:
    table = connection.ops.quote_name(ClickVisitor._meta.db_table)
    # One statement in autocommit: SQLite's write lock is held for microseconds, never while
    # this thread waits for the GIL (a transaction of several statements held it across
    # those waits and stretched the tail latency tenfold under load).
    with contextlib.suppress(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, day, channel, visitor, clicks) "
            "VALUES (%s, %s, %s, %s, 1) ON CONFLICT (campaign_id, day, channel, visitor) "
            f"DO UPDATE SET clicks = {table}.clicks + 1",
            [campaign_id, day, channel, visitor],
        )


def record_impression(campaign_id: int, channel: str, day: date, count: int = 1) -> None:
    with contextlib.suppress(IntegrityError):  # the campaign was deleted a moment ago
        add_to_day(campaign_id, channel, day, impressions=count)


def add_to_day(
    campaign_id: int,
    channel: str,
    day: date,
    impressions: int = 0,
    clicks: int = 0,
    unique_clicks: int = 0,
) -> None:
    """Add to the day's counts in one statement: no read-modify-write, so nothing is lost."""
    table = connection.ops.quote_name(CampaignDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(campaign_id, day, channel, impressions, clicks, unique_clicks) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (campaign_id, day, channel) DO UPDATE SET "
            f"impressions = {table}.impressions + excluded.impressions, "
            f"clicks = {table}.clicks + excluded.clicks, "
            f"unique_clicks = {table}.unique_clicks + excluded.unique_clicks",
            [campaign_id, day, channel, impressions, clicks, unique_clicks],
        )


def roll_up_past_days(today: date) -> int:
    """Add the clicks of days that are over to the daily counts, then forget their visitors
    and salts (a periodic job). The rows are claimed by deleting them, so two workers running
    it at once cannot add the same clicks twice."""
    table = connection.ops.quote_name(ClickVisitor._meta.db_table)
    totals: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0, 0])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE day < %s RETURNING campaign_id, day, channel, clicks",
            [today],
        )
        rows = cursor.fetchall()
        for campaign_id, day, channel, clicks in rows:
            key = (campaign_id, _as_date(day), channel)
            totals[key][0] += clicks
            totals[key][1] += 1
        for (campaign_id, day, channel), (clicks, visitors) in totals.items():
            add_to_day(campaign_id, channel, day, clicks=clicks, unique_clicks=visitors)
        deleted_salts, _ = DailySalt.objects.filter(day__lt=today).delete()
    return len(rows) + deleted_salts


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite: text


def daily_counts(campaign_id: int) -> dict[tuple[date, str], DayCounts]:
    """Per (day, channel), the counts so far: the rolled-up days and today's live clicks."""
    totals: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, channel, impressions, clicks, unique_clicks in CampaignDay.objects.filter(
        campaign_id=campaign_id
    ).values_list("day", "channel", "impressions", "clicks", "unique_clicks"):
        totals[day, channel] = [impressions, clicks, unique_clicks]
    live = (
        ClickVisitor.objects.filter(campaign_id=campaign_id)
        .values_list("day", "channel")
        .annotate(clicks_total=Sum("clicks"), visitors=Count("pk"))
        .order_by()
    )
    for day, channel, clicks, visitors in live:
        totals[day, channel][1] += clicks
        totals[day, channel][2] += visitors
    return {key: DayCounts(*values) for key, values in totals.items()}
