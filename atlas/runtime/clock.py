"""The clock every worker process runs: the periodic jobs apps registered (runtime/hooks.py).
Each job is idempotent, so many clocks are safe."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from django.db import close_old_connections

from atlas.runtime.hooks import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)


def run_clock(stop: threading.Event, jobs: Sequence[PeriodicJob] | None = None) -> None:
    """Run each job at start and then every `interval` seconds until `stop` is set."""
    jobs = jobs if jobs is not None else periodic_jobs.items()
    intervals = [job.interval for job in jobs]
    next_run = [0.0] * len(jobs)
    elapsed = 0.0
    tick = 1.0
    while not stop.is_set():
        for index, job in enumerate(jobs):
            if elapsed >= next_run[index]:
                next_run[index] = elapsed + intervals[index]
                try:
                    close_old_connections()
                    job.run()
                except Exception:
                    logger.exception("Periodic job %s failed; it runs again later", job.name)
                finally:
                    close_old_connections()
        stop.wait(tick)
        elapsed += tick


def start_clock() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_clock, args=(stop,), name="atlas-clock", daemon=True).start()
    return stop
