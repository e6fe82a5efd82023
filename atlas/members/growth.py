"""How readers came and went on a day: what members adds to analytics' daily rollup
(`analytics.hooks.member_growth`, registered in `apps.py`)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from atlas.analytics.hooks import MemberGrowth
from atlas.members.models import Member, MemberEvent, Subscription

UNSUBSCRIBE_KINDS = (MemberEvent.Kind.UNSUBSCRIBED, MemberEvent.Kind.UNSUBSCRIBED_ALL)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def list_version() -> str:
    """Changes whenever a member, a subscription or a member's event is added (every change of
    who is subscribed records an event): the key of figures computed over the whole list, so
    they are read again as soon as the list changes. Three reads of the newest row."""
    parts = []
    for model in (Member, Subscription, MemberEvent):
        newest = model.objects.order_by("-pk").values_list("pk", "created_at").first()
        parts.append(f"{newest[0]}@{newest[1].timestamp()}" if newest else "0")
    return "/".join(parts)


def growth_on(day: date) -> MemberGrowth:
    """`growth_of(day)`; today's is kept until the list changes (or for five minutes), as the
    Numbers page and the newsroom's home ask for it on every view and it reads every
    subscription."""
    if day != timezone.localdate():
        return growth_of(day)
    key = f"members:growth:{day}:{list_version()}"
    growth = cache.get(key)
    if growth is None:
        growth = growth_of(day)
        cache.set(key, growth, 300)
    return growth


def growth_of(day: date) -> MemberGrowth:
    """Sign-ups (by source), paid sign-ups, confirmations, unsubscribes, and per newsletter the
    subscriptions started and ended. Four queries."""
    start, end = day_bounds(day)
    signed_up = Member.objects.filter(created_at__gte=start, created_at__lt=end)
    sources = Counter(
        utm_source or source or "unknown"
        for source, utm_source in signed_up.values_list("source", "utm_source")
    )
    events = MemberEvent.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        confirmations=Count("pk", filter=Q(kind=MemberEvent.Kind.CONFIRMED)),
        unsubscribes=Count("pk", filter=Q(kind__in=UNSUBSCRIBE_KINDS)),
    )
    return MemberGrowth(
        signups=sum(sources.values()),
        paid_signups=signed_up.exclude(tier=Member.Tier.FREE).count(),
        confirmations=events["confirmations"],
        unsubscribes=events["unsubscribes"],
        signup_sources=dict(sources),
        newsletters=newsletter_growth(start, end),
    )


def signups_and_unsubscribes(start: datetime, end: datetime) -> tuple[int, int]:
    """Sign-ups and unsubscribes in [start, end), counted as `growth_of` counts a day's: for
    part of a day (today so far against the same hours a week before). Two queries."""
    signups = Member.objects.filter(created_at__gte=start, created_at__lt=end).count()
    unsubscribes = MemberEvent.objects.filter(
        kind__in=UNSUBSCRIBE_KINDS, created_at__gte=start, created_at__lt=end
    ).count()
    return signups, unsubscribes


def newsletter_growth(start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """Per newsletter id: subscriptions started and ended in [start, end), where any did."""
    rows = (
        Subscription.objects.values_list("newsletter")
        .annotate(
            subscribed=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            unsubscribed=Count(
                "pk",
                filter=Q(
                    status=Subscription.Status.UNSUBSCRIBED,
                    changed_at__gte=start,
                    changed_at__lt=end,
                ),
            ),
        )
        .filter(Q(subscribed__gt=0) | Q(unsubscribed__gt=0))
        .order_by()
    )
    return {newsletter_id: (started, ended) for newsletter_id, started, ended in rows}
