"""Extension points that runtime owns: the periodic jobs every worker's clock runs.

Runtime knows no app: each app registers its own jobs (`register_periodic_job`) in its
`AppConfig.ready()`. A job must be idempotent, because every worker runs a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
