"""`atlas stats`: the headline numbers of the last 7 days (the Numbers page, in a terminal)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from atlas.analytics import services
from atlas.analytics.services import Period
from atlas.delivery.services import send_performance


class Command(BaseCommand):
    help = "Print views, visitors, top articles, member growth and the last send's delivery."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        period = Period(today - timedelta(days=6), today)
        traffic = services.daily_traffic(period)
        write = self.stdout.write
        write(f"Last 7 days ({period.start} to {period.end})")
        write(f"  Views:        {sum(row.views for row in traffic)}")
        write(f"  Visitors:     {sum(row.visitors for row in traffic)} (sum of daily uniques)")
        write(f"  Sign-ups:     {sum(row.signups for row in traffic)}")
        write(f"  Unsubscribes: {sum(row.unsubscribes for row in traffic)}")
        write(f"  Net growth:   {sum(row.net_growth for row in traffic)}")
        write("Top articles:")
        for row in services.top_pages(period, limit=5):
            write(f"  {row.views:>8}  {row.title}")
        sends = send_performance()
        if sends:
            last = sends[0]
            write(
                f"Last send: {last.send.subject}: {last.delivered} delivered, {last.failed} failed"
            )
        else:
            write("Last send: none")
