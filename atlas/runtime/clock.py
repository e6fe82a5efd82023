"""The clock every worker process runs: the periodic jobs apps registered (runtime/hooks.py).
Each job is idempotent, so many clocks are safe.

While the database is locked or unreachable the clock logs one line (and one when it is back,
runtime/outage.py), retries the job it was running with a backoff of at most 5 s rather than
after the job's interval, and keeps the other jobs waiting for their turn behind it."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence

from django.db import DatabaseError, close_old_connections

from atlas.runtime.hooks import PeriodicJob, periodic_jobs
from atlas.runtime.outage import Outage, Stopping, is_outage

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0


def run_clock(stop: threading.Event, jobs: Sequence[PeriodicJob] | None = None) -> None:
    """Run each job at start and then every `interval` seconds until `stop` is set."""
    jobs = jobs if jobs is not None else periodic_jobs.items()
    outage = Outage("Clock", stop)
    due = [time.monotonic()] * len(jobs)
    try:
        while not stop.is_set():
            for index, job in enumerate(jobs):
                if time.monotonic() < due[index]:
                    continue
                if not run_job(job, outage):
                    break  # the database is away: this job again first, after the backoff
                due[index] = time.monotonic() + job.interval
            else:
                stop.wait(TICK_SECONDS)
    except Stopping:
        return


def run_job(job: PeriodicJob, outage: Outage) -> bool:
    """Run one job; False when a database outage interrupted it (after waiting a while)."""
    try:
        close_old_connections()
        job.run()
    except Exception as error:
        if is_outage(error):
            outage.wait(error)
            return False
        logger.exception("Periodic job %s failed; it runs again later", job.name)
    else:
        outage.over()
    finally:
        with contextlib.suppress(DatabaseError):
            close_old_connections()
    return True


def start_clock() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_clock, args=(stop,), name="atlas-clock", daemon=True).start()
    return stop
