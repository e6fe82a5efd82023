"""Paid numbers, for the newsroom's Numbers page and billing's own staff page.

Everything is worked out from the subscriptions as Stripe last described them (start, trial
end, end, price), so history is there from the first day, imported subscriptions included:

- `paying`: paying members, one per subscription that gives access (trialing, active, past_due
  until its grace period ends, as entitlement has it; Atlas never lets a member hold two);
- `mrr`: monthly recurring revenue in the publication's currency, in its smallest unit (a yearly
  price counts a twelfth; trials count from their end, and only once they were charged);
- `new_paid`: subscriptions started in the range that were ever paid;
- `churned`: paid subscriptions that ended in the range;
- `trials_ended` / `trials_converted`: trials whose end fell in the range, and those charged after;
- `complimentary`: live complimentary and gift plans.

`figures(start, end)` gives one range's totals and the same per tier; `series(start, end)` one
point per day, `tier_series(start, end)` the same per tier; `csv_lines(start, end)` all of them
as CSV.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from atlas.billing.models import BillingSettings, Grant, PaidSubscription, Tier, to_decimal

NOT_PAYING_NOW = {"canceled", "unpaid", "incomplete", "incomplete_expired", "paused"}
NO_TIER = "No tier"


@dataclass(frozen=True)
class Span:
    """One subscription as intervals: paid [start, stop), charged [charged_from, stop)."""

    member_id: int | None
    tier: str
    start: datetime
    stop: datetime | None
    charged_from: datetime | None
    monthly: Decimal
    trial_end: datetime | None
    converted: bool

    def paying_at(self, moment: datetime) -> bool:
        return self.start <= moment and (self.stop is None or moment < self.stop)

    def mrr_at(self, moment: datetime) -> Decimal:
        if self.charged_from is None or moment < self.charged_from:
            return Decimal(0)
        return self.monthly if self.paying_at(moment) else Decimal(0)


@dataclass
class Figures:
    start: date
    end: date
    currency: str
    paying: int = 0
    mrr: Decimal = Decimal(0)
    new_paid: int = 0
    churned: int = 0
    trials_ended: int = 0
    trials_converted: int = 0
    complimentary: int = 0
    per_tier: dict[str, Figures] = field(default_factory=dict)

    @property
    def mrr_display(self) -> Decimal:
        """MRR in the currency's units (euros, not cents)."""
        return to_decimal(int(self.mrr), self.currency)

    @property
    def conversion_rate(self) -> float | None:
        return self.trials_converted / self.trials_ended if self.trials_ended else None


@dataclass(frozen=True)
class Point:
    day: date
    paying: int
    mrr: Decimal
    new_paid: int
    churned: int
    trials_ended: int = 0
    trials_converted: int = 0
    complimentary: int = 0


@dataclass(frozen=True)
class GrantSpan:
    """A complimentary or gift plan as an interval: [start, stop)."""

    member_id: int
    tier: str
    start: datetime
    stop: datetime | None

    def live_at(self, moment: datetime) -> bool:
        return self.start <= moment and (self.stop is None or moment < self.stop)


def grant_spans() -> list[GrantSpan]:
    rows = Grant.objects.values_list(
        "member_id", "tier__name", "starts_at", "ends_at", "revoked_at"
    )
    found = []
    for member_id, tier, starts_at, ends_at, revoked_at in rows:
        stops = [moment for moment in (ends_at, revoked_at) if moment is not None]
        found.append(GrantSpan(member_id, tier, starts_at, min(stops) if stops else None))
    return found


def spans(currency: str, now: datetime | None = None) -> list[Span]:
    now = now or timezone.now()
    grace = timedelta(days=BillingSettings.current().past_due_grace_days)
    found = []
    rows = PaidSubscription.objects.filter(ever_paid=True, started_at__isnull=False).values_list(
        "member_id",
        "tier__name",
        "status",
        "started_at",
        "ended_at",
        "current_period_start",
        "current_period_end",
        "trial_end",
        "ever_charged",
        "amount",
        "interval",
        "currency",
        "updated_at",
    )
    for (
        member_id,
        tier,
        status,
        started,
        ended,
        period_start,
        period_end,
        trial_end,
        charged,
        amount,
        interval,
        row_currency,
        updated,
    ) in rows:
        if started is None:  # the query excludes these; the types do not know it
            continue
        stop = ended or ((period_end or updated) if status in NOT_PAYING_NOW else None)
        if status == "past_due" and not ended:  # paying only until the grace period ends
            grace_end = (period_start or period_end or now) + grace
            stop = grace_end if grace_end <= now else None
        stop = min(stop, now) if stop else None
        in_currency = (row_currency or currency) == currency
        monthly = Decimal(amount) / (12 if interval == "year" else 1) if in_currency else Decimal(0)
        charged_from = (trial_end or started) if charged else None
        found.append(
            Span(
                member_id, tier or NO_TIER, started, stop, charged_from, monthly, trial_end, charged
            )
        )
    return found


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    first = datetime.combine(start, time.min, tzinfo=zone)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return first, after


def _measure(figures: Figures, group: Iterable[Span], first: datetime, after: datetime) -> None:
    group = list(group)
    moment = min(after, timezone.now()) - timedelta(microseconds=1)
    figures.paying = sum(span.paying_at(moment) for span in group)
    figures.mrr = sum((span.mrr_at(moment) for span in group), Decimal(0))
    figures.new_paid = sum(first <= span.start < after for span in group)
    figures.churned = sum(span.stop is not None and first <= span.stop < after for span in group)
    trials = [span for span in group if span.trial_end and first <= span.trial_end < after]
    trials = [span for span in trials if span.trial_end and span.trial_end <= moment]
    figures.trials_ended = len(trials)
    figures.trials_converted = sum(span.converted for span in trials)


def figures(start: date, end: date) -> Figures:
    currency = BillingSettings.current().currency
    first, after = _day_bounds(start, end)
    all_spans = spans(currency)
    total = Figures(start, end, currency)
    _measure(total, all_spans, first, after)
    moment = min(after, timezone.now())
    live_grants = list(Grant.objects.live(moment).values_list("member_id", "tier__name"))
    total.complimentary = len({member_id for member_id, _ in live_grants})
    names = [*Tier.objects.paid().values_list("name", flat=True), NO_TIER]
    for name in dict.fromkeys(names):
        group = [span for span in all_spans if span.tier == name]
        if group or name != NO_TIER:
            tier = total.per_tier[name] = Figures(start, end, currency)
            _measure(tier, group, first, after)
            tier.complimentary = len({member for member, given in live_grants if given == name})
    return total


def series(
    start: date,
    end: date,
    all_spans: list[Span] | None = None,
    grants: list[GrantSpan] | None = None,
) -> list[Point]:
    """One point per day from `start` to `end` (paying, MRR and complimentary plans at each
    day's end). Sorted boundaries and running sums make it O((subscriptions + days) x log
    subscriptions); plans given are few, counted per day."""
    if all_spans is None:
        all_spans = spans(BillingSettings.current().currency)
    if grants is None:
        grants = grant_spans()
    trial_ends = sorted(span.trial_end for span in all_spans if span.trial_end)
    converted = sorted(span.trial_end for span in all_spans if span.trial_end and span.converted)
    starts = sorted(span.start for span in all_spans)
    stops = sorted(span.stop for span in all_spans if span.stop is not None)
    charged_from: list[tuple[datetime, Decimal]] = []
    charged_until: list[tuple[datetime, Decimal]] = []
    for span in all_spans:
        if span.charged_from is None or (span.stop is not None and span.charged_from > span.stop):
            continue  # never charged while it gave access
        charged_from.append((span.charged_from, span.monthly))
        if span.stop is not None:
            charged_until.append((span.stop, span.monthly))
    revenue_from, revenue_to = _running(charged_from), _running(charged_until)
    now = timezone.now()
    points = []
    day = start
    while day <= end:
        first, after = _day_bounds(day, day)
        moment = min(after, now) - timedelta(microseconds=1)
        trials_until = min(after, moment + timedelta(microseconds=1))
        points.append(
            Point(
                day=day,
                paying=bisect_right(starts, moment) - bisect_right(stops, moment),
                mrr=_sum_until(revenue_from, moment) - _sum_until(revenue_to, moment),
                new_paid=bisect_left(starts, after) - bisect_left(starts, first),
                churned=bisect_left(stops, after) - bisect_left(stops, first),
                trials_ended=_count_between(trial_ends, first, trials_until),
                trials_converted=_count_between(converted, first, trials_until),
                complimentary=len({each.member_id for each in grants if each.live_at(moment)}),
            )
        )
        day += timedelta(days=1)
    return points


def tier_series(start: date, end: date) -> dict[str, list[Point]]:
    """`series` for each paid tier (and the subscriptions without one, if any)."""
    all_spans = spans(BillingSettings.current().currency)
    grants = grant_spans()
    names = [*Tier.objects.paid().values_list("name", flat=True), NO_TIER]
    found = {}
    for name in dict.fromkeys(names):
        group = [span for span in all_spans if span.tier == name]
        if group or name != NO_TIER:
            given = [each for each in grants if each.tier == name]
            found[name] = series(start, end, group, given)
    return found


def _count_between(moments: list[datetime], first: datetime, after: datetime) -> int:
    return bisect_left(moments, after) - bisect_left(moments, first)


Running = tuple[list[datetime], list[Decimal]]


def _running(amounts: list[tuple[datetime, Decimal]]) -> Running:
    """Times in order, and the sum of the amounts up to each."""
    amounts.sort(key=lambda pair: pair[0])
    times = [moment for moment, _ in amounts]
    return times, list(accumulate((amount for _, amount in amounts), initial=Decimal(0)))


def _sum_until(running: Running, moment: datetime) -> Decimal:
    times, sums = running
    return sums[bisect_right(times, moment)]


CSV_FIGURES = ["paying_members", "mrr", "new_paid", "churned", "trials_ended",
               "trials_converted", "complimentary"]  # fmt: skip


def csv_lines(start: date, end: date) -> Iterator[str]:
    """One line per day for all tiers, the range's totals per tier, then one line per day per
    tier: CSV with a header line."""
    currency = BillingSettings.current().currency
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["date", "tier", *CSV_FIGURES]
    header[header.index("mrr")] = f"mrr_{currency}"
    writer.writerow(header)
    for point in series(start, end):
        writer.writerow([point.day.isoformat(), "all", *_csv_figures(point, currency)])
    total = figures(start, end)
    for name, tier in total.per_tier.items():
        writer.writerow(
            [f"{start.isoformat()}/{end.isoformat()}", name, *_csv_figures(tier, currency)]
        )
    for name, points in tier_series(start, end).items():
        for point in points:
            writer.writerow([point.day.isoformat(), name, *_csv_figures(point, currency)])
    yield buffer.getvalue()


def _csv_figures(figures: Figures | Point, currency: str) -> list[object]:
    return [
        figures.paying, to_decimal(int(figures.mrr), currency), figures.new_paid,
        figures.churned, figures.trials_ended, figures.trials_converted, figures.complimentary,
    ]  # fmt: skip


def in_use() -> bool:
    """Paid plans are offered, or were: the numbers have something to say."""
    return Tier.objects.paid().exists() or PaidSubscription.objects.exists()


def today() -> date:
    return timezone.localdate()


def since(days: int) -> tuple[date, date]:
    end = today()
    return end - timedelta(days=days - 1), end
