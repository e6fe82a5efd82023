"""Web requests while the database is locked or down: 503 with Retry-After, a page in the site's
style that keeps the writer's text, JSON for the editor's autosave, one log line naming the
database; /healthz and /readyz for load balancers."""

from __future__ import annotations

import logging
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

from atlas.discussions.models import Comment
from atlas.members.models import Member
from atlas.publishing.models import Post
from atlas.runtime.health import HealthChecks
from atlas.runtime.unavailable import database_unavailable, server_error
from tests.factories import client_for, wsgi_call

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
COMMENT = "Ça va? The harbour plan — a long thought\nwith a second line, kept whatever happens."


def form_fields(html: str) -> list[tuple[str, str]]:
    """(name, value) of every field of the first form on a page, as a browser would send them."""
    form = html.split("<form", 1)[1].split("</form>", 1)[0]
    fields = [
        (unescape(name), unescape(value))
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    ]
    fields += [
        (unescape(name), unescape(value))
        for name, value in re.findall(
            r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
        )
    ]
    return fields


@pytest.fixture
def sqlite_lock() -> Iterator[sqlite3.Connection]:
    """Another process's write lock on the test database (a backup, a VACUUM, a big import)."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield holder
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_only_a_busy_or_unreachable_database_counts_as_unavailable() -> None:
    assert database_unavailable(OperationalError("database is locked")) is SQLITE or not SQLITE
    assert not database_unavailable(ValueError("database is locked"))
    if SQLITE:  # SQLite says OperationalError for a mistake in SQL too: that stays a 500
        assert not database_unavailable(OperationalError("no such table: nowhere"))


def test_web_requests_wait_seconds_for_sqlite_s_lock_not_twenty() -> None:
    if SQLITE:
        assert 3 <= connection.settings_dict["OPTIONS"]["timeout"] <= 5
    assert 3 <= settings.SQLITE_BUSY_TIMEOUT <= 5


@pytest.mark.slow
@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock (PostgreSQL: the test below)")
@pytest.mark.django_db(transaction=True)
def test_a_comment_posted_while_sqlite_is_locked_answers_503_with_the_text(
    make_post: Any, subscriber: Member, caplog: Any, request: Any
) -> None:
    post = make_post("Harbour plan")
    client = client_for(subscriber)
    client.raise_request_exception = False
    holder = request.getfixturevalue("sqlite_lock")
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/posts/{post.slug}/comments/", {"body": COMMENT})
    waited = time.monotonic() - started
    assert response.status_code == 503
    assert waited < 10, f"the request waited {waited:.1f} s for the lock"
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Please try again" in html and "atlas/site." in html
    assert COMMENT in unescape(html)
    assert "Error 500" not in html
    lines = [record.getMessage() for record in caplog.records]
    assert any("Database unavailable" in line and "locked" in line for line in lines), lines
    assert not any(record.exc_info for record in caplog.records)  # one line, no traceback

    holder.execute("ROLLBACK")
    holder.execute("BEGIN")  # the fixture's own ROLLBACK closes this one
    again = client.post(f"/posts/{post.slug}/comments/", dict(form_fields(html)))
    assert again.status_code == 302
    assert Comment.objects.get(post=post).body == COMMENT


@pytest.mark.slow
@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_a_subscribe_form_sent_while_sqlite_is_locked_keeps_the_address(
    sqlite_lock: Any,
) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/subscribe/",
        {"email": "tomás.núñez@example.org", "name": "Tomás Núñez"},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 503
    html = unescape(response.content.decode())
    assert "tomás.núñez@example.org" in html and "Tomás Núñez" in html
    assert not Member.objects.exists()


@pytest.mark.slow
@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_the_editor_s_autosave_answers_503_json_while_sqlite_is_locked(
    editor: Any, request: Any
) -> None:
    client = client_for(editor)
    client.raise_request_exception = False
    post = Post.objects.create(title="Draft", body="Old words.")
    request.getfixturevalue("sqlite_lock")
    response = client.post(
        f"/newsroom/posts/{post.pk}/autosave/",
        {"title": "Draft", "body": "New words."},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert "try again" in response.json()["error"]


def test_a_bug_is_still_a_500(rf: Any) -> None:
    bug = OperationalError("no such column: nowhere") if SQLITE else ZeroDivisionError()
    try:
        raise bug
    except Exception:
        answer = server_error(rf.get("/"))
    assert answer.status_code == 500
    assert "Retry-After" not in answer


def test_healthz_answers_without_the_database(monkeypatch: Any) -> None:
    def no_database(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("healthz touched the database")

    monkeypatch.setattr(connection, "cursor", no_database)
    app = HealthChecks(lambda environ, start_response: [])
    status, headers, body = wsgi_call(app, "/healthz")
    assert status.startswith("200") and body == b"ok\n"
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_ready_when_database_and_queue_answer() -> None:
    app = HealthChecks(lambda environ, start_response: [])
    status, _, body = wsgi_call(app, "/readyz")
    assert status.startswith("200"), body
    assert body == b"ready\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, Any, str]:
    """(status, headers (any case), body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.slow
def test_every_page_answers_503_while_postgresql_is_unreachable(tmp_path: Path) -> None:
    """The real server, its PostgreSQL at a port where nothing listens."""
    closed, port = free_port(), free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://atlas@127.0.0.1:{closed}/atlas",
        "ATLAS_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    environment.pop("ATLAS_DEBUG", None)  # production's error pages, so the static manifest
    collected = subprocess.run(
        [sys.executable, "-m", "atlas", "collectstatic", "--noinput"],
        env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "atlas", "serve", "--port", str(port), "--workers", "1"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        for path in ("/", "/robots.txt", "/posts/", "/signin/", "/feed/"):
            status, headers, body = fetch(base + path)
            assert status == 503, (path, status, body[:300])
            assert int(headers["Retry-After"]) > 0
            assert "Please try again" in body and "atlas/site." in body
        status, headers, body = fetch(f"{base}/readyz")
        assert status == 503 and "database" in body
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Database unavailable (postgresql" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
