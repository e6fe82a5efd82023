"""A visitor in a real Chromium subscribes from the home page, confirms by mail, and signs in
again with an emailed link."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.publishing.models import Publication
from tests.factories import RESULTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_visitor_subscribes_confirms_by_mail_and_signs_in_again(
    live_server: Any, browser_page: Any, mailbox: Any, deliver: Any, make_post: Any
) -> None:
    publication = Publication.current()
    publication.public_url = live_server.url
    publication.save()
    make_post("A story worth subscribing for")
    page = browser_page
    page.goto(live_server.url + "/")
    page.locator(".subscribe-box input[name=email]").fill("new.reader@example.org")
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
