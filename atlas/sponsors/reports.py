"""A campaign's results: impressions, clicks, unique clicks and click-through rate, by day and
by placement, as a table, a CSV file and an SVG chart drawn on the server."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pygal
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from pygal.etree import etree
from pygal.style import Style

from atlas.analytics import services as analytics
from atlas.publishing.models import Publication
from atlas.sponsors.counting import daily_counts
from atlas.sponsors.models import Campaign, Channel, SendSponsorship
from atlas.sponsors.placement import today_for
from atlas.sponsors.services import delivered_with_block

MAX_DAYS = 400
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b1f",
    foreground_strong="#1b1b1f",
    foreground_subtle="#dcdde1",
    opacity=".9",
    colors=("#1a5fb4", "#c64600"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=12,
    legend_font_size=13,
)


@dataclass(frozen=True)
class Figures:
    impressions: int = 0
    clicks: int = 0
    unique_clicks: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.impressions + other.impressions,
            self.clicks + other.clicks,
            self.unique_clicks + other.unique_clicks,
        )

    @property
    def click_through_rate(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None

    @property
    def click_through_text(self) -> str:
        rate = self.click_through_rate
        return "-" if rate is None else f"{rate * 100:.2f}%"


@dataclass(frozen=True)
class DayRow:
    day: date
    web: Figures
    email: Figures

    @property
    def total(self) -> Figures:
        return self.web + self.email


@dataclass(frozen=True)
class SendRow:
    subject: str
    started_at: datetime | None
    status: str
    delivered: int
    final: bool


@dataclass
class CampaignReport:
    campaign: Campaign
    days: list[DayRow]
    sends: list[SendRow]
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def web(self) -> Figures:
        return sum((row.web for row in self.days), Figures())

    @property
    def email(self) -> Figures:
        return sum((row.email for row in self.days), Figures())

    @property
    def total(self) -> Figures:
        return self.web + self.email

    @property
    def file_name(self) -> str:
        name = slugify(f"{self.campaign.sponsor.name} {self.campaign.headline}")[:60]
        return f"{name or 'campaign'}-{self.campaign.pk}.csv"


def build_report(campaign: Campaign, today: date | None = None) -> CampaignReport:
    """Everything counted so far: this process's buffered counts are written first; other
    processes' reach the database within ATLAS_ANALYTICS_FLUSH_SECONDS."""
    analytics.flush()
    today = today or today_for(Publication.current())
    counted: dict[date, dict[str, Figures]] = defaultdict(dict)
    for (day, channel), counts in daily_counts(campaign.pk).items():
        counted[day][channel] = Figures(counts.impressions, counts.clicks, counts.unique_clicks)
    days = sorted(set(counted) | set(_campaign_days(campaign, today)))
    rows = [
        DayRow(
            day,
            counted[day].get(Channel.WEB, Figures()),
            counted[day].get(Channel.EMAIL, Figures()),
        )
        for day in days
    ]
    return CampaignReport(campaign=campaign, days=rows, sends=_send_rows(campaign))


def _campaign_days(campaign: Campaign, today: date) -> list[date]:
    """Every day of the campaign so far (empty days too, so the chart shows gaps)."""
    last = min(campaign.ends_on, today, campaign.starts_on + timedelta(days=MAX_DAYS))
    count = (last - campaign.starts_on).days + 1
    return [campaign.starts_on + timedelta(days=offset) for offset in range(max(count, 0))]


def _send_rows(campaign: Campaign) -> list[SendRow]:
    rows = []
    for sponsorship in SendSponsorship.objects.filter(campaign=campaign).select_related("send"):
        send = sponsorship.send
        final = sponsorship.counted_at is not None
        delivered = sponsorship.delivered if final else delivered_with_block(send.pk)
        rows.append(
            SendRow(send.subject, send.started_at, send.get_status_display(), delivered or 0, final)
        )
    return rows


CSV_HEADER = ["day", "placement", "impressions", "clicks", "unique_clicks", "click_through_rate"]


def csv_rows(report: CampaignReport) -> list[list[str]]:
    rows = [CSV_HEADER]
    for row in report.days:
        for channel, figures in ((Channel.WEB, row.web), (Channel.EMAIL, row.email)):
            rate = figures.click_through_rate
            rows.append(
                [
                    row.day.isoformat(),
                    channel.value,
                    str(figures.impressions),
                    str(figures.clicks),
                    str(figures.unique_clicks),
                    "" if rate is None else f"{rate:.4f}",
                ]
            )
    return rows


def csv_response(report: CampaignReport) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    csv.writer(response).writerows(csv_rows(report))
    return response


def chart_svg(report: CampaignReport) -> bytes:
    """Impressions (left axis) and clicks (right axis) by day; no script, no remote assets."""
    chart = pygal.Line(
        js=[],
        style=CHART_STYLE,
        width=880,
        height=300,
        show_dots=len(report.days) <= 45,
        dots_size=2.5,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(report.days) // 8),
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        value_formatter=lambda value: f"{value:,.0f}",
        include_x_axis=True,
        truncate_label=-1,
        no_data_text="No figures yet",
    )
    chart.x_labels = [row.day.strftime("%d %b") for row in report.days]
    chart.add("Impressions", [row.total.impressions for row in report.days])
    chart.add("Clicks", [row.total.clicks for row in report.days], secondary=True)
    return svg_without_scripts(chart.render_tree())


def svg_without_scripts(root: Any) -> bytes:
    """pygal always embeds a small configuration script for its optional tooltips: drop it."""
    for parent in root.iter():
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    return XML_DECLARATION + etree.tostring(root)


def chart_response(report: CampaignReport) -> HttpResponse:
    response = HttpResponse(chart_svg(report), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
