"""The Numbers pages in the newsroom: staff only, bounded queries, CSV of every table, a page per
post, the old /analytics/ addresses redirecting, `atlas stats`; today counted live, charts that
read with one bar or a hundred, newsletters that add up to the totals, numbers in the
publication's language."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.analytics.demo import create_demo_analytics
from atlas.analytics.models import (
    DailyPageStats,
    DailyReferrerStats,
    DailySiteStats,
    PageViewCounter,
)
from atlas.delivery.models import Send
from atlas.members.models import Member, Newsletter, Subscription
from atlas.newsroom.charts import Series, bar_chart
from atlas.publishing.models import Publication


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_readers_cannot_see_the_dashboard(client: Client) -> None:
    response = client.get("/newsroom/numbers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/newsroom/sign-in/")


@pytest.mark.django_db
def test_the_old_analytics_addresses_lead_to_the_numbers_pages(client: Client) -> None:
    response = client.get("/analytics/?range=7")
    assert (response.status_code, response["Location"]) == (301, "/newsroom/numbers/?range=7")
    response = client.get("/analytics/posts/12/")
    assert (response.status_code, response["Location"]) == (301, "/newsroom/numbers/posts/12/")


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_days_or_posts(
    editor_client: Client, make_post: Any
) -> None:
    long_ago = timezone.now() - timedelta(days=120)
    for _ in range(10):
        make_post(published_at=long_ago)
    create_demo_analytics(days=100)
    editor_client.get("/newsroom/numbers/?range=7")  # sessions, settings rows: created once
    few = query_count(editor_client, "/newsroom/numbers/?range=7")
    many = query_count(editor_client, "/newsroom/numbers/?range=90")
    for model in (DailySiteStats, DailyPageStats, DailyReferrerStats):
        model.objects.all().delete()
    for _ in range(90):
        make_post(published_at=long_ago)
    create_demo_analytics(days=100)
    more_posts = query_count(editor_client, "/newsroom/numbers/?range=90")
    assert few == many == more_posts


@pytest.mark.django_db
def test_dashboard_shows_charts_tables_and_csv(editor_client: Client, make_post: Any) -> None:
    post = make_post("The most read story", published_at=timezone.now() - timedelta(days=9))
    create_demo_analytics(days=40)
    page = editor_client.get("/newsroom/numbers/?range=30").content.decode()
    assert page.count('<svg class="nr-chart"') == 2  # traffic and members; no send to chart
    assert "Delivered per send: nothing in this range." in page
    assert "The most read story" in page
    assert "<script" not in page.split('id="traffic-chart"')[1].split("</figure>")[0]
    csv = editor_client.get("/newsroom/numbers/?range=30&format=csv&table=traffic")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("day,views,visitors")
    assert len(lines) == 31
    assert editor_client.get("/newsroom/numbers/?format=csv&table=nope").status_code == 404
    custom = timezone.localdate() - timedelta(days=5)
    assert (
        editor_client.get(
            f"/newsroom/numbers/?range=custom&start={custom}&end={custom}"
        ).status_code
        == 200
    )
    article = editor_client.get(f"/newsroom/numbers/posts/{post.pk}/?range=90").content.decode()
    assert "The most read story" in article and "<svg" in article and "0 comments" in article


@pytest.mark.django_db
def test_stats_command_prints_the_headlines(make_post: Any) -> None:
    make_post("Headline story", published_at=timezone.now() - timedelta(days=3))
    create_demo_analytics(days=10)
    output = StringIO()
    call_command("stats", stdout=output)
    text = output.getvalue()
    assert "Views:" in text and "Headline story" in text and "Last send: none" in text


def bar_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect class="[^"]+" x="[^"]+" y="[^"]+" '
                                                   r'width="([0-9.]+)"', svg)]  # fmt: skip


def test_one_bar_stays_a_bar_and_a_hundred_bars_fit() -> None:
    one = bar_chart("One day", ["3 Dec"], [Series("Views", [12])])
    assert bar_widths(one) == [55.0]  # not the whole plot's width
    hundred = bar_chart("A hundred days", [str(n) for n in range(100)],
                        [Series("Views", list(range(100)))])  # fmt: skip
    widths = bar_widths(hundred)
    assert len(widths) == 100 and all(1 <= width < 9 for width in widths)
    assert hundred.count('text-anchor="middle"') <= 12  # labels thin out
    assert "<script" not in hundred and 'role="img"' in hundred


def tick_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def test_the_scale_steps_by_whole_round_numbers() -> None:
    def ticks(top: int) -> str:
        return " ".join(tick_labels(bar_chart("Views", ["Mon"], [Series("Views", [top])])))

    assert ticks(0) == "0 1"
    assert ticks(1) == "0 1"
    assert ticks(3) == "0 1 2 3"
    assert ticks(5) == "0 1 2 3 4 5"
    assert ticks(7) == "0 2 4 6 8"
    assert ticks(10) == "0 2 4 6 8 10"
    assert ticks(12) == "0 5 10 15"
    assert ticks(24_797) == "0 5,000 10,000 15,000 20,000 25,000"


def test_a_bar_reaches_the_line_labelled_with_its_value() -> None:
    for values in ([3, 5], [6, 10], [5_000, 24_797]):
        svg = bar_chart("Views", ["Mon", "Tue"], [Series("Views", values)])
        heights = re.findall(r'<line class="nr-axis"[^>]* y1="([0-9.]+)"', svg)
        line_at = dict(zip(tick_labels(svg), heights, strict=True))
        bar_tops = re.findall(r'<rect class="[^"]+" x="[^"]+" y="([0-9.]+)"', svg)
        assert bar_tops[0] == line_at[f"{values[0]:,}"]


def test_today_counts_live_before_any_rollup(editor_client: Client, make_post: Any) -> None:
    post = make_post("Read this morning")
    PageViewCounter.objects.create(day=timezone.localdate(), path=post.get_absolute_url(),
                                   device="desktop", views=24_797)  # fmt: skip
    page = editor_client.get("/newsroom/numbers/?range=today").content.decode()
    assert "<dt>Views</dt><dd>24,797</dd>" in page
    assert "Read this morning" in page


def test_newsletters_add_up_to_the_sign_ups(editor_client: Client, db: Any) -> None:
    daily = Newsletter.objects.create(name="Daily", slug="daily")
    weekly = Newsletter.objects.create(name="Weekly", slug="weekly")
    create_demo_analytics(days=30, newsletter_ids=[daily.pk, weekly.pk])
    for number in range(3):  # today's sign-ups, live
        reader = Member.objects.create(email=f"today{number}@example.org", status="active")
        Subscription.objects.create(member=reader, newsletter=daily, status="active")
    traffic = editor_client.get("/newsroom/numbers/?range=30&format=csv&table=traffic")
    signups = sum(int(line.split(",")[3]) for line in traffic.content.decode().splitlines()[1:])
    growth = editor_client.get("/newsroom/numbers/?range=30&format=csv&table=newsletters")
    subscribed = sum(int(line.split(",")[1]) for line in growth.content.decode().splitlines()[1:])
    assert subscribed == signups > 3


def test_numbers_are_written_in_the_publications_language(
    editor_client: Client, make_post: Any
) -> None:
    publication = Publication.current()
    publication.language = "de"
    publication.save()
    post = make_post()
    PageViewCounter.objects.create(day=timezone.localdate(), path=post.get_absolute_url(),
                                   device="desktop", views=24_797)  # fmt: skip
    page = editor_client.get("/newsroom/numbers/?range=7").content.decode()
    assert "<dt>Views</dt><dd>24.797</dd>" in page


def test_every_table_downloads_as_csv(editor_client: Client, make_post: Any) -> None:
    post = make_post(published_at=timezone.now() - timedelta(days=2))
    create_demo_analytics(days=10)
    page = editor_client.get("/newsroom/numbers/?range=30").content.decode()
    tables = set(re.findall(r"format=csv&amp;table=(\w+)", page))
    assert {"traffic", "articles", "referrers", "newsletters", "sends", "sponsors"} <= tables
    for table in tables:
        response = editor_client.get(f"/newsroom/numbers/?range=30&format=csv&table={table}")
        assert response["Content-Type"].startswith("text/csv"), table
    article = editor_client.get(f"/newsroom/numbers/posts/{post.pk}/").content.decode()
    for table in set(re.findall(r"format=csv&amp;table=(\w+)", article)):
        response = editor_client.get(f"/newsroom/numbers/posts/{post.pk}/?format=csv&table={table}")
        assert response.status_code == 200, table


def test_sends_that_never_began_are_not_counted_as_sent(
    editor_client: Client, make_post: Any
) -> None:
    waiting = Send.objects.create(post=make_post("Waiting"), subject="Still waiting",
                                  status=Send.Status.SCHEDULED)  # fmt: skip
    called_off = Send.objects.create(post=make_post("Called off"), subject="Called off early",
                                     status=Send.Status.CANCELLED)  # fmt: skip
    went = Send.objects.create(post=make_post("Went"), subject="Went out",
                               status=Send.Status.DONE, started_at=timezone.now())  # fmt: skip
    assert waiting.pk and called_off.pk and went.pk
    page = editor_client.get("/newsroom/numbers/?range=7").content.decode()
    assert "Went out" in page
    assert "Still waiting" not in page and "Called off early" not in page
