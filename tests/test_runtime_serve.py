"""`atlas serve`, a real server: counts buffered in its workers reach the database when it stops."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
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
