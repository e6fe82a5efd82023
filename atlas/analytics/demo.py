"""A few months of plausible daily rollups for the demo posts, so the dashboard has data."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from atlas.analytics.models import (
    DailyNewsletterStats,
    DailyPageStats,
    DailyReferrerStats,
    DailySiteStats,
)
from atlas.publishing.models import Post

REFERRERS = [
    ("", "", 0.45), ("google.com", "", 0.25), ("news.ycombinator.com", "", 0.08),
    ("mastodon.social", "", 0.07), ("", "newsletter", 0.15),
]  # fmt: skip


@transaction.atomic
def create_demo_analytics(
    days: int = 120, seed: int = 7, newsletter_ids: Sequence[int] = ()
) -> int:
    """Write rollups for the past `days` days (not today); returns the page-day rows made.
    Each day's sign-ups and unsubscribes are shared among `newsletter_ids`, so that the
    newsletters' figures add up to the site's.

    Does nothing when rollups exist already, so `make run` may call it every time.
    """
    if DailySiteStats.objects.exists():
        return 0
    generator = random.Random(seed)
    today = timezone.localdate()
    posts = list(Post.objects.published().values_list("pk", "slug", "published_at"))
    pages, referrers, sites, newsletters = [], [], [], []
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        weekday_factor = 0.7 if day.weekday() >= 5 else 1.0
        day_views = day_visitors = 0
        for post_id, slug, published_at in posts:
            age = (day - timezone.localdate(published_at)).days
            if age < 0:
                continue
            views = int(generator.randint(20, 400) * weekday_factor / (1 + age / 4)) + 3
            visitors = max(1, int(views * generator.uniform(0.6, 0.85)))
            path = f"/posts/{slug}/"
            pages.append(DailyPageStats(day=day, path=path, post_id=post_id, views=views,
                                        visitors=visitors))  # fmt: skip
            for domain, utm_source, share in REFERRERS:
                if int(views * share):
                    referrers.append(DailyReferrerStats(
                        day=day, path=path, referrer_domain=domain, utm_source=utm_source,
                        views=int(views * share)))  # fmt: skip
            day_views += views
            day_visitors += visitors
        home = int(generator.randint(150, 300) * weekday_factor)
        pages.append(DailyPageStats(day=day, path="/", views=home, visitors=int(home * 0.7)))
        signups = generator.randint(0, 12)
        unsubscribes = generator.randint(0, 3)
        sites.append(
            DailySiteStats(
                day=day, views=day_views + home, visitors=int((day_visitors + home) * 0.8),
                mobile_views=int((day_views + home) * 0.55), signups=signups,
                paid_signups=signups // 5, confirmations=max(0, signups - 1),
                unsubscribes=unsubscribes,
                signup_sources={"web": signups - signups // 3, "newsletter": signups // 3},
            )
        )  # fmt: skip
        newsletters += share_among(generator, day, list(newsletter_ids), signups, unsubscribes)
    DailyPageStats.objects.bulk_create(pages, batch_size=1000)
    DailyReferrerStats.objects.bulk_create(referrers, batch_size=1000)
    DailySiteStats.objects.bulk_create(sites)
    DailyNewsletterStats.objects.bulk_create(newsletters)
    return len(pages)


def share_among(
    generator: random.Random, day: date, newsletter_ids: list[int], signups: int, unsubscribes: int
) -> list[DailyNewsletterStats]:
    """A day's sign-ups and unsubscribes, each given to one newsletter (the first most often)."""
    if not newsletter_ids:
        return []
    weights = [len(newsletter_ids) - index for index in range(len(newsletter_ids))]
    started = Counter(generator.choices(newsletter_ids, weights, k=signups))
    ended = Counter(generator.choices(newsletter_ids, weights, k=unsubscribes))
    return [
        DailyNewsletterStats(day=day, newsletter_id=newsletter_id,
                             subscribed=started[newsletter_id], unsubscribed=ended[newsletter_id])
        for newsletter_id in newsletter_ids
        if started[newsletter_id] or ended[newsletter_id]
    ]  # fmt: skip
