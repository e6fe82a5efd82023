"""Content-Security-Policy on every page, and no page breaks it: Chromium walks the reader's
site, a member's account, the newsroom (the editor and its previews included) and the admin of
the demo publication, following every link, and fails on any violation it reports."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from atlas.delivery.models import Send
from atlas.demo.services import load_demo
from atlas.discussions.models import Comment
from atlas.members.models import Member
from atlas.publishing.models import Post, Publication
from tests.factories import BROWSER_AGENT, client_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REQUIRED = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "script-src 'self'")
# Not pages: downloads, feeds, images, redirects away, sign-out links.
SKIPPED = re.compile(
    r"^/(static|media|anymail|go|e)/|/feed|\.(json|csv|xml|txt|gif|svg)$|sign-?out|logout"
    r"|^/admin/r/|^/billing/portal/|^/sponsors/seen/"
)
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""
PAGE_LIMIT = 260


class Walk:
    """One person's browser, collecting every CSP violation with the page it happened on."""

    def __init__(self, context: Any, base: str) -> None:
        self.base = base
        self.page = context.new_page()
        self.violations: list[str] = []
        self.visited: list[str] = []
        self.seen: set[str] = set()
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None, path
        if "text/html" in response.headers.get("content-type", ""):
            policy = response.headers.get("content-security-policy", "")
            missing = [directive for directive in REQUIRED if directive not in policy]
            assert not missing, f"{path}: {missing} not in {policy!r}"
            script_sources = policy.split("script-src", 1)[1].split(";")[0]
            loosened = path.startswith(tuple(settings.ATLAS_CSP_INLINE_PREFIXES))
            assert loosened or "'unsafe-inline'" not in script_sources, path
        self.visited.append(path)
        self.collect()
        return response

    def collect(self) -> None:
        found = self.page.evaluate("window.__violations || []")
        self.violations += [f"{self.page.url}: {violation}" for violation in found]
        self.page.evaluate("window.__violations = []")

    def crawl(self, *starts: str, within: str = "/") -> None:
        """Every page reachable by links from `starts` under `within`, once per shape of
        address (ids count as one: /posts/1/ and /posts/2/ are the same page)."""
        queue = list(starts)
        while queue and len(self.visited) < PAGE_LIMIT:
            path = queue.pop(0)
            shape = re.sub(r"\d+", "N", path)
            if shape in self.seen:
                continue
            self.seen.add(shape)
            response = self.open(path)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            for link in self.page.eval_on_selector_all(
                "a[href]", "links => links.map(a => a.href)"
            ):
                parts = urlsplit(link)
                if parts.netloc != urlsplit(self.base).netloc or parts.query:
                    continue
                if parts.path.startswith(within) and not SKIPPED.search(parts.path):
                    queue.append(parts.path)


def person(chromium: Any, live_server: Any, user: Any = None, width: int = 1280) -> Walk:
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   user_agent=BROWSER_AGENT)  # fmt: skip
    context.add_init_script(WATCH_VIOLATIONS)
    if user is not None:
        cookie = client_for(user).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    return Walk(context, live_server.url)


def test_no_page_breaks_the_content_security_policy(chromium: Any, live_server: Any) -> None:
    demo = load_demo()
    assert demo.created
    publication = Publication.current()
    publication.public_url = live_server.url  # emails' images come from this site
    publication.save()
    staff = User.objects.create_superuser("csp-owner", "owner@example.org", "a-long-password")
    article = Post.objects.published().articles().newest_first().first()
    assert article is not None
    member = Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=False).first() or (
        Member.objects.filter(status=Member.Status.ACTIVE).first()
    )
    assert member is not None

    reader = person(chromium, live_server)
    reader.crawl("/", "/subscribe/", "/signin/", "/no-such-page/")
    reader.open(article.get_absolute_url() + "?sort=newest")

    signed_in = person(chromium, live_server, user=member)
    signed_in.crawl("/account/", article.get_absolute_url(), "/account/delete/")
    comment = Comment.objects.filter(post=article).first()
    if comment is not None:
        signed_in.open(f"/comments/{comment.pk}/reply/")

    newsroom = person(chromium, live_server, user=staff)
    newsroom.crawl("/newsroom/", "/newsroom/posts/new/", within="/newsroom/")
    newsroom.open(f"/newsroom/posts/{article.pk}/")
    page = newsroom.page
    page.click("#preview-button")
    page.wait_for_function(
        "() => document.getElementById('preview-frame').srcdoc.includes('<article')",
        timeout=15000,
    )
    page.wait_for_timeout(500)
    newsroom.collect()
    for tab in ("#tab-email", "#tab-phone"):
        page.click(tab)
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        newsroom.collect()

    admin = person(chromium, live_server, user=staff)
    admin.crawl("/admin/", within="/admin/")
    admin.open(f"/admin/delivery/send/new/?post={article.pk}")
    if Send.objects.exists():
        admin.open(f"/admin/delivery/send/{Send.objects.first().pk}/status/")

    walks = {"reader": reader, "member": signed_in, "newsroom": newsroom, "admin": admin}
    violations = dict.fromkeys(v[:240] for walk in walks.values() for v in walk.violations)
    assert not violations, "\n".join(violations)
    counts = {name: len(walk.visited) for name, walk in walks.items()}
    assert counts["reader"] >= 8 and counts["newsroom"] >= 8 and counts["admin"] >= 30, counts
