"""`atlas worker`, a real process, publishes a scheduled post on time and stops on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from atlas.publishing.models import Post
from tests.factories import database_url

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("task-queue")]


@pytest.mark.django_db(transaction=True)
def test_worker_publishes_a_scheduled_post_on_time(
    make_post: Any, django_capture_on_commit_callbacks: Any, empty_task_queue: None
) -> None:
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail("the test database must be a file for another process to share it")
    at = timezone.now() + timedelta(seconds=3)
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(
            "Goes live in three seconds", status=Post.Status.SCHEDULED, published_at=at
        )
    environment = {**os.environ, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "atlas", "worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its session holds any work horse it forks
    )
    try:
        deadline = time.monotonic() + 40  # the run_after task, or at worst the catch-up
        while time.monotonic() < deadline:
            post.refresh_from_db()
            if post.status == Post.Status.PUBLISHED:
                break
            time.sleep(0.25)
        assert post.status == Post.Status.PUBLISHED
        assert timezone.now() >= at
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)  # nothing of its session outlives the test
    assert worker.returncode is not None, output
