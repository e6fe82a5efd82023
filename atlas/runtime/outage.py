"""A database that is locked or unreachable, as the loops we run (task workers, the clock) see it.

A loop that meets such an error does not die and does not log a traceback per attempt: it logs
one line when the outage starts and one when it ends, and waits between attempts with a backoff
(0.5 s doubling to 5 s, with jitter, so that many workers do not knock at once). It therefore
resumes within seconds of the database coming back. Any other error is a bug and is raised.
"""

from __future__ import annotations

import logging
import random
import threading
import time

from django.db import DatabaseError, connections

from atlas.runtime.health import database_problem
from atlas.runtime.unavailable import database_unavailable

logger = logging.getLogger("atlas.runtime.outage")

FIRST_WAIT_SECONDS = 0.5
LONGEST_WAIT_SECONDS = 5.0


class Stopping(BaseException):  # like SystemExit: not an error to handle
    """The loop was asked to stop while it waited for the database."""


def is_outage(error: BaseException) -> bool:
    """A busy or unreachable database, as opposed to a bug (a mistake in SQL stays an error)."""
    return isinstance(error, DatabaseError) and database_unavailable(error)


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Outage:
    """One loop's view of the database's outages (one instance per loop, per thread)."""

    def __init__(self, loop: str, stop: threading.Event | None = None) -> None:
        self.loop = loop
        self.stop = stop or threading.Event()
        self.since: float | None = None
        self.next_wait = FIRST_WAIT_SECONDS

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def wait(self, error: BaseException) -> None:
        """Note the outage (one log line at its start), then wait before the next attempt;
        `Stopping` when the loop is asked to stop meanwhile."""
        if self.since is None:
            self.since = time.monotonic()
            logger.warning(
                "%s: database unavailable (%s); retrying until it is back",
                self.loop,
                describe(error),
            )
        connections.close_all()  # this thread's: a broken connection is opened afresh
        if self.stop.wait(self.next_wait * random.uniform(0.75, 1.25)):  # jitter
            raise Stopping
        self.next_wait = min(LONGEST_WAIT_SECONDS, self.next_wait * 2)

    def over(self) -> None:
        """The database answered: one log line if it had been unavailable."""
        if self.since is not None:
            logger.warning(
                "%s: database back after %.1f s; resuming", self.loop, time.monotonic() - self.since
            )
        self.since = None
        self.next_wait = FIRST_WAIT_SECONDS

    def wait_until_reachable(self, error: BaseException) -> None:
        """After `error`: wait until the database answers a query."""
        self.wait(error)
        while problem := database_problem():
            self.wait(DatabaseError(problem))
