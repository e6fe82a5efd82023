"""Waking a worker. The queue only wakes; our own tables are the truth.

Work is written to its own table first (an email in the outbox, a send, an import, a run), then a
task is enqueued to wake a worker for it. When the queue cannot be reached (Redis lost, the
database busy), the request that wrote the work must not fail with it: `wake` logs one line and
answers False, and the caller falls back (a periodic catch-up finds the row later, or the work
is done right there).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)


def wake(task: Any, *args: Any, what: str, run_after: datetime | None = None) -> bool:
    """Enqueue `task(*args)` (at `run_after`, if given); False, with one log line, when the
    queue cannot be reached."""
    try:
        (task.using(run_after=run_after) if run_after else task).enqueue(*args)
    except Exception as error:
        logger.warning(
            "Could not wake a worker for %s (%s: %s).", what, type(error).__name__, error
        )
        return False
    return True
