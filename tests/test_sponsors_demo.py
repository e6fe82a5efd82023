"""The demo publication comes with sponsors: the Sponsored block shows mid-article, with history."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from atlas.analytics.models import EventCounter
from atlas.demo.services import load_demo
from atlas.publishing.models import Post
from atlas.sponsors.demo import create_demo_sponsors
from atlas.sponsors.models import Campaign, SponsorSettings
from atlas.sponsors.reports import build_report
from tests.factories import BROWSER_AGENT

pytestmark = pytest.mark.slow  # builds the demo sponsors and their history


def test_demo_sponsors_fill_the_slot_once_with_weeks_of_history(db: Any) -> None:
    load_demo()  # loads the demo sponsors too

    assert Campaign.objects.count() == 3
    assert create_demo_sponsors() == 0  # only once

    running = Campaign.objects.filter(status=Campaign.Status.RUNNING)
    assert running.count() == 2 and Campaign.objects.filter(status="ended").count() == 1
    assert SponsorSettings.current().house_enabled
    counted = EventCounter.objects.filter(kind__startswith="sponsor.")
    assert counted.values("day").distinct().count() >= 21
    report = build_report(running.get(placement="web"))
    assert report.total.impressions > 1000 and 0 < report.total.clicks < report.total.impressions
    newest = Post.objects.published().filter(visibility="public").newest_first().first()
    html = Client(HTTP_USER_AGENT=BROWSER_AGENT).get(newest.get_absolute_url()).content.decode()
    prose = html[html.index('<div class="prose') :]
    assert '<span class="sponsor-tag">Sponsored</span>' in prose
    assert prose.index("<p>") < prose.index("sponsor-block") < prose.rindex("</p>")
    assert create_demo_sponsors() == 0
