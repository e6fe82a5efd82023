"""Daily rollups: idempotent, member growth, retention, salts forgotten after their day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from atlas.analytics import services
from atlas.analytics.counting import Buffer, ViewKey
from atlas.analytics.models import (
    DailyPageStats,
    DailySalt,
    DailySiteStats,
    DailyVisitor,
    PageViewCounter,
)
from atlas.members.models import Member, MemberEvent, Newsletter, Subscription


def count_views(day: Any, path: str, views: int, visitors: int, referrer: str = "") -> None:
    buffer = Buffer()
    for number in range(views):
        key = ViewKey(day, path, referrer, "", "", "mobile" if number % 2 else "desktop")
        buffer.record(key, f"visitor-{number % visitors}")
    buffer.flush()


@pytest.mark.django_db
def test_rollup_twice_gives_the_same_numbers(make_post: Any) -> None:
    post = make_post("Rolled up")
    yesterday = timezone.localdate() - timedelta(days=1)
    count_views(yesterday, post.get_absolute_url(), views=30, visitors=7, referrer="example.com")
    count_views(yesterday, "/", views=10, visitors=3)
    newsletter = Newsletter.objects.create(name="Daily", slug="daily")
    at = timezone.now() - timedelta(days=1)
    at = at.replace(hour=12) if at.date() == yesterday else at
    member = Member.objects.create(email="a@example.org", created_at=at, tier="paid")
    Subscription.objects.create(member=member, newsletter=newsletter, created_at=at)
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.CONFIRMED, created_at=at)

    first = services.rollup(yesterday)
    pages_first = list(DailyPageStats.objects.values_list("path", "post_id", "views", "visitors"))
    second = services.rollup(yesterday)
    pages_second = list(DailyPageStats.objects.values_list("path", "post_id", "views", "visitors"))

    assert sorted(pages_first) == sorted(pages_second)
    assert (post.get_absolute_url(), post.pk, 30, 7) in pages_second
    assert (second.views, second.visitors, second.mobile_views) == (40, 7, 20)
    assert (first.views, first.visitors) == (second.views, second.visitors)
    assert (second.signups, second.paid_signups, second.confirmations) == (1, 1, 1)
    assert DailySiteStats.objects.count() == 1


@pytest.mark.django_db
def test_retention_drops_fine_counts_and_salts_but_keeps_rollups(settings: Any) -> None:
    settings.ATLAS_ANALYTICS_RETENTION_DAYS = 30
    today = timezone.localdate()
    old = today - timedelta(days=31)
    count_views(old, "/", views=5, visitors=2)
    count_views(today - timedelta(days=1), "/", views=3, visitors=1)
    services.rollup(old)
    assert DailySalt.objects.count() == 2
    services.rollup_and_prune()
    assert not PageViewCounter.objects.filter(day=old).exists()
    assert not DailyVisitor.objects.filter(day=old).exists()
    assert DailySalt.objects.count() == 0
    assert DailySiteStats.objects.get(day=old).views == 5
    assert DailySiteStats.objects.get(day=today - timedelta(days=1)).views == 3
