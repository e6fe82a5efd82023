"""`atlas worker`: runs background tasks (database queue, or RQ when REDIS_URL is set), and
keeps running through a locked or unreachable database (atlas/runtime/workers.py) and, with RQ,
through a lost Redis: RQ's own worker quits when Redis drops under it; this one says so in one
line, waits for Redis with the clock still running (the outbox's catch-up sends from it), and
starts RQ's worker again once Redis answers."""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.urls import get_resolver
from django.utils.crypto import get_random_string

from atlas.runtime.clock import start_clock
from atlas.runtime.health import queue_problem
from atlas.runtime.hooks import worker_warm_ups
from atlas.runtime.outage import FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS
from atlas.runtime.workers import DatabaseWorker

logger = logging.getLogger("atlas.runtime.outage")


class Command(BaseCommand):
    help = "Run a background worker, with the periodic jobs (scheduled publishing catch-up)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-clock", action="store_true", help="Do not run periodic jobs.")

    def handle(self, *args: Any, **options: Any) -> None:
        warm_up()
        stop_clock = None if options["no_clock"] else start_clock()
        try:
            if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
                run_rq_through_redis_outages()
            else:
                worker = DatabaseWorker(
                    queue_names=["default"],
                    interval=0.2,
                    batch=False,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=get_random_string(32),
                    excluded_queue_names=[],
                )
                worker.configure_signals()
                worker.run()
        finally:
            if stop_clock is not None:
                stop_clock.set()


def run_rq_through_redis_outages() -> None:
    """RQ's worker, started again whenever it quit because Redis went away; it ends when RQ's
    worker ends with Redis answering (a SIGTERM or Ctrl-C), or on a signal while Redis is away."""
    stop = threading.Event()
    while True:
        try:
            call_command(
                "rqworker",
                "default",
                with_scheduler=True,
                job_class="atlas.runtime.workers.RQJob",
                worker_class="atlas.runtime.workers.RQWorker",
            )
        except SystemExit:  # django-rq's answer to a Redis it cannot reach at the start
            if redis_answers():
                raise
        else:
            if redis_answers():
                return  # RQ stopped as asked
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            waited = wait_for_redis(stop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if not waited:
            return


def redis_answers() -> bool:
    return not queue_problem()  # the queue's Redis, as /readyz asks it


def wait_for_redis(stop: threading.Event) -> bool:
    """Wait, with a growing and jittered pause (the database outages' own), until Redis
    answers (True) or a stop (False)."""
    since, pause = time.monotonic(), FIRST_WAIT_SECONDS
    logger.warning("Task worker: Redis unreachable; waiting for it (periodic jobs go on)")
    while not redis_answers():
        if stop.wait(pause * random.uniform(0.75, 1.25)):
            return False
        pause = min(LONGEST_WAIT_SECONDS, pause * 2)
    logger.warning("Task worker: Redis back after %.1f s; resuming", time.monotonic() - since)
    return True


def warm_up() -> None:
    """Load once what tasks would load each time: the URLconf (importing it and indexing its
    names took about a second, paid by every RQ work horse, a process forked per task, on its
    first `reverse`) and what the apps register."""
    get_resolver().reverse_dict  # noqa: B018 (reading it imports and indexes every URL)
    for warm_up_app in worker_warm_ups:
        warm_up_app()
    connections.close_all()  # no connection is shared with the processes forked from here
