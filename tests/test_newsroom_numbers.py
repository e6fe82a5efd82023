"""Numbers: today counted live, charts that read with one bar or a hundred, newsletters that add up
to the totals, numbers in the publication's language, CSV of every table."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from atlas.analytics.demo import create_demo_analytics
from atlas.analytics.models import PageViewCounter
from atlas.members.models import Member, Newsletter, Subscription
from atlas.newsroom.charts import Series, bar_chart, nice_top
from atlas.publishing.models import Publication


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


def test_the_scale_ends_on_a_round_number() -> None:
    assert [nice_top(value) for value in (0, 1, 7, 12, 24_797, 60)] == [1, 1, 10, 20, 25_000, 100]


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
