"""A reader in a real Chromium: home page, an article with its correction, then a tag."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.publishing import services
from atlas.publishing.models import Tag
from tests.factories import RESULTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_reader_opens_an_article_and_follows_a_tag(
    live_server: Any, browser_page: Any, make_post: Any
) -> None:
    trade = Tag.objects.create(name="Diplomacy", slug="diplomacy")
    make_post("Harbour pilots vote to strike", tags=[trade])
    story = make_post(
        "Envoy proposes a trade alliance; the capital hesitates",
        subtitle="A pitch for a united front meets a wary government.",
        body=(
            "The envoy's message was clear.\n\n"
            '> "Opportunity, not threat," he said.\n\n'
            "A poll rated it 3.1 out of 10.[^1]\n\n[^1]: Survey, 2024."
        ),
        tags=[trade],
    )
    services.add_correction(
        story, "An earlier version said the prime minister sought a fourth term. It is a third."
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

    page.goto(live_server.url + "/")
    assert page.title() == "Atlas News"
    page.get_by_role("link", name=story.title).first.click()
    page.wait_for_url(f"**{story.get_absolute_url()}")

    breadcrumb = page.locator("nav.breadcrumb")
    assert breadcrumb.inner_text().split("\n") == ["Atlas News", "Posts", story.title]
    assert page.locator("h1").inner_text() == story.title
    assert "3.1 out of 10" in page.locator(".prose").inner_text()
    correction = page.locator("#corrections")
    assert "fourth term" in correction.inner_text() and "Correction," in correction.inner_text()
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet loaded
    page.screenshot(path=str(RESULTS / "article.png"), full_page=True)

    page.get_by_role("link", name="Diplomacy").first.click()
    page.wait_for_url("**/tags/diplomacy/")
    assert page.locator("h1").inner_text() == "Diplomacy"
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == ["Harbour pilots vote to strike", story.title]  # newest first
    assert requests_elsewhere == []
