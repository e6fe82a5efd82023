"""Staff open the analytics dashboard in a real Chromium and see charts drawn from demo data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from atlas.analytics.demo import create_demo_analytics
from tests.factories import RESULTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_staff_see_the_dashboard_charts(
    live_server: Any,
    new_page: Any,
    make_post: Any,
    editor: Any,
) -> None:
    for number in range(5):
        make_post(f"Demo story {number}", published_at=timezone.now() - timedelta(days=80))
    assert create_demo_analytics(days=90) > 0
    page = new_page(user=editor)
    requests_elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else requests_elsewhere.append(request.url)
        ),
    )

    page.goto(live_server.url + "/newsroom/numbers/?range=90")
    assert page.get_by_role("heading", name="Numbers").is_visible()
    traffic = page.locator("#traffic-chart svg")
    assert traffic.is_visible()
    assert traffic.locator("rect.nr-bar-shape").count() == 90  # one bar a day
    assert page.locator("#growth-chart svg rect").count() == 180  # sign-ups and unsubscribes
    assert page.get_by_role("link", name="Demo story 0").first.is_visible()
    page.screenshot(path=str(RESULTS / "analytics-dashboard.png"), full_page=True)
    page.get_by_role("link", name="Demo story 0").first.click()
    assert page.locator("#views-chart svg rect.nr-bar-shape").count() == 90
    page.screenshot(path=str(RESULTS / "analytics-article.png"), full_page=True)
    assert requests_elsewhere == []
