"""Periodic jobs run by every worker process. Each job is idempotent, so many clocks are safe."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)

PeriodicJob = tuple[float, Callable[[], object]]


def periodic_jobs() -> list[PeriodicJob]:
    from django.conf import settings

    from atlas.analytics.services import rollup_and_prune
    from atlas.delivery.engine import recover
    from atlas.members.mail import send_queued
    from atlas.publishing.services import publish_due_posts
    from atlas.runtime.ratelimit import prune
    from atlas.sponsors.services import refresh_sponsorships

    return [
        (30.0, publish_due_posts),
        (settings.ATLAS_RECOVER_SECONDS, recover),
        (30.0, send_queued),
        (3600.0, prune),
        (600.0, rollup_and_prune),
        (60.0, refresh_sponsorships),
    ]


def run_clock(stop: threading.Event, jobs: list[PeriodicJob] | None = None) -> None:
    """Run each job at start and then every `interval` seconds until `stop` is set."""
    jobs = jobs if jobs is not None else periodic_jobs()
    next_run = [0.0] * len(jobs)
    elapsed = 0.0
    tick = 1.0
    while not stop.is_set():
        for index, (interval, job) in enumerate(jobs):
            if elapsed >= next_run[index]:
                next_run[index] = elapsed + interval
                try:
                    close_old_connections()
                    job()
                except Exception:
                    logger.exception("Periodic job %s failed; it runs again later", job.__name__)
                finally:
                    close_old_connections()
        stop.wait(tick)
        elapsed += tick


def start_clock() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_clock, args=(stop,), name="atlas-clock", daemon=True).start()
    return stop
