"""The worker and the clock while the database is locked or unreachable: they log one line,
wait with a backoff, resume within seconds of the database coming back, and run again a task
the outage interrupted (at most five runs), never losing nor doubling it."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from atlas.members.services import request_sign_in
from atlas.runtime import outage
from atlas.runtime.clock import run_clock
from atlas.runtime.hooks import PeriodicJob
from atlas.runtime.workers import MAX_RUNS, DatabaseWorker, run_through_outages
from tests.factories import eventually, process_environment, stop_gracefully
from tests.mailbox import Mailbox, free_port
from tests.relay import Relay

SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
DATABASE_QUEUE = settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
RUNS: list[int] = []


@task()
def interrupted_task(outages: int, error: str = "database is locked") -> int:
    """Fails with a database error for its first `outages` runs."""
    RUNS.append(len(RUNS) + 1)
    if len(RUNS) <= outages:
        raise (OperationalError if error == "database is locked" else ProgrammingError)(error)
    return len(RUNS)


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outage, "FIRST_WAIT_SECONDS", 0.01)
    monkeypatch.setattr(outage, "LONGEST_WAIT_SECONDS", 0.05)
    RUNS.clear()


@pytest.fixture
def database_worker() -> DatabaseWorker:
    return DatabaseWorker(
        queue_names=["default"], interval=0.1, batch=False, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip


def run_one(worker: DatabaseWorker) -> DBTaskResult:
    claimed = worker.claim_next()
    assert claimed is not None
    worker.run_task(claimed)
    claimed.refresh_from_db()
    return claimed


needs_database_queue = pytest.mark.skipif(
    not DATABASE_QUEUE, reason="the database queue's worker (RQ: RQJob, the same retries)"
)


@needs_database_queue
@pytest.mark.django_db(transaction=True)
def test_a_task_an_outage_interrupts_runs_again_and_succeeds(
    quick_backoff: None, database_worker: DatabaseWorker, caplog: pytest.LogCaptureFixture
) -> None:
    interrupted_task.enqueue(2)
    with caplog.at_level(logging.WARNING):
        result = run_one(database_worker)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 3
    assert RUNS == [1, 2, 3]  # twice interrupted, once done: never run twice at once
    assert result.worker_ids == ["test-worker"]  # one claim throughout
    assert not any(record.exc_info for record in caplog.records)  # no traceback per attempt


@needs_database_queue
@pytest.mark.django_db(transaction=True)
def test_a_task_interrupted_every_time_fails_after_five_runs(
    quick_backoff: None, database_worker: DatabaseWorker
) -> None:
    interrupted_task.enqueue(100)
    result = run_one(database_worker)
    assert result.status == "FAILED"
    assert len(RUNS) == MAX_RUNS
    assert "database is locked" in result.traceback


@needs_database_queue
@pytest.mark.django_db(transaction=True)
def test_a_bug_in_sql_is_not_taken_for_an_outage(
    quick_backoff: None, database_worker: DatabaseWorker
) -> None:
    interrupted_task.enqueue(1, error='relation "nowhere" does not exist')
    result = run_one(database_worker)
    assert result.status == "FAILED"
    assert RUNS == [1]


@pytest.mark.django_db(transaction=True)
def test_a_call_an_outage_interrupts_runs_again_once_the_database_answers(
    quick_backoff: None,
) -> None:
    """What both workers use (RQ's jobs included): at most MAX_RUNS runs, then the error."""
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert run_through_outages(call, outage.Outage("Test"), "Test call") == "done"
    assert len(calls) == 3
    calls.clear()

    def always() -> str:
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        run_through_outages(always, outage.Outage("Test"), "Test call")
    assert len(calls) == MAX_RUNS


@pytest.mark.django_db(transaction=True)
def test_the_clock_retries_a_job_within_seconds_and_logs_one_line_per_outage(
    quick_backoff: None, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[float] = []
    done = threading.Event()

    def job() -> None:
        calls.append(time.monotonic())
        if len(calls) <= 4:
            raise OperationalError("database is locked")
        done.set()

    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="atlas.runtime.outage"):
        clock = threading.Thread(target=run_clock, args=(stop, [PeriodicJob(3600.0, job)]))
        clock.start()
        try:
            assert done.wait(5), calls  # not after the job's hour
        finally:
            stop.set()
            clock.join(5)
    assert not clock.is_alive()
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines  # one when it starts, one when it ends
    assert "Clock: database unavailable (OperationalError: database is locked)" in lines[0]
    assert "Clock: database back after" in lines[1]


# Real processes -------------------------------------------------------------------------------


@pytest.fixture
def worker_process(
    mailbox: Mailbox, tmp_path: Path
) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    """Starts `atlas worker` with this test's database and mailbox; its log goes to a file."""
    started: list[subprocess.Popen] = []

    def start(**environment: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"worker-{len(started)}.log"
        env = process_environment(EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}", **environment)
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "atlas", "worker"],
                env=env,
                stdout=output,
                stderr=output,
                start_new_session=True,  # its session holds any work horse it forks
            )
        started.append(process)
        return process, log

    yield start
    for process in started:
        stop_gracefully(process, 20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # nothing of its session outlives the test


def sign_in_requested(email: str, capture: Any) -> None:
    with capture(execute=True):
        request_sign_in(email)


def outage_lines(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "database unavailable" in line]


@pytest.mark.slow
@pytest.mark.xdist_group("task-queue")
@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock (PostgreSQL: the test below)")
@pytest.mark.django_db(transaction=True)
def test_worker_outlives_a_sqlite_lock_longer_than_its_busy_timeout(
    worker_process: Any,
    mailbox: Mailbox,
    subscriber: Any,
    other_subscriber: Any,
    django_capture_on_commit_callbacks: Any,
    empty_task_queue: None,
) -> None:
    sign_in_requested(subscriber.email, django_capture_on_commit_callbacks)
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a backup, a VACUUM, a big import
    try:
        worker, log = worker_process(ATLAS_WORKER_SQLITE_TIMEOUT="1")
        assert eventually(lambda: outage_lines(log), 20), log.read_text()
        time.sleep(2.5)  # held well past the busy timeout, several attempts
        assert worker.poll() is None, log.read_text()
        assert not mailbox.to(subscriber.email)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    released = time.monotonic()
    assert eventually(lambda: mailbox.to(subscriber.email), 15), log.read_text()
    print(f"Queued email sent {time.monotonic() - released:.1f} s after the lock's release")
    # The task loop itself is back: a new request goes out at once (not at the catch-up).
    sign_in_requested(other_subscriber.email, django_capture_on_commit_callbacks)
    assert eventually(lambda: mailbox.to(other_subscriber.email), 10), log.read_text()
    assert time.monotonic() - released < 20
    assert len(mailbox.to(subscriber.email)) == 1  # never twice
    assert worker.poll() is None
    text = log.read_text()
    assert "Traceback" not in text, text
    # One line per loop (the task worker, the clock) when it starts, however many attempts.
    assert sum("Task worker: database unavailable" in line for line in outage_lines(log)) == 1
    assert sum("Clock: database unavailable" in line for line in outage_lines(log)) <= 1


@pytest.mark.slow
@pytest.mark.xdist_group("task-queue")
@pytest.mark.skipif(SQLITE, reason="PostgreSQL unreachable (SQLite: the test above)")
@pytest.mark.django_db(transaction=True)
def test_worker_resumes_after_postgresql_was_unreachable(
    worker_process: Any,
    mailbox: Mailbox,
    subscriber: Any,
    other_subscriber: Any,
    django_capture_on_commit_callbacks: Any,
    empty_task_queue: None,
) -> None:
    database = connection.settings_dict
    relay = Relay(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    relay.start()
    try:
        url = f"postgres://{database['USER']}@127.0.0.1:{relay.port}/{database['NAME']}"
        worker, log = worker_process(DATABASE_URL=url, ATLAS_CONN_MAX_AGE="600")
        sign_in_requested(subscriber.email, django_capture_on_commit_callbacks)
        assert eventually(lambda: mailbox.to(subscriber.email), 30), log.read_text()
        relay.cut()  # the server is gone: open connections dropped, new ones refused
        time.sleep(4)
        assert worker.poll() is None, log.read_text()
        sign_in_requested(other_subscriber.email, django_capture_on_commit_callbacks)
        time.sleep(1)
        assert not mailbox.to(other_subscriber.email)
        relay.restore()
        restored = time.monotonic()
        assert eventually(lambda: mailbox.to(other_subscriber.email), 15), log.read_text()
        assert time.monotonic() - restored < 15
        print(f"Email sent {time.monotonic() - restored:.1f} s after PostgreSQL was back")
        assert len(mailbox.to(subscriber.email)) == 1
        assert len(mailbox.to(other_subscriber.email)) == 1
        assert worker.poll() is None
        text = log.read_text()
        assert "Traceback" not in text, text
        if not DATABASE_QUEUE:  # RQ hands the task over at once: the outage interrupts it
            assert "interrupted by the database" in text, text
    finally:
        relay.stop()


@pytest.mark.slow
@pytest.mark.xdist_group("task-queue")
@pytest.mark.skipif(DATABASE_QUEUE, reason="the task queue is the database here (Redis: RQ)")
@pytest.mark.django_db(transaction=True)
def test_tasks_resume_after_redis_was_lost_and_nothing_goes_twice(
    worker_process: Any,
    mailbox: Mailbox,
    subscriber: Any,
    other_subscriber: Any,
    django_capture_on_commit_callbacks: Any,
    empty_task_queue: None,
    settings: Any,
) -> None:
    """The queue only wakes: a sign-in link asked for while Redis is lost is in the outbox, and
    goes out once (the catch-up) when Redis is back; the worker lives through it."""
    location, _, database = settings.REDIS_URL.split("//", 1)[1].partition("/")
    host, _, port = location.rpartition(":")
    relay = Relay(host, int(port))
    relay.start()
    relayed = f"redis://127.0.0.1:{relay.port}/{database or '0'}"
    try:
        worker, log = worker_process(REDIS_URL=relayed)
        settings.RQ_QUEUES = {"default": {"URL": relayed, "DEFAULT_TIMEOUT": 3600}}
        sign_in_requested(subscriber.email, django_capture_on_commit_callbacks)
        assert eventually(lambda: mailbox.to(subscriber.email), 30), log.read_text()
        relay.cut()  # Redis is gone: connections dropped, new ones refused
        time.sleep(2)
        sign_in_requested(other_subscriber.email, django_capture_on_commit_callbacks)
        time.sleep(1)
        assert not mailbox.to(other_subscriber.email)
        relay.restore()
        restored = time.monotonic()
        assert eventually(lambda: mailbox.to(other_subscriber.email), 40), log.read_text()
        print(f"Email sent {time.monotonic() - restored:.1f} s after Redis was back")
        print("RQ quit and started again" if "quitting" in log.read_text() else "RQ lived")
        time.sleep(2)
        assert len(mailbox.to(subscriber.email)) == 1
        assert len(mailbox.to(other_subscriber.email)) == 1
        assert worker.poll() is None, log.read_text()
        text = log.read_text()
        if "quitting" in text:  # RQ's worker quit under the cut: ours waited and started it again
            assert "Task worker: Redis back after" in text, text
            assert text.count("Task worker: Redis unreachable") == 1
    finally:
        relay.stop()


def test_the_rq_worker_is_started_again_once_redis_answers(
    monkeypatch: pytest.MonkeyPatch, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """RQ's worker quits when Redis drops under it at the wrong moment (after a job, its
    heartbeat); `atlas worker` then waits for Redis, and starts it again once Redis answers.
    Redis is lost here as a port where nothing listens, and back as the machine's Redis."""
    from atlas.runtime.management.commands import worker as worker_command

    lost = f"redis://127.0.0.1:{free_port()}/0"
    back = os.environ.get("ATLAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    settings.RQ_QUEUES = {"default": {"URL": lost}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    started: list[str] = []

    def rq_worker(*args: Any, **options: Any) -> None:
        """What RQ's worker does here: start on the queue's Redis, and (at once) quit."""
        started.append(settings.RQ_QUEUES["default"]["URL"])
        if len(started) == 1:  # Redis comes back a second later
            threading.Timer(1.0, lambda: settings.RQ_QUEUES.update(default={"URL": back})).start()

    monkeypatch.setattr(worker_command, "call_command", rq_worker)
    caplog.set_level(logging.WARNING, logger="atlas.runtime.outage")
    began = time.monotonic()
    worker_command.run_rq_through_redis_outages()
    assert started == [lost, back] and time.monotonic() - began < 10
    assert caplog.text.count("Task worker: Redis unreachable") == 1
    assert "Task worker: Redis back after" in caplog.text
