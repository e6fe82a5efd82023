"""Extension points that runtime owns: the periodic jobs every worker's clock runs, what a worker
loads before it takes tasks, and the steps apps take around `atlas restore`.

Runtime knows no app: each app registers its own jobs (`register_periodic_job`) in its
`AppConfig.ready()`. A job must be idempotent, because every worker runs a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from atlas.lib.hooks import ExtensionPoint


@dataclass(frozen=True)
class PeriodicJob:
    """`run()` every `seconds` (a float, or a callable read when the clock starts, so that a
    setting can change it)."""

    seconds: float | Callable[[], float]
    run: Callable[[], object]

    @property
    def interval(self) -> float:
        return self.seconds() if callable(self.seconds) else self.seconds

    @property
    def name(self) -> str:
        return f"{self.run.__module__}.{self.run.__qualname__}"


periodic_jobs: ExtensionPoint[PeriodicJob] = ExtensionPoint(
    "runtime.periodic_jobs",
    "Jobs every worker's clock runs at start and then every `seconds` (runtime/clock.py).",
)


def register_periodic_job(
    seconds: float | Callable[[], float], run: Callable[[], object]
) -> PeriodicJob:
    return periodic_jobs.register(PeriodicJob(seconds, run), caller_depth=2)


worker_warm_ups: ExtensionPoint[Callable[[], object]] = ExtensionPoint(
    "runtime.worker_warm_ups",
    "What `atlas worker` loads once before it takes tasks (no database): with RQ each task runs "
    "in a process forked from the worker, which then finds it loaded instead of loading it again.",
)


def register_worker_warm_up(warm_up: Callable[[], object]) -> Callable[[], object]:
    return worker_warm_ups.register(warm_up, caller_depth=2)


@dataclass(frozen=True)
class RestoreStep:
    """What an app does around `atlas restore` (runtime/backup.py).

    `keep(backup_time)` runs on the database about to be replaced, if it can be read, and returns
    what must survive the restore (e.g. consents withdrawn since the backup), as plain data.
    `apply(kept, backup_time)` runs on the restored database, with that data (None when the old
    database could not be read), and returns one line for the operator: it must hold anything
    that would fire again by itself (mail already sent after the backup) for a human to decide.
    """

    keep: Callable[[datetime], object]
    apply: Callable[[object, datetime], str]


restore_steps: ExtensionPoint[RestoreStep] = ExtensionPoint(
    "runtime.restore_steps",
    "Steps around `atlas restore`: keep consents from the old database, hold old work.",
)


def register_restore_step(
    keep: Callable[[datetime], object], apply: Callable[[object, datetime], str]
) -> RestoreStep:
    return restore_steps.register(RestoreStep(keep, apply), caller_depth=2)
