"""A campaign's impressions and clicks, counted by the analytics app (`analytics.services`).

A click or a web impression is a buffered event: the redirect and the pixel only add to
memory, and the process's flusher writes the counts (exact: upserts that add) every few
seconds. Clicks carry the reader's request, so that analytics can count each reader once a day
by a salted hash that it forgets once the day is over; the address is never stored. Email
impressions are the messages delivered with the block, added when a send is over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection

from atlas.analytics import services as analytics
from atlas.sponsors.models import IMPRESSION_EVENT, Campaign

IMPRESSION = IMPRESSION_EVENT
CLICK = "sponsor.click"


@dataclass(frozen=True)
class DayCounts:
    impressions: int = 0
    clicks: int = 0
    unique_clicks: int = 0


def destination_of(campaign_id: int) -> str | None:
    """The campaign's stored address: one indexed read (plain SQL, this is the hot path)."""
    table = connection.ops.quote_name(Campaign._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT destination_url FROM {table} WHERE id = %s", [campaign_id])
        row = cursor.fetchone()
    return row[0] if row else None


def add_to_day(
    campaign_id: int,
    channel: str,
    day: date,
    impressions: int = 0,
    clicks: int = 0,
    unique_clicks: int = 0,
) -> None:
    """Add totals at once (a finished send's deliveries, the demo's history)."""
    if impressions:
        analytics.add_events(IMPRESSION, campaign_id, channel, day, impressions)
    if clicks or unique_clicks:
        analytics.add_events(CLICK, campaign_id, channel, day, clicks, unique_clicks)


def daily_counts(campaign_id: int) -> dict[tuple[date, str], DayCounts]:
    """Per (day, channel), the counts written so far."""
    totals: dict[tuple[date, str], dict[str, int]] = defaultdict(dict)
    for (day, kind, channel), counted in analytics.event_totals(
        [IMPRESSION, CLICK], campaign_id
    ).items():
        if kind == IMPRESSION:
            totals[day, channel]["impressions"] = counted.count
        else:
            totals[day, channel]["clicks"] = counted.count
            totals[day, channel]["unique_clicks"] = counted.visitors
    return {key: DayCounts(**values) for key, values in totals.items()}
