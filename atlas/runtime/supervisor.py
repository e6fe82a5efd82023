"""The supervisor behind `atlas run`: the web server and the workers as child processes.

- A worker that exits (a crash, a kill, an outage it could not wait out) is started again after
  1 s, then 2, 4... at most 10 s while it keeps exiting (back to 1 s once it ran for a minute).
  The web server keeps answering meanwhile.
- When the web server exits, there is nothing left to serve: every child is stopped and the
  supervisor exits with status 1 (a service manager then restarts the whole).
- SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop every child (SIGTERM, then SIGKILL after 30 s) and
  the supervisor exits with status 0.

Children run in sessions of their own, so that Ctrl-C in a terminal reaches the supervisor
only, which then stops them in order instead of each dying mid-task.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("atlas.runtime.supervisor")

FIRST_RESTART_SECONDS = 1.0
LONGEST_RESTART_SECONDS = 10.0
STABLE_SECONDS = 60.0  # a worker that ran this long restarts after the first delay again
STOP_SECONDS = 30.0
POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    command: list[str]
    essential: bool = False  # the web server: when it exits, everything stops
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    start_at: float = 0.0
    restart_delay: float = FIRST_RESTART_SECONDS
    starts: int = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = threading.Event()
        self.stop_signal = ""

    def handle_signals(self) -> None:
        """From the main thread: SIGTERM, SIGINT and SIGHUP stop everything cleanly."""
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signal.Signals(signum).name
        self.stopping.set()

    def stop(self) -> None:
        self.stopping.set()

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def run(self) -> int:
        """Watch the children until a signal (0) or the web server's exit (1)."""
        if not any(child.process for child in self.children):
            self.start()
        try:
            while not self.stopping.is_set():
                for child in self.children:
                    if self._watch(child) is False:
                        return 1
                self.stopping.wait(POLL_SECONDS)
            if self.stop_signal:
                logger.info("%s received: stopping", self.stop_signal)
            return 0
        finally:
            self.stop_children()

    def _watch(self, child: Child) -> bool:
        """Start or restart `child` when due; False when an essential child exited."""
        now = time.monotonic()
        if child.process is None:
            if now >= child.start_at:
                self._spawn(child)
            return True
        status = child.process.poll()
        if status is None:
            return True
        end_session(child.process)
        if child.essential:
            logger.error("The %s stopped (exit status %s): stopping Atlas", child.name, status)
            return False
        if now - child.started_at >= STABLE_SECONDS:
            child.restart_delay = FIRST_RESTART_SECONDS
        logger.warning(
            "The %s (pid %s) exited with status %s: starting it again in %.0f s",
            child.name, child.pid, status, child.restart_delay,
        )  # fmt: skip
        child.process = None
        child.start_at = now + child.restart_delay
        child.restart_delay = min(LONGEST_RESTART_SECONDS, child.restart_delay * 2)
        return True

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, start_new_session=True)
        child.started_at = time.monotonic()
        child.starts += 1
        logger.info("The %s started (pid %s)", child.name, child.pid)

    def stop_children(self) -> None:
        """SIGTERM to every child, SIGKILL to those still running after STOP_SECONDS."""
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for process in running:
            end_session(process)


def end_session(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of a child's session once the child has exited: an RQ work horse it
    forked would otherwise run on, unsupervised (its job is picked up again from the outbox or the
    ledger, whose leases expire)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
