"""`atlas serve`, a real server: counts buffered in its workers reach the database when it stops."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from atlas.analytics.models import PageViewCounter
from atlas.sponsors.counting import daily_counts
from atlas.sponsors.models import Campaign, Sponsor
from atlas.sponsors.tokens import click_token
from tests.factories import database_url
from tests.mailbox import free_port

pytestmark = pytest.mark.slow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"User-Agent": BROWSER})
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_ready(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        try:
            if get(port, "/robots.txt") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("atlas serve did not answer within 60 s")


@pytest.mark.django_db(transaction=True)
def test_a_stopped_server_writes_the_views_and_clicks_it_buffered(make_post: Any) -> None:
    post = make_post("Counted to the last view")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        sponsor=Sponsor.objects.create(name="Harbourside Credit Union"),
        headline="Savings that stay in town",
        destination_url="https://credit.example/save",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        status=Campaign.Status.RUNNING,
    )
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # Never on a timer during the test: only stopping the server can write the counts.
        "ATLAS_ANALYTICS_FLUSH_SECONDS": "3600",
        "ATLAS_DEBUG": "1",  # static files from the apps' folders: no collectstatic needed
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "atlas", "serve", "--port", str(port), "--workers", "2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    statuses: list[int | str] = []
    try:
        wait_until_ready(port, server)
        click = f"/go/{click_token(campaign.pk, 'web')}"
        for path in [post.get_absolute_url()] * 12 + [click] * 7:
            try:
                statuses.append(get(port, path))
            except OSError as error:
                statuses.append(repr(error))
    finally:
        server.send_signal(signal.SIGTERM)  # as a process manager stops it
        try:
            output, _ = server.communicate(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output, _ = server.communicate()
    assert server.returncode is not None, output
    assert statuses == [200] * 12 + [302] * 7, output
    views = PageViewCounter.objects.filter(path=post.get_absolute_url()).aggregate(Sum("views"))
    assert views["views__sum"] == 12, output
    clicks = sum(day.clicks for day in daily_counts(campaign.pk).values())
    assert clicks == 7, output


def test_serve_refuses_a_port_another_server_listens_on() -> None:
    port = free_port()
    with socket.socket() as other_server:
        # As granian binds: with SO_REUSEPORT, which lets a second one that does too share it.
        other_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other_server.bind(("127.0.0.1", port))
        other_server.listen()
        finished = subprocess.run(
            [sys.executable, "-m", "atlas", "serve", "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_run_refuses_a_taken_port_before_it_starts_anything(tmp_path: Any) -> None:
    """No migration, no worker: a second `atlas run` on a taken port stops at once."""
    port = free_port()
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", port))
        other_server.listen()
        environment = {
            **{name: value for name, value in os.environ.items() if not name.endswith("_URL")},
            "ATLAS_VAR_DIR": str(tmp_path),
        }
        finished = subprocess.run(
            [sys.executable, "-m", "atlas", "run", "--port", str(port)],
            capture_output=True, text=True, timeout=60, env=environment,
        )  # fmt: skip
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in finished.stderr
    assert "worker" not in finished.stdout.lower() and "Traceback" not in finished.stderr
    assert not (tmp_path / "atlas.sqlite3").exists()


@pytest.mark.skipif(not database_url().startswith("sqlite"), reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_a_write_waiting_on_sqlite_s_lock_never_stalls_cached_pages(make_post: Any) -> None:
    article = make_post("Read during a backup").get_absolute_url()
    port = free_port()
    server = subprocess.Popen(
        # One worker: the cached page and the waiting write share it, as they do under load.
        [sys.executable, "-m", "atlas", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, "DATABASE_URL": database_url(), "ATLAS_DEBUG": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    holder = sqlite3.connect(database_url().removeprefix("sqlite:///"), isolation_level=None)
    posted: list[float] = []
    try:
        wait_until_ready(port, server)
        assert [get(port, article) for _ in range(3)] == [200] * 3  # cached
        holder.execute("BEGIN EXCLUSIVE")  # a backup, a VACUUM, a big import

        def subscribe() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            origin = f"http://127.0.0.1:{port}"
            connection.request(
                "POST", "/subscribe/", body="email=reader%40example.org",
                headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            connection.getresponse()
            posted.append(time.monotonic() - started)

        started = time.monotonic()

        writer = threading.Thread(target=subscribe)
        writer.start()
        time.sleep(0.5)  # the post now waits on the lock in one of the worker's threads
        read_started = time.monotonic()
        assert get(port, article) == 200
        read_seconds = time.monotonic() - read_started
        writer.join()
    finally:
        holder.close()
        os.killpg(server.pid, signal.SIGKILL)
        output = server.communicate()[0]
    # The post waited on the lock for the web's busy timeout (then failed: 503, or under
    # ATLAS_DEBUG Django's error page); the cached page answered meanwhile.
    assert posted[0] >= 3, output
    assert read_seconds < 1.0, output
