"""A reader in a real Chromium sees the Sponsored block, follows it to the sponsor's page, and the
sponsor's shared report shows the impression and the click."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from atlas.sponsors.models import Campaign, Sponsor
from atlas.sponsors.tokens import report_token
from tests.factories import LONG_BODY, RESULTS, campaign_counts, publication_today

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_reader_follows_the_sponsored_link_and_the_report_counts_it(
    live_server: Any, browser_page: Any, make_post: Any, settings: Any
) -> None:
    settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = True  # the destination is this test server
    article = make_post("Bridge reopens after repairs", body=LONG_BODY)
    campaign = Campaign.objects.create(
        sponsor=Sponsor.objects.create(name="Riverside Bike Co-op"),
        headline="Spring tune-ups by your neighbours",
        body="Any bike, fixed in *48 hours*.",
        call_to_action="Book a tune-up",
        destination_url=live_server.url + "/posts/",
        starts_on=publication_today() - timedelta(days=1),
        ends_on=publication_today() + timedelta(days=7),
        status=Campaign.Status.RUNNING,
    )
    page = browser_page
    requests_elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else requests_elsewhere.append(request.url)
        ),
    )

    page.goto(live_server.url + article.get_absolute_url(), wait_until="load")
    block = page.locator("aside.sponsor-block")
    assert block.locator(".sponsor-tag").inner_text().strip().lower() == "sponsored"
    assert "Spring tune-ups by your neighbours" in block.inner_text()
    assert block.evaluate("element => getComputedStyle(element).backgroundColor") != (
        page.locator(".prose").evaluate("element => getComputedStyle(element).backgroundColor")
    )
    block.screenshot(path=str(RESULTS / "sponsored-block.png"))

    page.get_by_role("link", name="Book a tune-up").click()
    page.wait_for_url(live_server.url + "/posts/")
    assert campaign_counts(campaign) == (1, 1, 1)

    page.goto(f"{live_server.url}/sponsors/report/{report_token(campaign)}/")
    totals = page.locator(".report-totals").inner_text()
    assert "Impressions\n1" in totals and "Clicks\n1" in totals
    assert page.locator("img.report-chart").evaluate("image => image.naturalWidth") > 0
    page.screenshot(path=str(RESULTS / "sponsor-report.png"), full_page=True)
    assert requests_elsewhere == []
