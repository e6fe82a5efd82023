"""The demo publication's readers: two newsletters and a few dozen members of every kind."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from atlas.members.addresses import normalize_email
from atlas.members.models import Label, Member, MemberEvent, Newsletter, Subscription

NEWSLETTERS = [
    {
        "slug": "newsletter",
        "name": "Daily Briefing",
        "description": "The day's reporting, every weekday morning.",
        "is_default": True,
    },
    {
        "slug": "weekly-analysis",
        "name": "Weekly Analysis",
        "description": "One long read on Saturdays: the numbers behind the news.",
        "is_default": False,
    },
]

FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kira",
    "Luis",
    "Mei",
    "Noor",
    "Olu",
    "Pia",
    "Quinn",
    "Ravi",
    "Sade",
    "Tomás",
]
LAST_NAMES = [
    "Abara",
    "Berg",
    "Costa",
    "Duval",
    "Eze",
    "Fonseca",
    "Gill",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowal",
    "Lund",
    "Moreau",
    "Nakamura",
    "Osei",
]
# One reader in seven at an internationalised domain, stored in its ASCII form (xn--).
DOMAINS = ["example.org"] * 6 + ["münchen.example"]
SOURCES = ["", "", "newsletter-swap", "twitter", "podcast", "search"]


def create_newsletters() -> list[Newsletter]:
    newsletters = []
    for spec in NEWSLETTERS:
        newsletter, _ = Newsletter.objects.update_or_create(slug=spec["slug"], defaults=spec)
        newsletters.append(newsletter)
    return newsletters


def create_readers(count: int = 60, seed: int = 7) -> int:
    """Members spread over five months: mostly active, some pending, unsubscribed, paid."""
    daily, weekly = create_newsletters()
    supporters = Label.objects.get_or_create(name="Founding supporter")[0]
    chooser = random.Random(seed)
    now = timezone.now()
    for number in range(count):
        first, last = chooser.choice(FIRST_NAMES), chooser.choice(LAST_NAMES)
        joined = now - timedelta(days=chooser.randint(0, 150), hours=chooser.randint(0, 23))
        status = chooser.choices(
            [Member.Status.ACTIVE, Member.Status.PENDING, Member.Status.UNSUBSCRIBED],
            weights=[85, 8, 7],
        )[0]
        member = Member.objects.create(
            email=demo_address(f"{first}.{last}.{number}", DOMAINS[number % len(DOMAINS)]),
            name=f"{first} {last}",
            status=status,
            tier=Member.Tier.PAID if number % 9 == 0 else Member.Tier.FREE,
            created_at=joined,
            confirmed_at=joined + timedelta(minutes=7) if status != Member.Status.PENDING else None,
            source="web",
            signup_page="/",
            utm_source=chooser.choice(SOURCES),
        )
        if number % 9 == 0:
            member.labels.add(supporters)
        newsletters = [daily, weekly] if number % 3 == 0 else [daily]
        subscribe(member, newsletters, joined, now)
    return count


def subscribe(
    member: Member, newsletters: list[Newsletter], joined: datetime, now: datetime
) -> None:
    """The member's subscriptions, started when they signed up (the Numbers page counts them
    by that date); an unsubscribed member left halfway between then and now, from everything."""
    left = joined + (now - joined) / 2
    status = {
        Member.Status.ACTIVE: Subscription.Status.ACTIVE,
        Member.Status.PENDING: Subscription.Status.PENDING,
    }.get(Member.Status(member.status), Subscription.Status.UNSUBSCRIBED)
    changed = left if status == Subscription.Status.UNSUBSCRIBED else joined
    Subscription.objects.bulk_create(
        Subscription(member=member, newsletter=newsletter, status=status, created_at=joined,
                     changed_at=changed)
        for newsletter in newsletters
    )  # fmt: skip
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.SIGNED_UP, created_at=joined)
    if status == Subscription.Status.UNSUBSCRIBED:
        MemberEvent.objects.create(
            member=member, kind=MemberEvent.Kind.UNSUBSCRIBED_ALL, detail={"how": "demo"},
            created_at=left,
        )  # fmt: skip


def demo_address(local: str, domain: str = "example.org") -> str:
    """An address as its reader typed it, accents included (tomás.berg.3@example.org), some at
    an internationalised domain: sending must cope with both (`members.addresses`)."""
    return normalize_email(f"{local.lower()}@{domain}")
