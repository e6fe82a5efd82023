"""The reader's pages pass axe-core (4.x, in Chromium) with no serious or critical violation, at
desktop and phone widths: home, an article (links in its text, a footnote, a sponsor, comments
with links), a topic, the archive, subscribe and the account. On a phone the masthead keeps off
the top edge, the subscribe field shows its whole placeholder and a list's breadcrumb starts
where its heading does."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.members.models import Member
from atlas.publishing.models import Post, Tag
from tests.factories import RESULTS, add_comment, axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BODY = (
    "The council [voted on Tuesday](https://council.example/minutes) to fund the plan, "
    "after [a long debate](/posts/) about the harbour.[^1]\n\n"
    "Residents said the [consultation](https://consultation.example) came too late.\n\n"
    "Third paragraph, where the sponsor's block follows.\n\n"
    "Fourth paragraph, with *emphasis* and a [second link](https://example.org/more).\n\n"
    "[^1]: Minutes of the meeting, page 4."
)


@pytest.fixture
def reader_pages(
    make_post: Any, tag: Tag, subscriber: Member, other_subscriber: Member, make_campaign: Any
) -> dict[str, str]:
    article = make_post("Harbour dredging plan divides the council", body=BODY, tags=[tag])
    for number in range(3):
        make_post(f"Earlier story {number}", tags=[tag])
    make_campaign()
    first = add_comment(subscriber, article, "See [the minutes](https://council.example) first.")
    add_comment(other_subscriber, article, "Thanks, *very* useful.", parent=first)
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "archive": "/posts/",
        "subscribe": "/subscribe/",
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_reader_pages_have_no_serious_accessibility_violation(
    new_page: Any, live_server: Any, reader_pages: dict[str, str], subscriber: Member, width: int
) -> None:
    anonymous = new_page(width=width)
    member = new_page(user=subscriber, width=width)
    found = {}
    for name, path in [*reader_pages.items(), ("account", "/account/"), ("member article", "")]:
        page = member if name in ("account", "member article") else anonymous
        page.goto(live_server.url + (path or reader_pages["article"]))
        found[name] = axe_violations(page)
        page.screenshot(path=str(RESULTS / f"axe-{name.replace(' ', '-')}-{width}.png"))
    assert {name: issues for name, issues in found.items() if issues} == {}


def test_phone_layout_keeps_things_whole_and_aligned(
    new_page: Any, live_server: Any, reader_pages: dict[str, str]
) -> None:
    page = new_page(width=390)
    page.goto(live_server.url + "/")
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["y"] >= 8, brand  # not against the top edge
    field = page.locator(".subscribe-form input[name=email]").first
    fits = field.evaluate("input => input.scrollWidth <= input.clientWidth")
    width = field.evaluate(
        "input => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = getComputedStyle(input).font; return c.measureText(input.placeholder).width; }"
    )
    assert fits and width <= field.evaluate("input => input.clientWidth"), width
    for path in (reader_pages["archive"], reader_pages["tag"]):
        page.goto(live_server.url + path)
        crumb = page.locator(".breadcrumb ol").bounding_box()
        heading = page.locator("h1").bounding_box()
        assert crumb and heading and abs(crumb["x"] - heading["x"]) < 2, (path, crumb, heading)
    desktop = new_page(width=1280)
    desktop.goto(live_server.url + reader_pages["archive"])
    crumb = desktop.locator(".breadcrumb ol").bounding_box()
    heading = desktop.locator("h1").bounding_box()
    assert crumb and heading and abs(crumb["x"] - heading["x"]) < 2, (crumb, heading)


def test_links_in_an_article_s_text_are_underlined(
    new_page: Any, live_server: Any, reader_pages: dict[str, str]
) -> None:
    page = new_page()
    page.goto(live_server.url + reader_pages["article"])
    decorations = page.eval_on_selector_all(
        ".prose p a, .comment-body a",  # not footnote marks (raised) nor the sponsor's button
        "links => links.filter(a => !a.closest('.footnote-ref, .sponsor-block'))"
        ".map(a => `${getComputedStyle(a).textDecorationLine} ${a.outerHTML}`)",
    )
    plain = [link for link in decorations if not link.startswith("underline")]
    assert len(decorations) >= 5 and plain == [], plain
    assert Post.objects.count() == 4
