"""A reader in a real Chromium: home page, an article with its correction, then a tag."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from atlas.publishing import services
from atlas.publishing.models import Tag

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
RESULTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture
def browser_page() -> Any:
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            yield page
        finally:
            browser.close()
            # Playwright runs the test inside a greenlet: connections opened there are its own.
            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "article.png"), full_page=True)

    page.get_by_role("link", name="Diplomacy").first.click()
    page.wait_for_url("**/tags/diplomacy/")
    assert page.locator("h1").inner_text() == "Diplomacy"
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == ["Harbour pilots vote to strike", story.title]  # newest first
    assert requests_elsewhere == []


def test_visitor_subscribes_confirms_by_mail_and_signs_in_again(
    live_server: Any, browser_page: Any, mailbox: Any, deliver: Any, make_post: Any
) -> None:
    from atlas.publishing.models import Publication

    publication = Publication.current()
    publication.public_url = live_server.url
    publication.save()
    make_post("A story worth subscribing for")
    page = browser_page
    page.goto(live_server.url + "/")
    page.locator(".subscribe-box input[type=email]").fill("new.reader@example.org")
    page.locator(".subscribe-box button").click()
    page.wait_for_selector("text=Check your inbox")

    deliver()
    confirm_url = mailbox.last_to("new.reader@example.org").links()[0]
    assert confirm_url.startswith(live_server.url)
    page.goto(confirm_url)
    page.get_by_role("button", name="Confirm my subscription").click()
    page.wait_for_url("**/account/")
    assert "Signed in as new.reader@example.org" in page.locator(".signed-in").inner_text()
    page.screenshot(path=str(RESULTS / "account.png"), full_page=True)

    page.get_by_role("button", name="Sign out everywhere").click()
    page.goto(live_server.url + "/signin/")
    page.fill("#id_email", "new.reader@example.org")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_selector("text=Check your inbox")
    deliver()
    sign_in_url = next(
        link for link in mailbox.last_to("new.reader@example.org").links() if "/signin/" in link
    )
    page.goto(sign_in_url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/")
    assert "Signed in as new.reader@example.org" in page.locator(".signed-in").inner_text()
