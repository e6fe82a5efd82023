"""A reader searches in a real Chromium: the header's field (no JavaScript needed), the results
with marked words, a filter by topic, then the article."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.publishing.models import Tag

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_reader_searches_from_the_header_filters_and_opens_a_result(
    live_server: Any, new_page: Any, make_post: Any
) -> None:
    trade = Tag.objects.create(name="Diplomacy", slug="diplomacy")
    story = make_post(
        "Envoy proposes a trade alliance", body="The envoy spoke of a cormorant.", tags=[trade]
    )
    make_post("Birdwatchers count the cormorant colony", body="Cormorant numbers are up.")
    context_page = new_page(user_agent=None)
    context_page.context.set_extra_http_headers({})
    page = context_page
    page.context.route("**/*.js", lambda route: route.abort())  # works without JavaScript

    page.goto(live_server.url + story.get_absolute_url())
    field = page.get_by_role("searchbox", name="Search")
    field.fill("cormorant")
    field.press("Enter")
    page.wait_for_url("**/search/?q=cormorant")
    assert page.locator("h2#search-results-title").inner_text() == "2 results for “cormorant”"
    assert page.locator(".search-snippet mark").first.inner_text().lower() == "cormorant"

    page.locator("summary").click()
    page.get_by_label("Topic").select_option("diplomacy")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**tag=diplomacy**")
    results = page.locator(".search-result h3")
    assert results.count() == 1
    results.first.get_by_role("link").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert page.locator("h1").inner_text() == story.title
