"""A reader in a real Chromium sees the Sponsored block, follows it to the sponsor's page, and the
sponsor's shared report shows the impression and the click."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from atlas.sponsors.models import Campaign, Sponsor
from atlas.sponsors.tokens import report_token
from tests.test_publishing_browser import CHROMIUM, CHROMIUM_ARGS, RESULTS
from tests.test_sponsors_fixtures import BROWSER_AGENT, LONG_BODY, counts, today

pytestmark = pytest.mark.browser


@pytest.fixture
def reader_page() -> Any:
    """Chromium as a reader's browser: headless Chromium names itself HeadlessChrome, which
    the click counter treats as a link scanner, so this page gives a desktop user agent."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, user_agent=BROWSER_AGENT)
        try:
            yield page
        finally:
            browser.close()
            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_reader_follows_the_sponsored_link_and_the_report_counts_it(
    live_server: Any, reader_page: Any, make_post: Any, settings: Any
) -> None:
    settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL = True  # the destination is this test server
    article = make_post("Bridge reopens after repairs", body=LONG_BODY)
    campaign = Campaign.objects.create(
        sponsor=Sponsor.objects.create(name="Riverside Bike Co-op"),
        headline="Spring tune-ups by your neighbours",
        body="Any bike, fixed in *48 hours*.",
        call_to_action="Book a tune-up",
        destination_url=live_server.url + "/posts/",
        starts_on=today() - timedelta(days=1),
        ends_on=today() + timedelta(days=7),
        status=Campaign.Status.RUNNING,
    )
    page = reader_page
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
    RESULTS.mkdir(exist_ok=True)
    block.screenshot(path=str(RESULTS / "sponsored-block.png"))

    page.get_by_role("link", name="Book a tune-up").click()
    page.wait_for_url(live_server.url + "/posts/")
    assert counts(campaign) == (1, 1, 1)

    page.goto(f"{live_server.url}/sponsors/report/{report_token(campaign)}/")
    totals = page.locator(".report-totals").inner_text()
    assert "Impressions\n1" in totals and "Clicks\n1" in totals
    assert page.locator("img.report-chart").evaluate("image => image.naturalWidth") > 0
    page.screenshot(path=str(RESULTS / "sponsor-report.png"), full_page=True)
    assert requests_elsewhere == []
