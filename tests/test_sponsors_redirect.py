"""The counted link `/go/<token>`: it leads only to the campaign's stored address, counts people
once a day each without storing who they are, and lets bots through uncounted."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from atlas.analytics import services as analytics
from atlas.analytics.counting import salt_for
from atlas.analytics.models import DailySalt, EventCounter, EventVisitor
from atlas.analytics.services import rollup_and_prune
from atlas.sponsors.counting import CLICK
from atlas.sponsors.models import Campaign
from atlas.sponsors.tokens import click_token, pixel_token
from tests.factories import BROWSER_AGENT, CampaignFactory, campaign_counts, visitor


def go(campaign: Campaign, channel: str = "web") -> str:
    return f"/go/{click_token(campaign.pk, channel)}"


def test_a_click_leads_to_the_stored_address_and_is_counted(
    make_campaign: CampaignFactory,
) -> None:
    campaign = make_campaign(destination_url="https://bikes.example/spring?ref=atlas")
    response = visitor().get(go(campaign))
    assert response.status_code == 302
    assert response["Location"] == "https://bikes.example/spring?ref=atlas"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert campaign_counts(campaign) == (0, 1, 1)


def test_a_tampered_token_is_not_found(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign()
    other = make_campaign()
    token = click_token(campaign.pk, "web")
    value, signature = token.split(":")
    tampered = [
        f"{other.pk}.w:{signature}",  # another campaign's id under this signature
        f"{campaign.pk}.e:{signature}",  # another channel
        f"{value}:{signature[:-2]}xx",
        value,
        f"{value}:",
        "nothing",
        pixel_token(campaign.pk, "web"),  # signed, but for another purpose
    ]
    for bad in tampered:
        assert visitor().get(f"/go/{bad}").status_code == 404, bad
    assert campaign_counts(campaign) == (0, 0, 0) and campaign_counts(other) == (0, 0, 0)


def test_each_token_leads_to_its_own_campaign_only(make_campaign: CampaignFactory) -> None:
    first = make_campaign(destination_url="https://first.example/")
    second = make_campaign(destination_url="https://second.example/")
    assert visitor().get(go(first))["Location"] == "https://first.example/"
    assert visitor().get(go(second))["Location"] == "https://second.example/"
    assert campaign_counts(first)[1] == campaign_counts(second)[1] == 1


@pytest.mark.parametrize(
    "suffix",
    [
        "?next=https://evil.example/",
        "?url=//evil.example",
        "/https://evil.example",
        "/..//evil.example",
        "%2F%2Fevil.example",
    ],
)
def test_nothing_in_the_request_changes_the_destination(
    make_campaign: CampaignFactory, suffix: str
) -> None:
    campaign = make_campaign(destination_url="https://bikes.example/")
    response = visitor().get(go(campaign) + suffix)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"] == "https://bikes.example/"


@pytest.mark.parametrize(
    "path", ["/go//evil.example", "/go/%2F%2Fevil.example", "/go/https:%2F%2Fevil.example", "/go/"]
)
def test_addresses_in_place_of_a_token_are_not_found(db: Any, path: str) -> None:
    assert visitor().get(path).status_code == 404


def test_a_deleted_campaign_link_is_not_found(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign()
    path = go(campaign)
    campaign.delete()
    assert visitor().get(path).status_code == 404


@pytest.mark.parametrize(
    "stored",
    ["javascript:alert(1)", "http://evil.example/", "//evil.example", "https://u:p@evil.example/"],
)
def test_a_destination_that_slipped_past_validation_is_never_followed(
    make_campaign: CampaignFactory, stored: str
) -> None:
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(destination_url=stored)
    assert visitor().get(go(campaign)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://bikes.example/",
        "ftp://bikes.example/file",
        "javascript:alert(1)",
        "https://user:secret@bikes.example/",
        "//bikes.example/",
        "http://127.0.0.1:8000/posts/",
    ],
)
def test_destinations_must_be_https(
    make_campaign: CampaignFactory, settings: Any, url: str
) -> None:
    settings.DEBUG = False
    settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = False
    campaign = make_campaign()
    campaign.destination_url = url
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "destination_url" in error.value.message_dict


def test_plain_http_to_this_machine_only_with_the_setting(
    make_campaign: CampaignFactory, settings: Any
) -> None:
    settings.DEBUG = False
    settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = True
    campaign = make_campaign(destination_url="http://127.0.0.1:8000/posts/")
    campaign.full_clean()
    assert visitor().get(go(campaign))["Location"] == "http://127.0.0.1:8000/posts/"
    campaign.destination_url = "http://bikes.example/"
    with pytest.raises(ValidationError):
        campaign.full_clean()
    settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = False
    Campaign.objects.filter(pk=campaign.pk).update(destination_url="http://127.0.0.1:8000/")
    assert visitor().get(go(campaign)).status_code == 404


@pytest.mark.parametrize(
    ("agent", "headers"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", {}),
        ("facebookexternalhit/1.1", {}),
        ("curl/8.5.0", {}),
        ("", {}),
        ("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0.0.0 Safari/537.36", {}),
        (BROWSER_AGENT, {"HTTP_PURPOSE": "prefetch"}),
        (BROWSER_AGENT, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
    ],
)
def test_bots_scanners_and_prefetches_are_redirected_but_not_counted(
    make_campaign: CampaignFactory, agent: str, headers: dict[str, str]
) -> None:
    campaign = make_campaign(destination_url="https://bikes.example/")
    response = visitor(agent).get(go(campaign), **headers)
    assert response.status_code == 302 and response["Location"] == "https://bikes.example/"
    assert campaign_counts(campaign) == (0, 0, 0)


def test_a_head_request_is_redirected_but_not_counted(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign(destination_url="https://bikes.example/")
    response = visitor().head(go(campaign))
    assert response.status_code == 302 and response["Location"] == "https://bikes.example/"
    assert campaign_counts(campaign) == (0, 0, 0)


def test_a_visitor_is_unique_once_a_day_per_campaign(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign()
    for _ in range(3):
        visitor().get(go(campaign))
    visitor(address="198.51.100.7").get(go(campaign))
    visitor(agent=BROWSER_AGENT + " Firefox/128.0").get(go(campaign))
    assert campaign_counts(campaign) == (0, 5, 3)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        visitor().get(go(campaign))
    assert campaign_counts(campaign) == (0, 6, 4)
    assert EventVisitor.objects.filter(subject=campaign.pk).values("day").distinct().count() == 2


def test_clicks_from_email_count_on_the_email_channel(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign()
    visitor().get(go(campaign, "email"))
    visitor().get(go(campaign, "web"))
    assert campaign_counts(campaign, "email") == (0, 1, 1)
    assert campaign_counts(campaign, "web") == (0, 1, 1)


def test_no_address_or_user_agent_is_stored(make_campaign: CampaignFactory) -> None:
    campaign = make_campaign()
    visitor(address="203.0.113.77").get(go(campaign))
    analytics.flush()
    counted = EventVisitor.objects.get(kind=CLICK)
    assert "203.0.113.77" not in counted.visitor_hash and len(counted.visitor_hash) == 32
    unsalted = hashlib.sha256(f"203.0.113.77\n{BROWSER_AGENT}".encode()).hexdigest()
    assert counted.visitor_hash not in unsalted


def test_a_days_salt_and_fingerprints_are_gone_once_it_is_over(
    make_campaign: CampaignFactory,
) -> None:
    campaign = make_campaign()
    visitor().get(go(campaign))
    analytics.flush()
    yesterday_salt = salt_for(EventVisitor.objects.get().day)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        rollup_and_prune()
        assert not DailySalt.objects.filter(salt=yesterday_salt).exists()
        assert not EventVisitor.objects.exists()
        rolled_up = EventCounter.objects.get(subject=campaign.pk, kind=CLICK)
        assert (rolled_up.count, rolled_up.visitors) == (1, 1)
        visitor().get(go(campaign))
        analytics.flush()
        assert DailySalt.objects.get().salt != yesterday_salt
    assert campaign_counts(campaign) == (0, 2, 2)
