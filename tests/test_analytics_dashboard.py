"""The Numbers pages in the newsroom: staff only, bounded queries, CSV, per-article page, the old
/analytics/ addresses redirecting, `atlas stats`."""

from __future__ import annotations

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
from atlas.analytics.models import DailyPageStats, DailyReferrerStats, DailySiteStats


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
