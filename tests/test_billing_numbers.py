"""Paid numbers: paying members, MRR (yearly / 12, trials from their end once charged), new paid,
churned, trials converting, per tier, day by day, as CSV; and who may see them in the newsroom."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from atlas.billing import numbers
from atlas.billing.models import Grant, PaidSubscription, Tier
from atlas.members.models import Member

NOW = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def days_ago(days: float) -> Any:
    return NOW - timedelta(days=days)


@pytest.fixture
def history(paid_tier: Tier) -> dict[str, Any]:
    patron = Tier.objects.create(name="Patron", slug="patron", monthly_amount=1000)
    rows = {
        # name: (tier, status, amount, interval, started, trial_end, ended, charged)
        "monthly": (paid_tier, "active", 500, "month", days_ago(10), None, None, True),
        "yearly": (paid_tier, "active", 6000, "year", days_ago(5), None, None, True),
        "in trial": (patron, "trialing", 1000, "month", days_ago(3), days_ago(-11), None, False),
        "converted": (patron, "active", 1000, "month", days_ago(16), days_ago(2), None, True),
        "trial lapsed": (
            patron,
            "canceled",
            1000,
            "month",
            days_ago(15),
            days_ago(1),
            days_ago(1),
            False,
        ),
        "left": (paid_tier, "canceled", 500, "month", days_ago(100), None, days_ago(20), True),
        "dollars": (None, "active", 800, "month", days_ago(40), None, None, True),
        "long ago": (paid_tier, "canceled", 500, "month", days_ago(400), None, days_ago(300), True),
    }
    members = {}
    for name, (tier, status, amount, interval, started, trial_end, ended, charged) in rows.items():
        member = Member.objects.create(
            email=f"{name.replace(' ', '.')}@example.org", status="active"
        )
        PaidSubscription.objects.create(
            stripe_id=f"sub_{name}", stripe_customer_id=f"cus_{name}", member=member, tier=tier,
            status=status, amount=amount, interval=interval,
            currency="usd" if name == "dollars" else "eur", started_at=started,
            trial_end=trial_end, ended_at=ended, ever_paid=True, ever_charged=charged,
            current_period_end=NOW + timedelta(days=20),
        )  # fmt: skip
        members[name] = member
    comped = Member.objects.create(email="comped@example.org", status="active")
    Grant.objects.create(member=comped, tier=patron, starts_at=days_ago(1), note="Press")
    return members


def test_the_figures_of_the_last_30_days(history: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        figures = numbers.figures(*numbers.since(30))
    assert figures.paying == 5  # monthly, yearly, in trial, converted, dollars
    assert figures.mrr == Decimal(500 + 500 + 1000)  # yearly / 12; no trial; no other currency
    assert figures.mrr_display == Decimal("20.00")
    assert figures.new_paid == 5  # monthly, yearly, in trial, converted, trial lapsed
    assert figures.churned == 2  # trial lapsed, left
    assert (figures.trials_ended, figures.trials_converted) == (2, 1)
    assert figures.conversion_rate == 0.5
    assert figures.complimentary == 1
    supporter, patron = figures.per_tier["Supporter"], figures.per_tier["Patron"]
    assert (supporter.paying, supporter.mrr, supporter.new_paid, supporter.churned) == (
        2,
        1000,
        2,
        1,
    )
    assert (patron.paying, patron.mrr, patron.trials_converted) == (2, 1000, 1)
    assert figures.per_tier["No tier"].paying == 1


def test_day_by_day_and_the_csv(history: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        start, end = numbers.since(30)
        series = numbers.series(start, end)
        lines = list(csv.reader(io.StringIO("".join(numbers.csv_lines(start, end)))))
    assert len(series) == 30 and series[-1].day == end
    assert series[-1].mrr == 2000 and series[-1].paying == 5
    on = {point.day: point for point in series}
    twenty_one_days_ago = (NOW - timedelta(days=21)).date()
    assert on[twenty_one_days_ago].paying == 2  # "left" and "dollars"
    assert sum(point.churned for point in series) == 2
    assert (
        sum(point.trials_ended for point in series),
        sum(p.trials_converted for p in series),
    ) == (
        2,
        1,
    )
    assert lines[0] == [
        "date", "tier", "paying_members", "mrr_eur", "new_paid", "churned", "trials_ended",
        "trials_converted", "complimentary",
    ]  # fmt: skip
    assert lines[30] == [end.isoformat(), "all", "5", "20.00", "0", "0", "0", "0", "1"]
    assert lines[31][1:] == ["Supporter", "2", "10.00", "2", "1", "0", "0", "0"]
    assert lines[32][1:] == ["Patron", "2", "10.00", "3", "1", "2", "1", "1"]
    per_tier_days = [line for line in lines[33:] if line[1] == "Patron"]
    assert len(per_tier_days) == 30 and per_tier_days[-1] == [
        end.isoformat(), "Patron", "2", "10.00", "0", "0", "0", "0", "1"
    ]  # fmt: skip
    two_days_ago = (NOW - timedelta(days=2)).date().isoformat()
    assert next(line for line in per_tier_days if line[0] == two_days_ago)[6:8] == ["1", "1"]


def test_past_due_stops_counting_as_paying_and_in_mrr_once_its_grace_period_ends(
    paid_tier: Tier,
) -> None:
    for name, renewal in [("in grace", days_ago(2)), ("grace over", days_ago(10))]:
        member = Member.objects.create(email=f"{name.replace(' ', '.')}@example.org")
        PaidSubscription.objects.create(
            stripe_id=f"sub_{name}", stripe_customer_id=f"cus_{name}", member=member,
            tier=paid_tier, status="past_due", amount=500, interval="month", currency="eur",
            started_at=days_ago(60), current_period_start=renewal,
            current_period_end=renewal + timedelta(days=30), ever_paid=True, ever_charged=True,
        )  # fmt: skip
    with time_machine.travel(NOW, tick=False):  # the grace period is 7 days
        figures = numbers.figures(*numbers.since(30))
        series = numbers.series(*numbers.since(30))
    assert (figures.paying, figures.mrr, figures.churned) == (1, Decimal(500), 1)
    assert (series[-1].paying, series[-1].mrr) == (1, Decimal(500))
    three_days_ago = next(point for point in series if point.day == days_ago(3).date())
    assert (three_days_ago.paying, three_days_ago.mrr) == (1, Decimal(500))
    four_days_ago = next(point for point in series if point.day == days_ago(4).date())
    assert (four_days_ago.paying, four_days_ago.mrr) == (2, Decimal(1000))


def test_the_newsroom_shows_them_to_editors_not_contributors(
    history: dict[str, Any], editor: User, contributor: User
) -> None:
    staff = Client()
    staff.force_login(editor)
    page = staff.get("/newsroom/tiers/numbers/?days=90")
    assert page.status_code == 200 and "Paying members" in page.content.decode()
    per_tier = page.content.decode().split('id="per-tier-series"', 1)[1].split("</table>")[0]
    assert '<th scope="col">Supporter</th><th scope="col">Patron</th>' in per_tier
    assert "2 · €10.00" in per_tier
    download = staff.get("/newsroom/tiers/numbers.csv?days=90")
    assert download["Content-Type"].startswith("text/csv")
    assert b"paying_members" in download.content
    outsider = Client()
    outsider.force_login(contributor)
    assert outsider.get("/newsroom/tiers/numbers/").status_code == 403
    assert outsider.get("/newsroom/tiers/numbers.csv").status_code == 403


def test_the_main_numbers_dashboard_shows_the_paid_numbers_and_their_csv(
    history: dict[str, Any], editor: User
) -> None:
    staff = Client()
    staff.force_login(editor)
    with time_machine.travel(NOW, tick=False):
        page = staff.get("/newsroom/numbers/?range=30").content.decode()
        download = staff.get("/newsroom/numbers/?range=30&format=csv&table=paid")
    paid = page.split('id="paid-numbers"', 1)[1].split("</section>")[0]
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", paid))
    assert figures == {
        "Paying members": "5", "MRR": "€20.00", "New paid": "5", "Churned": "2",
        "Trials converting": "1 of 2", "Complimentary and gifts": "1",
    }  # fmt: skip
    assert '<svg class="nr-chart"' in paid and '<th scope="row">Patron</th>' in paid
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][:3] == ["day", "paying members", "MRR"] and len(lines) == 31
    assert lines[-1][1:] == ["5", "20.00", "0", "0", "0", "0", "1"]


def test_the_dashboard_leaves_the_paid_numbers_to_staff_who_may_see_them(
    history: dict[str, Any], make_member: Any, db: Any
) -> None:
    analyst = User.objects.create_user("analyst", "analyst@example.org", "a-long-password")
    analyst.is_staff = True
    analyst.save()
    analyst.user_permissions.add(Permission.objects.get(codename="view_dailysitestats"))
    staff = Client()
    staff.force_login(analyst)
    page = staff.get("/newsroom/numbers/")
    assert page.status_code == 200 and 'id="paid-numbers"' not in page.content.decode()
    assert staff.get("/newsroom/numbers/?format=csv&table=paid").status_code == 404
