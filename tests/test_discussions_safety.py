"""Nothing a commenter types runs in a reader's browser: bodies, names and structured data."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.discussions.models import MAX_LENGTH, Comment
from atlas.members.models import Member
from atlas.publishing.models import Post
from tests.factories import HOSTILE, add_comment, client_for, page, set_discussion_settings, submit

COMMENT_HOSTILE = [
    *HOSTILE,
    '"><script>alert(1)</script>',
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)' onmouseover='alert(1)'>hover</a>",
    "\u2028\u2029<script>alert(1)</script>",
]
FRAGMENTS = ["<", ">", '"', "'", "=", "`", "](", ")", "\n\n", "&#", ":", " on", "javascript",
             "</script>", "<a href=", "> ", "*", "_"]  # fmt: skip
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "form", "input",
                  "meta", "base", "link", "details", "noscript", "textarea"}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "xlink:href"}


class DiscussionInspector(HTMLParser):
    """What a browser would treat as markup in the discussion: inside the thread, no dangerous
    tag at all; everywhere, no event handler and no URL with a dangerous scheme."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.structured_data: list[str] = []
        self._in_structured_data = False
        self._thread_depth = 0  # <ol> levels inside the comment list

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "ol" and (self._thread_depth or values.get("class") == "comment-list"):
            self._thread_depth += 1
        if tag == "script" and values.get("type") == "application/ld+json":
            self._in_structured_data = True
        elif tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append("inline <script>")
        elif tag in DANGEROUS_TAGS and self._thread_depth:
            self.problems.append(f"tag <{tag}> in the thread")
        for name, value in attrs:
            if name.startswith("on") or (name == "style" and "url(" in (value or "")):
                self.problems.append(f"attribute {name}")
            if name in URL_ATTRIBUTES:
                scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value or "")
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    self.problems.append(f"URL {value!r}")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._in_structured_data:
            self.structured_data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_structured_data = False
        if tag == "ol" and self._thread_depth:
            self._thread_depth -= 1


def discussion_of(html: str) -> str:
    return html[html.index('<section class="discussion"') :]


def assert_safe(html: str) -> None:
    inspector = DiscussionInspector()
    inspector.feed(discussion_of(html))
    inspector.close()
    assert not inspector.problems, inspector.problems
    for data in inspector.structured_data:
        json.loads(data)  # still one valid JSON document: nothing broke out of it
        assert "</" not in data and "<!--" not in data


@pytest.fixture
def many_comments_allowed(db: Any) -> None:
    set_discussion_settings(comments_per_minute=1000, comments_per_day=1000, max_links=1000)


@pytest.mark.usefixtures("many_comments_allowed")
def test_hostile_comments_are_shown_as_harmless_text(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    for number, payload in enumerate(COMMENT_HOSTILE):
        parent = add_comment(subscriber, article, f"{number}: {payload}")
        add_comment(other_subscriber, article, f"re {number}: {payload}", parent=parent)

    for viewer in (client, client_for(subscriber), client_for(other_subscriber)):
        assert_safe(page(viewer, article))
    assert Comment.objects.filter(status=Comment.Status.PUBLISHED).count() == 2 * len(
        COMMENT_HOSTILE
    )


@pytest.mark.usefixtures("many_comments_allowed")
def test_hostile_display_names_are_escaped_everywhere(
    client: Client, article: Post, make_member: Any, subscriber: Member
) -> None:
    villain = make_member(comment_name='"><img src=x onerror=alert(1)></script>')
    target = add_comment(villain, article, "Innocent words.")
    deep = add_comment(subscriber, article, "One.", parent=target)
    deeper = add_comment(villain, article, "Two.", parent=deep)
    add_comment(subscriber, article, "Three.", parent=deeper)  # says "replying to <villain>"

    for viewer in (client, client_for(subscriber)):
        html = page(viewer, article)
        assert_safe(html)
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    reply_page = client_for(subscriber).get(f"/comments/{target.pk}/reply/").content.decode()
    assert "<img src=x" not in reply_page


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.lists(
        st.one_of(
            st.sampled_from(COMMENT_HOSTILE),
            st.sampled_from(FRAGMENTS),
            st.text(max_size=20),
        ),
        min_size=1,
        max_size=20,
    ).map("".join)
)
def test_no_comment_body_yields_script_handlers_or_dangerous_urls(
    body: str, client: Client, article: Post, subscriber: Member
) -> None:
    Comment.objects.all().delete()
    comment = Comment(post=article, member=subscriber)
    comment.set_body(body)
    comment.save()
    assert_safe(page(client, article))


def test_a_comment_longer_than_the_limit_is_refused_and_kept_for_fixing(
    subscriber_client: Client, article: Post
) -> None:
    too_long = "word " * (MAX_LENGTH // 5) + "more"

    response = submit(subscriber_client, article, too_long)

    assert response.status_code == 400
    html = response.content.decode()
    assert "up to 5,000 characters" in html and "word word word" in html
    assert not Comment.objects.exists()
    assert submit(subscriber_client, article, "   ").status_code == 400
    assert submit(subscriber_client, article, "x" * MAX_LENGTH).status_code == 302
