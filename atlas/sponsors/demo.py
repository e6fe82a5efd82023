"""Demo sponsorship: two local sponsors (invented) with running campaigns, an earlier campaign
that has ended, the house block, and a few weeks of impressions and clicks.

Counts are written as daily rows directly (what the counters would have recorded), so the
reports and the calendar have a history to show. Nothing is queued and no mail is sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from atlas.publishing.models import Publication
from atlas.sponsors import counting
from atlas.sponsors.models import Campaign, Channel, Sponsor, SponsorSettings
from atlas.sponsors.placement import today_for


@dataclass(frozen=True)
class DemoCampaign:
    sponsor: str
    headline: str
    body: str
    call_to_action: str
    destination_url: str
    placement: str
    weight: int
    first_day: int  # days from today (negative: ago)
    last_day: int
    daily_views: int  # web impressions on an ordinary weekday
    click_rate: float


SPONSORS = [
    {
        "name": "Spoke & Sprocket Cycle Co-op",
        "website": "https://spokeandsprocket.example/",
        "contact_name": "Imani Okafor",
        "contact_email": "imani@spokeandsprocket.example",
        "notes": "Worker-owned repair shop on Mill Street. Prefers the transport and city "
        "sections; invoice monthly.",
    },
    {
        "name": "Harbourside Credit Union",
        "website": "https://harbourside-cu.example/",
        "contact_name": "Tomasz Wierzbicki",
        "contact_email": "marketing@harbourside-cu.example",
        "notes": "Regional credit union, 14 branches. Campaigns approved by their compliance "
        "team; send proofs a week ahead.",
    },
]

CAMPAIGNS = [
    DemoCampaign(
        sponsor="Spoke & Sprocket Cycle Co-op",
        headline="Winter storage, spring-ready",
        body="We keep your bike dry over the winter and hand it back tuned.",
        call_to_action="Reserve a rack",
        destination_url="https://spokeandsprocket.example/storage",
        placement=Campaign.Placement.WEB,
        weight=1,
        first_day=-45,
        last_day=-22,
        daily_views=420,
        click_rate=0.006,
    ),
    DemoCampaign(
        sponsor="Spoke & Sprocket Cycle Co-op",
        headline="Tune-ups by your neighbours, back in 48 hours",
        body="Our member-mechanics fix any bike, cargo bikes included. "
        "**Mention Atlas** for 10% off your first service.",
        call_to_action="Book a tune-up",
        destination_url="https://spokeandsprocket.example/tune-up",
        placement=Campaign.Placement.WEB,
        weight=2,
        first_day=-20,
        last_day=25,
        daily_views=540,
        click_rate=0.009,
    ),
    DemoCampaign(
        sponsor="Harbourside Credit Union",
        headline="A savings account that stays in town",
        body="Every deposit funds loans to businesses on your street. No monthly fees, "
        "and a person answers the phone.",
        call_to_action="Open an account",
        destination_url="https://harbourside-cu.example/savings",
        placement=Campaign.Placement.BOTH,
        weight=1,
        first_day=-14,
        last_day=30,
        daily_views=300,
        click_rate=0.007,
    ),
]


def create_demo_sponsors(seed: int = 11) -> int:
    """Create the demo sponsors and campaigns once; return how many campaigns were created."""
    if Sponsor.objects.exists():
        return 0
    today = today_for(Publication.current())
    generator = random.Random(seed)
    with transaction.atomic():
        sponsors = {row["name"]: Sponsor.objects.create(**row) for row in SPONSORS}
        for demo in CAMPAIGNS:
            campaign = create_campaign(demo, sponsors[demo.sponsor], today)
            add_history(campaign, demo, today, generator)
        enable_house_block()
    return len(CAMPAIGNS)


def create_campaign(demo: DemoCampaign, sponsor: Sponsor, today: date) -> Campaign:
    starts_on = today + timedelta(days=demo.first_day)
    ends_on = today + timedelta(days=demo.last_day)
    status = Campaign.Status.ENDED if ends_on < today else Campaign.Status.RUNNING
    campaign = Campaign(
        sponsor=sponsor,
        headline=demo.headline,
        body=demo.body,
        call_to_action=demo.call_to_action,
        destination_url=demo.destination_url,
        placement=demo.placement,
        weight=demo.weight,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


def add_history(
    campaign: Campaign, demo: DemoCampaign, today: date, generator: random.Random
) -> None:
    """Daily web impressions and clicks up to yesterday: fewer at weekends, a little noise."""
    day = campaign.starts_on
    while day < min(today, campaign.ends_on + timedelta(days=1)):
        weekend = day.weekday() >= 5
        views = int(demo.daily_views * (0.6 if weekend else 1.0) * generator.uniform(0.8, 1.2))
        clicks = sum(generator.random() < demo.click_rate for _ in range(views))
        unique_clicks = clicks - sum(generator.random() < 0.12 for _ in range(clicks))
        counting.add_to_day(campaign.pk, Channel.WEB, day, views, clicks, unique_clicks)
        day += timedelta(days=1)


def enable_house_block() -> None:
    settings_row = SponsorSettings.current()
    settings_row.house_enabled = True
    settings_row.save()
