"""Sponsors, campaigns and readers shared by the sponsors tests (loaded with `pytest_plugins`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from atlas.analytics import services as analytics
from atlas.publishing.models import Post, Publication
from atlas.sponsors.counting import daily_counts
from atlas.sponsors.models import Campaign, Sponsor, SponsorSettings
from atlas.sponsors.placement import today_for

BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
LONG_BODY = "\n\n".join(f"Paragraph number {number} of the story." for number in range(1, 6))

CampaignFactory = Callable[..., Campaign]


def reader(agent: str = BROWSER_AGENT, address: str = "203.0.113.9") -> Client:
    """An anonymous reader's browser: a real user agent, one address."""
    return Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def today() -> Any:
    return today_for(Publication.current())


def counts(campaign: Campaign, channel: str = "web") -> tuple[int, int, int]:
    """(impressions, clicks, unique clicks) of a campaign on a channel, over every day."""
    analytics.flush()
    days = [day for (_, on), day in daily_counts(campaign.pk).items() if on == channel]
    return (
        sum(day.impressions for day in days),
        sum(day.clicks for day in days),
        sum(day.unique_clicks for day in days),
    )


def page(client: Client, post: Post) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def sponsor(db: Any) -> Sponsor:
    return Sponsor.objects.create(name="Riverside Bike Co-op", contact_email="ads@bikes.example")


@pytest.fixture
def make_campaign(sponsor: Sponsor) -> CampaignFactory:
    """A running campaign for web and email, from yesterday to next week, unless told otherwise."""
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> Campaign:
        number = next(counter)
        tags = fields.pop("tags", [])
        newsletters = fields.pop("newsletters", [])
        day = today()
        campaign = Campaign.objects.create(
            sponsor=fields.pop("sponsor", sponsor),
            headline=fields.pop("headline", f"Offer number {number}"),
            body=fields.pop("body", "Tune-ups by **your neighbours**."),
            call_to_action=fields.pop("call_to_action", "Book a tune-up"),
            destination_url=fields.pop("destination_url", f"https://bikes.example/offer/{number}"),
            starts_on=fields.pop("starts_on", day - timedelta(days=1)),
            ends_on=fields.pop("ends_on", day + timedelta(days=7)),
            status=fields.pop("status", Campaign.Status.RUNNING),
            **fields,
        )
        campaign.tags.set(tags)
        campaign.newsletters.set(newsletters)
        return campaign

    return factory


@pytest.fixture
def sponsor_settings(db: Any) -> SponsorSettings:
    return SponsorSettings.current()


@pytest.fixture
def article(make_post: Any) -> Post:
    """A public article with five paragraphs: the slot sits after the third."""
    return make_post("Reference page", body=LONG_BODY)
