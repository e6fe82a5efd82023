"""No token of a link reaches a log: sign-in, confirm, address change, unsubscribe, reply-email
opt-out, preview, sponsor clicks and reports, email clicks and opens, inbound mail, the billing
portal and the Checkout return, through Django's own "Not Found" and CSRF lines and the web
server's access log. Token landing pages send no Referer onward."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from atlas.billing.notices import portal_link_token
from atlas.delivery.tracking import link_token, recipient_token
from atlas.discussions.notifications import reply_email_token
from atlas.lib.secret_links import RedactSecrets, redact
from atlas.members import services
from atlas.members.links import create_link, unsubscribe_token
from atlas.members.models import EmailLink, Member
from atlas.publishing.views import preview_url
from atlas.sponsors.tokens import click_token, pixel_token, report_token

INBOUND = "inbound-" + secrets.token_urlsafe(24)


@pytest.fixture
def written_logs() -> Iterator[io.StringIO]:
    """What the configured root handler (the one with the filter) writes."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, RedactSecrets) for item in handler.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def token_flows(member: Member, post: Any, campaign: Any) -> tuple[list[str], list[str]]:
    """Every token-bearing request a reader, a scanner or a mail provider may make: (tokens,
    paths). Most answer 4xx, which Django logs with the path."""
    sign_in = create_link(member, EmailLink.Purpose.SIGN_IN)
    confirm = create_link(member, EmailLink.Purpose.CONFIRM)
    change = create_link(member, EmailLink.Purpose.CHANGE_EMAIL, email="new@example.org")
    tokens = {
        "sign_in": sign_in,
        "confirm": confirm,
        "change": change,
        "unsubscribe": unsubscribe_token(member.pk + 1000, None),
        "reply_emails": reply_email_token(member.pk + 1000, None),
        "preview": preview_url(post).rstrip("/").rsplit("/", 1)[-1],
        "click": click_token(campaign.pk + 1000, "web"),
        "seen": pixel_token(campaign.pk + 1000),
        "report": report_token(campaign) + "x",
        "email_link": link_token(9999, 0),
        "email_recipient": recipient_token(9999, member.pk),
        "portal": portal_link_token(member.pk + 1000),
        "inbound": INBOUND[:-1],
        "checkout": "cs_test_" + secrets.token_hex(12),
    }
    paths = [
        f"/subscribe/confirm/{confirm}x/",
        f"/account/email/{change}x/",
        f"/unsubscribe/{tokens['unsubscribe']}/",
        f"/comments/unsubscribe/{tokens['reply_emails']}/",
        f"/preview/{tokens['preview']}/extra/",
        f"/go/{tokens['click']}",
        f"/sponsors/seen/{tokens['seen']}.gif",
        f"/sponsors/report/{tokens['report']}/",
        f"/e/c/{tokens['email_link']}/{tokens['email_recipient']}/",
        f"/e/o/9999/{tokens['email_recipient']}.gif",
        f"/billing/portal/{tokens['portal']}/",
        f"/delivery/inbound/{tokens['inbound']}/",
        f"/billing/thanks/?session_id={tokens['checkout']}",
        f"/signin/{sign_in}/extra/",  # resolves nowhere: caught by its shape
    ]
    return list(tokens.values()), paths


def test_no_token_of_any_link_reaches_the_logs(
    written_logs: io.StringIO,
    make_post: Any,
    make_campaign: Any,
    subscriber: Member,
    settings: Any,
) -> None:
    settings.ATLAS_INBOUND_TOKEN = INBOUND
    post = make_post("Under embargo", status="draft", published_at=None)
    tokens, paths = token_flows(subscriber, post, make_campaign())
    client = Client(raise_request_exception=False)
    for path in paths:
        client.get(path)
    client.post(f"/delivery/inbound/{tokens[12]}/", b"", content_type="message/rfc822")

    sign_in = tokens[0]
    strict = Client(enforce_csrf_checks=True)  # a form posted without its cookie
    assert strict.post(f"/signin/{sign_in}/").status_code == 403
    assert client.get(f"/signin/{sign_in}/").status_code == 200  # the live link's button
    assert client.post(f"/signin/{sign_in}/").status_code == 302  # used
    assert client.get(f"/signin/{sign_in}/").status_code == 404  # used links are not found
    logging.getLogger("atlas.billing.views").warning(
        "Checkout %s could not be confirmed yet", tokens[-1]
    )

    written = written_logs.getvalue()
    assert "Forbidden (CSRF cookie not set.): /signin/[redacted]" in written, written
    assert "Not Found: /signin/[redacted]" in written
    assert written.count("Not Found") >= 10, written
    leaked = [token for token in tokens if token in written]
    assert leaked == [], written


def test_redaction_leaves_ordinary_paths_alone() -> None:
    for text in (
        "Not Found: /posts/harbour-dredging-plan-divides-the-council-2024/",
        "GET /tags/trade/feed/atom/ 200",
        "Not Found: /signin/",
        "/account/email/",
        "/posts/?page=2&q=ça va",
    ):
        assert redact(text) == text


def test_traceback_text_is_redacted_too() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed", None, None)
    try:
        raise ValueError("/signin/Zk3vQ9rT2mXw8LpA4sBn7YcD1eFgHh5u/ was refused")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactSecrets().filter(record)
    assert "Zk3vQ9" not in (record.exc_text or "") and "[redacted]" in (record.exc_text or "")


def test_token_landing_pages_send_no_referrer_to_other_sites(
    client: Client, subscriber: Member, make_post: Any
) -> None:
    sign_in = create_link(subscriber, EmailLink.Purpose.SIGN_IN)
    post = make_post("Draft", status="draft", published_at=None)
    for path in (
        f"/signin/{sign_in}/",
        f"/subscribe/confirm/{create_link(subscriber, EmailLink.Purpose.CONFIRM)}/",
        f"/unsubscribe/{unsubscribe_token(subscriber.pk, None)}/",
        f"/comments/unsubscribe/{reply_email_token(subscriber.pk, None)}/",
        preview_url(post),
        "/signin/not-a-real-token/",
    ):
        response = client.get(path)
        assert response["Referrer-Policy"] == "same-origin", (path, response.status_code)
    assert client.get("/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_servers_access_log_carries_no_token(tmp_path: Path, subscriber: Member) -> None:
    sign_in = create_link(subscriber, EmailLink.Purpose.SIGN_IN)
    services.user_for(subscriber)
    port = free_port()
    database = connection.settings_dict
    environment = {**os.environ, "ATLAS_VAR_DIR": str(tmp_path), "ATLAS_DEBUG": "1"}
    if database["ENGINE"].endswith("sqlite3"):
        environment["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    else:
        environment["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "atlas", "serve", "--port", str(port), "--workers", "1",
         "--access-log"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        for path in (f"/signin/{sign_in}/", f"/signin/{sign_in}x/"):
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert '"GET /signin/[redacted] HTTP/1.1" 200' in output, output[-2000:]
    assert "Not Found: /signin/[redacted]" in output, output[-2000:]
    assert sign_in not in output, output
