"""The sponsorship calendar: a month of campaigns by placement, with the newsletter sends, and
the conflicts staff should resolve (two exclusive campaigns at once, email sold but not sent)."""

from __future__ import annotations

import calendar as month_calendar
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations

from django.db.models import Count, Prefetch
from django.db.models.functions import Coalesce

from atlas.delivery.models import Send
from atlas.members.models import Newsletter
from atlas.publishing.models import Publication, Tag
from atlas.sponsors.models import Campaign, Channel, SponsorshipOptOut

# Campaigns that were sold for their dates (an ended one ran, or ran out of its cap).
SOLD_STATUSES = (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING, Campaign.Status.ENDED)
CHANNEL_TITLES: dict[str, str] = {Channel.WEB: "Web articles", Channel.EMAIL: "Newsletter emails"}


@dataclass(frozen=True)
class Conflict:
    severity: str  # "error" or "warning"
    message: str


@dataclass
class CampaignRow:
    campaign: Campaign
    days: list[date]
    clashing: set[date] = field(default_factory=set)

    @property
    def booked(self) -> list[bool]:
        return [self.campaign.starts_on <= day <= self.campaign.ends_on for day in self.days]

    @property
    def cells(self) -> list[tuple[date, bool, bool]]:
        """(day, booked, clashing) for each day of the month."""
        return [
            (day, booked, day in self.clashing)
            for day, booked in zip(self.days, self.booked, strict=True)
        ]


@dataclass(frozen=True)
class SendMark:
    send: Send
    campaign: Campaign | None
    unfilled: list[Campaign]


@dataclass
class MonthView:
    first: date
    days: list[date]
    today: date
    rows: dict[str, list[CampaignRow]]
    sends_by_day: dict[date, list[SendMark]]
    conflicts: list[Conflict]

    @property
    def previous_month(self) -> str:
        return (self.first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def next_month(self) -> str:
        return (self.days[-1] + timedelta(days=1)).strftime("%Y-%m")

    @property
    def send_cells(self) -> list[tuple[date, list[SendMark]]]:
        return [(day, self.sends_by_day.get(day, [])) for day in self.days]

    @property
    def sections(self) -> list[tuple[str, list[CampaignRow]]]:
        return [(CHANNEL_TITLES[channel], rows) for channel, rows in self.rows.items()]


def parse_month(text: str | None, today: date) -> date:
    """The first day of "YYYY-MM", or of this month when missing or malformed."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month_view(first: date, today: date) -> MonthView:
    days = [first + timedelta(days=offset) for offset in range(_length(first))]
    campaigns = _campaigns_in(days[0], days[-1])
    rows: dict[str, list[CampaignRow]] = {
        channel: [
            CampaignRow(campaign, days) for campaign in campaigns if campaign.runs_on(channel)
        ]
        for channel in (Channel.WEB, Channel.EMAIL)
    }
    conflicts = _exclusive_clashes(rows, days)
    sends_by_day = _sends_in(days, campaigns)
    conflicts += _unfilled_sends(sends_by_day)
    conflicts += _email_campaigns_without_send(campaigns, today)
    return MonthView(first, days, today, rows, sends_by_day, conflicts)


def _length(first: date) -> int:
    return month_calendar.monthrange(first.year, first.month)[1]


def _campaigns_in(first: date, last: date) -> list[Campaign]:
    return list(
        Campaign.objects.exclude(status=Campaign.Status.DRAFT)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .select_related("sponsor")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("pk", "name")),
            Prefetch("newsletters", queryset=Newsletter.objects.only("pk", "name")),
        )
        .annotate(send_count=Count("sends"))
        .order_by("starts_on", "pk")
    )


def _targets_overlap(first: Campaign, second: Campaign, channel: str) -> bool:
    """Whether both could fill the same slot (no targeting means every article or send)."""
    groups = ["tags"] + (["newsletters"] if channel == Channel.EMAIL else [])
    for group in groups:
        first_ids = {item.pk for item in getattr(first, group).all()}
        second_ids = {item.pk for item in getattr(second, group).all()}
        if first_ids and second_ids and not first_ids & second_ids:
            return False
    return True


def _exclusive_clashes(rows: dict[str, list[CampaignRow]], days: list[date]) -> list[Conflict]:
    conflicts = []
    for channel, channel_rows in rows.items():
        exclusive = [row for row in channel_rows if _sold_exclusive(row.campaign)]
        for first, second in combinations(exclusive, 2):
            together = [
                day
                for day, one, other in zip(days, first.booked, second.booked, strict=True)
                if one and other
            ]
            if not together or not _targets_overlap(first.campaign, second.campaign, channel):
                continue
            first.clashing.update(together)
            second.clashing.update(together)
            conflicts.append(
                Conflict(
                    "error",
                    f"{CHANNEL_TITLES[channel]}: exclusive campaigns “{first.campaign}” and "
                    f"“{second.campaign}” overlap {_span(together)}.",
                )
            )
    return conflicts


def _sold_exclusive(campaign: Campaign) -> bool:
    return campaign.exclusive and campaign.status in SOLD_STATUSES


def _span(days: list[date]) -> str:
    if len(days) == 1:
        return f"on {days[0]:%d %B}"
    return f"from {days[0]:%d %B} to {days[-1]:%d %B}"


def _sends_in(days: list[date], campaigns: list[Campaign]) -> dict[date, list[SendMark]]:
    zone = zoneinfo.ZoneInfo(Publication.current().timezone)
    start = datetime.combine(days[0], time.min, zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, zone)
    sends = (
        Send.objects.filter(is_test=False)
        .exclude(status=Send.Status.CANCELLED)
        .annotate(when=Coalesce("started_at", "created_at"))
        .filter(when__gte=start, when__lt=end)
        .select_related("post", "sponsorship__campaign__sponsor")
        .prefetch_related("newsletters", "post__tags")
        .order_by("when")
    )
    opted_out = set(SponsorshipOptOut.objects.values_list("post_id", flat=True))
    sold = [c for c in campaigns if c.runs_on(Channel.EMAIL) and c.status in SOLD_STATUSES]
    marks: dict[date, list[SendMark]] = {}
    for send in sends:
        day = send.when.astimezone(zone).date()
        marks.setdefault(day, []).append(_mark(send, day, sold, opted_out))
    return marks


def _mark(send: Send, day: date, sold: list[Campaign], opted_out: set[int]) -> SendMark:
    sponsorship = getattr(send, "sponsorship", None)
    if sponsorship is not None:
        return SendMark(send, sponsorship.campaign, [])
    if send.status == Send.Status.SCHEDULED:
        return SendMark(send, None, [])  # it chooses its sponsor when it starts
    newsletter_ids = {newsletter.pk for newsletter in send.newsletters.all()}
    tag_ids = {tag.pk for tag in send.post.tags.all()}
    unfilled = [
        campaign
        for campaign in sold
        if campaign.starts_on <= day <= campaign.ends_on
        and _wants(campaign.newsletters.all(), newsletter_ids)
        and _wants(campaign.tags.all(), tag_ids)
    ]
    if send.post_id in opted_out:
        unfilled = []  # the post asked for no sponsor: not a sale lost by mistake
    return SendMark(send, None, unfilled)


def _wants(targets: object, ids: set[int]) -> bool:
    wanted = {item.pk for item in targets}  # type: ignore[attr-defined]
    return not wanted or bool(wanted & ids)


def _unfilled_sends(sends_by_day: dict[date, list[SendMark]]) -> list[Conflict]:
    conflicts = []
    for day in sorted(sends_by_day):
        for mark in sends_by_day[day]:
            if mark.unfilled:
                names = ", ".join(f"“{campaign}”" for campaign in mark.unfilled)
                conflicts.append(
                    Conflict(
                        "error",
                        f"The newsletter “{mark.send.subject}” on {day:%d %B} went out without "
                        f"a sponsor while {names} was sold for email.",
                    )
                )
    return conflicts


def _email_campaigns_without_send(campaigns: list[Campaign], today: date) -> list[Conflict]:
    conflicts = []
    for campaign in campaigns:
        if not campaign.runs_on(Channel.EMAIL) or campaign.status not in SOLD_STATUSES:
            continue
        if campaign.send_count or campaign.starts_on > today:  # type: ignore[attr-defined]
            continue
        if campaign.ends_on < today:
            message = f"“{campaign}” was sold for email but got no newsletter send."
            conflicts.append(Conflict("error", message))
        else:
            message = (
                f"“{campaign}” is sold for email and has had no newsletter send yet "
                f"(it runs until {campaign.ends_on:%d %B})."
            )
            conflicts.append(Conflict("warning", message))
    return conflicts
