"""Markdown renders what newsrooms need, and nothing executable survives sanitizing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.lib.markdown import reading_time_minutes, render_markdown
from atlas.publishing.models import Post
from tests.factories import HOSTILE

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "svg",
    "math",
    "form",
    "input",
    "meta",
    "base",
    "link",
    "details",
    "noscript",
}
SAFE_SCHEMES = {"http", "https", "mailto"}


class _Inspector(HTMLParser):
    """Collects what a browser would treat as markup: tags, attributes and their values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (name == "style" and "url(" in (value or "")):
                self.problems.append(f"attribute {name}")
            if name in {"href", "src", "action", "background", "xlink:href", "formaction"}:
                scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value or "")
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    self.problems.append(f"URL {value!r}")

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, (inspector.problems, html)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_is_neutralised(payload: str) -> None:
    for profile in ("article", "inline"):
        assert_safe(render_markdown(payload, profile))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.sampled_from(
                [
                    "<",
                    ">",
                    '"',
                    "'",
                    "=",
                    "`",
                    "[",
                    "](",
                    ")",
                    "\n\n",
                    "&#",
                    ";",
                    " on",
                    "load=",
                    "javascript",
                    ":",
                    "<a href=",
                    "<img src=",
                    "> ",
                ]
            ),
            st.text(max_size=20),
        ),
        max_size=25,
    ).map("".join)
)
def test_no_generated_input_yields_script_handlers_or_dangerous_urls(text: str) -> None:
    for profile in ("article", "inline"):
        assert_safe(render_markdown(text, profile))


def test_footnotes_tables_quotes_and_anchors() -> None:
    html = render_markdown(
        "## Sources and methods\n\n"
        "The poll rated China 3.1 out of 10.[^poll]\n\n"
        "| Measure | Rate |\n|---|---|\n| EV tariff | 100% |\n\n"
        '> "Canada should remain wary," he said.\n\n'
        "~~wrong~~ right -- indeed\n\n"
        "[^poll]: Abacus-style survey, 2024."
    )
    assert '<h2 id="sources-and-methods">' in html
    assert '<sup class="footnote-ref"><a href="#fn-poll" id="fnref-poll"' in html
    assert '<section class="footnotes">' in html and 'id="fn-poll"' in html
    assert "<table>" in html and "<td>100%</td>" in html
    assert "<blockquote>" in html and "\u201cCanada should remain wary,\u201d" in html
    assert "<del>wrong</del>" in html and "right \u2013 indeed" in html


def test_inline_profile_is_stricter() -> None:
    html = render_markdown(
        "## Heading\n\n![img](https://example.org/x.png) [site](https://example.org)"
    )
    strict = render_markdown(
        "## Heading\n\n![img](https://example.org/x.png) [site](https://example.org)", "inline"
    )
    assert "<h2" in html and "<img" in html
    assert "<h2" not in strict and "<img" not in strict
    assert 'rel="nofollow ugc noopener"' in strict


def test_reading_time_counts_words() -> None:
    assert reading_time_minutes("word " * 10) == (10, 1)
    assert reading_time_minutes("word " * 1000) == (1000, 5)


def test_a_one_megabyte_body_saves_without_error(make_post: Any) -> None:
    paragraph = (
        "As trade tensions escalate, officials in the capital weighed a response, with *emphasis*, "
        "a [link](https://example.org/report) and a footnote.[^1]\n\n"
    )
    body = ("## Section\n\n" + paragraph * 8) * 1100 + "[^1]: A source."
    assert len(body.encode()) > 1_000_000
    post = make_post("A very long report", body=body)
    post.refresh_from_db()
    assert post.body_html.count("<h2") == 1100
    assert post.word_count > 150_000
    assert isinstance(post, Post)
