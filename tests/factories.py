"""What the tests build and do, as plain functions (fixtures live in conftest.py, which uses
these too): comments and threads, campaigns' counts, newsletter subscribers and sends, WSGI calls,
the environment of processes a test starts, and hostile input."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

from django.db import connection
from django.test import Client
from django.utils import timezone

from atlas.analytics import services as analytics
from atlas.delivery import engine
from atlas.delivery.models import Send
from atlas.discussions import services as discussions
from atlas.discussions.models import Comment, DiscussionSettings
from atlas.members.models import Member, Newsletter, Subscription
from atlas.publishing.models import Post, Publication
from atlas.sponsors.counting import daily_counts
from atlas.sponsors.models import Campaign
from atlas.sponsors.placement import today_for

MemberFactory = Callable[..., Member]  # the fixtures `make_member`, `make_post`, `make_campaign`
PostFactory = Callable[..., Post]
CampaignFactory = Callable[..., Campaign]
PageFactory = Callable[..., Any]  # `new_page`: a page in a browser context of its own

# Debian's Chromium (apt-get install chromium; never `playwright install`), as every browser
# test starts it.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
RESULTS = Path(__file__).resolve().parent.parent / "test-results"  # screenshots of browser tests
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# A desktop browser's user agent: counted as a reader (headless Chromium calls itself a bot).
BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
# Five paragraphs: the sponsored slot sits after the third.
LONG_BODY = "\n\n".join(f"Paragraph number {number} of the story." for number in range(1, 6))

# Markup and links that must never run in a reader's browser, whatever the profile.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    "<a href=' javascript:alert(1)'>x</a>",
    "![x](javascript:alert(1))",
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    "<form action=https://evil.example><input name=q></form>",
    "<object data=x></object><embed src=x>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<base href=https://evil.example/>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<table><td background=javascript:alert(1)>x</td></table>",
    "<details open ontoggle=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


# Readers and pages ---------------------------------------------------------------------------


def client_for(member_or_user: Any) -> Client:
    """A browser signed in as a member (through their account) or a staff user."""
    client = Client()
    client.force_login(getattr(member_or_user, "user", None) or member_or_user)
    return client


def visitor(agent: str = BROWSER_AGENT, address: str = "203.0.113.9") -> Client:
    """An anonymous reader's browser: a real user agent, one address."""
    return Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def page(client: Client, post: Post, query: str = "") -> str:
    """The article page's HTML, which must answer 200."""
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def wsgi_call(
    app: Any, path: str, method: str = "GET", **headers: str
) -> tuple[str, dict[str, str], bytes]:
    """(status, headers, body) of one request to a WSGI app; headers as `user_agent="..."`."""
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "HTTP_HOST": "127.0.0.1",
    }
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(b"")
    captured: dict[str, Any] = {}

    def start_response(
        status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
    ) -> None:
        captured["status"], captured["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


def html_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """A WSGI app answering every path with a page (/rss/ with a feed, /missing/ with a 404)."""
    content_type = "application/rss+xml" if environ["PATH_INFO"] == "/rss/" else "text/html"
    status = "404 Not Found" if environ["PATH_INFO"] == "/missing/" else "200 OK"
    start_response(status, [("Content-Type", f"{content_type}; charset=utf-8")])
    return [b"<html>page</html>"]


def wsgi_get(middleware: Any, path: str = "/posts/a/", **extra: str) -> None:
    """A reader's GET of `path` through `middleware`, from one address with a real agent."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_HOST": "news.test",
        "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": BROWSER_AGENT,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http", **extra,
    }  # fmt: skip
    list(middleware(environ, lambda status, headers, *args: None))


# Processes a test starts ---------------------------------------------------------------------


def stop_gracefully(process: subprocess.Popen[Any], seconds: float) -> None:
    """SIGTERM, as a service manager stops a process (it stops what it started), and SIGKILL
    if it is still running after `seconds`."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def database_url() -> str:
    """The test database, as a URL another process can open (SQLite: a file, never memory)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        assert "memory" not in str(settings["NAME"]), "another process cannot share memory"
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def process_environment(**extra: str) -> dict[str, str]:
    """The environment of an `atlas` process a test starts: this run's database, Redis keys and
    files (see conftest.py), and `extra`."""
    return {**os.environ, "DATABASE_URL": database_url(), **extra}


# Discussions ---------------------------------------------------------------------------------


def set_discussion_settings(**changes: Any) -> DiscussionSettings:
    settings_row = DiscussionSettings.current()
    for name, value in changes.items():
        setattr(settings_row, name, value)
    settings_row.save()
    return settings_row


def add_comment(member: Member, post: Post, text: str, parent: Comment | None = None) -> Comment:
    """A comment through the service (the rules apply; no rate limit worries for a few)."""
    return discussions.post_comment(member, post, text, parent)


def submit(client: Client, post: Post, text: str, parent: Comment | None = None) -> Any:
    """Post the comment form as a browser does."""
    data = {"body": text, "parent": parent.pk if parent else ""}
    return client.post(f"{post.get_absolute_url()}comments/", data)


def bulk_thread(post: Post, members: list[Member], count: int) -> list[Comment]:
    """`count` comments in threads: every third a top-level comment, the others replies."""
    started = timezone.now() - timedelta(days=1)
    created: list[Comment] = []
    for number in range(count):
        comment = Comment(post=post, member=members[number % len(members)])
        comment.created_at = started + timedelta(seconds=number)
        comment.set_body(
            f"Comment number {number}, with *some* emphasis and a [link](https://example.org)."
        )
        if number % 3 and created:
            discussions.attach_reply(comment, created[-1])
        comment.save()
        created.append(comment)
    discussions.refresh_public_pages()  # as the services do after a comment
    return created


# Newsletters ---------------------------------------------------------------------------------


def newsletter_subscribers(
    count: int, newsletter: Newsletter, prefix: str = "reader", **fields: Any
) -> list[Member]:
    """`count` active members subscribed to `newsletter` (addresses `<prefix><n>@example.org`)."""
    members = []
    for number in range(count):
        member = Member.objects.create(
            email=f"{prefix}{number}@example.org", status=Member.Status.ACTIVE,
            confirmed_at=timezone.now(), **fields,
        )  # fmt: skip
        Subscription.objects.create(member=member, newsletter=newsletter, status="active")
        members.append(member)
    return members


def run_send(send: Send) -> None:
    """What workers do: prepare the ledger, then send every batch until nothing is left."""
    engine.prepare_send_task.call(send.pk)
    for _ in range(10):
        batch_ids = list(send.batches.exclude(status="done").values_list("pk", flat=True))
        if not batch_ids:
            break
        for batch_id in batch_ids:
            engine.deliver_batch(batch_id)
    send.refresh_from_db()


# Sponsors ------------------------------------------------------------------------------------


def publication_today() -> date:
    """Today where the publication is (sponsorships run by its calendar)."""
    return today_for(Publication.current())


def campaign_counts(campaign: Campaign, channel: str = "web") -> tuple[int, int, int]:
    """(impressions, clicks, unique clicks) of a campaign on a channel, over every day."""
    analytics.flush()
    days = [day for (_, on), day in daily_counts(campaign.pk).items() if on == channel]
    return (
        sum(day.impressions for day in days),
        sum(day.clicks for day in days),
        sum(day.unique_clicks for day in days),
    )


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core's findings of these impacts on the page. Evaluated through the browser's
    debugging protocol, as no page script could be: the Content-Security-Policy allows none
    inline."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": each["id"], "impact": each["impact"], "nodes": [n["target"] for n in each["nodes"]]}
        for each in found
        if each["impact"] in impacts
    ]


def eventually(condition: Callable[[], object], seconds: float) -> bool:
    """Whether `condition()` holds within `seconds` (asked every 0.1 s): for other processes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())
