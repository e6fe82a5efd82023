"""The task workers `atlas worker` runs, made to outlive a locked or unreachable database.

- `DatabaseWorker`: django-tasks-db's worker (the database is the queue) whose loop waits out an
  outage (runtime/outage.py) where the library's would exit: SQLite locked past the busy timeout
  at the claim (`BEGIN EXCLUSIVE`), PostgreSQL refusing connections.
- `RQJob`: django-tasks-rq's job, for the RQ worker (REDIS_URL set).
- `RQWorker`: RQ's forking worker, stopped as the database queue's worker is: on SIGTERM the task
  in hand is asked to stop at its next safe point (a batch of mail stops after the message in
  hand and is released), where RQ's own worker lets the task run to its end, a whole batch.

In both, a task that a database outage interrupts runs again once the database answers, in the
same claim (so no other worker takes it meanwhile and it never runs twice at once), at most
`MAX_RUNS` times in all; then it fails with its error, as any other failing task does at once.
Our tasks take IDs and are safe to run twice (STYLE.md), which is what makes this safe.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import Any, TypeVar

from django.db import close_old_connections
from django_tasks.base import TaskContext
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction
from django_tasks_rq.backend import Job
from rq.worker import Worker as RQBaseWorker

from atlas.runtime import stopping
from atlas.runtime.outage import Outage, Stopping, describe, is_outage

logger = logging.getLogger("atlas.runtime.workers")

MAX_RUNS = 5
Result = TypeVar("Result")


def run_through_outages(call: Callable[[], Result], outage: Outage, what: str) -> Result:
    """`call()`, run again after a database outage interrupts it (once the database answers),
    at most MAX_RUNS times in all."""
    for run in range(1, MAX_RUNS + 1):
        try:
            result = call()
        except Exception as error:
            if not is_outage(error) or run == MAX_RUNS:
                raise
            logger.warning(
                "%s interrupted by the database (%s): run %d of %d, again once it answers",
                what, describe(error), run + 1, MAX_RUNS,
            )  # fmt: skip
            outage.wait_until_reachable(error)
        else:
            outage.over()
            return result
    raise AssertionError("unreachable")  # the loop returns or raises


def keep_trying(call: Callable[[], Result], outage: Outage) -> Result:
    """`call()` until no outage interrupts it: for the worker's own bookkeeping (claiming a
    task, recording its result), which may never be given up."""
    while True:
        try:
            result = call()
        except Exception as error:
            if not is_outage(error):
                raise
            outage.wait(error)
        else:
            outage.over()
            return result


class DatabaseWorker(Worker):
    """django-tasks-db's worker, with the loop and the task run of our own (see the module)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.outage = Outage("Task worker")

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        self.outage.stop.set()  # a wait for the database ends at once (Stopping)
        super().shutdown(signum, frame)

    def run(self) -> None:
        """Claim and run tasks until a signal stops it. Stopped while the database is down, a
        task it was running stays 'running' (the outbox and the delivery ledger recover their
        work with leases of their own)."""
        logger.info("Task worker %s started (queues %s)", self.worker_id, self.queue_names)
        try:
            while self.running:
                task_result = keep_trying(self.claim_next, self.outage)
                if task_result is not None:
                    self.run_task(task_result)
                elif self.running:
                    self.outage.stop.wait(self.interval)
        except Stopping:
            logger.warning(
                "Task worker %s stopped while the database was unavailable", self.worker_id
            )

    def claim_next(self) -> DBTaskResult | None:
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)  # so that no other worker runs it
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = db_task_result.task
            backend = type(task.get_backend())
            task_started.send(sender=backend, task_result=db_task_result.task_result)
            arguments = db_task_result.task_result

            def call() -> Any:
                if task.takes_context:
                    context = TaskContext(task_result=arguments)
                    return task.call(context, *arguments.args, **arguments.kwargs)
                return task.call(*arguments.args, **arguments.kwargs)

            try:
                value = run_through_outages(call, self.outage, f"Task {db_task_result.id}")
            except Exception as error:
                keep_trying(partial(db_task_result.set_failed, error), self.outage)
            else:
                keep_trying(partial(db_task_result.set_successful, value), self.outage)
            task_finished.send(sender=backend, task_result=db_task_result.task_result)
        except Exception:
            logger.exception("Task %s could not be run", db_task_result.id)
            keep_trying(partial(self.fail_if_running, db_task_result), self.outage)
        finally:
            self.running_task = False
            self._run_tasks += 1

    @staticmethod
    def fail_if_running(db_task_result: DBTaskResult) -> None:
        """A task that could not even start (its function was removed): not left 'running'."""
        db_task_result.refresh_from_db()
        if db_task_result.status == "RUNNING":
            db_task_result.set_failed(RuntimeError("the task could not be run"))


class RQJob(Job):
    """django-tasks-rq's job, run again after a database outage (see the module)."""

    def _execute(self) -> Any:
        outage = Outage(f"RQ worker {os.getpid()}")
        return run_through_outages(super()._execute, outage, f"Task {self.id}")


def _stop_requested(signum: int, frame: FrameType | None) -> None:
    stopping.requested.set()


class RQWorker(RQBaseWorker):
    """RQ's worker, whose SIGTERM reaches the task in hand (see the module).

    The work horse runs in a process group of its own, so a service manager's SIGTERM reaches
    only this process: it passes the signal on. In the horse SIGTERM only sets
    `runtime.stopping.requested`, which a task with a safe point to stop at checks (delivery's
    batches); the task then returns early and its work is taken up again by the next worker.
    Other tasks run to their end."""

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop_requested)

    def subscribe(self) -> None:
        """RQ's, but its listener thread reads the worker's channel a second at a time, not 60 s:
        on stopping, `unsubscribe` closes the connection that thread may still be reading, and
        waited for it, so a stopped worker could linger up to a minute before exiting."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        # RQ declares `pubsub_thread` as None only: hence the ignore.
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def handle_warm_shutdown_request(self) -> None:
        super().handle_warm_shutdown_request()
        if self.horse_pid:
            self.kill_horse(sig=signal.SIGTERM)
