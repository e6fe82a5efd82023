"""`atlas worker`: runs background tasks (database queue, or RQ when REDIS_URL is set), and
keeps running through a locked or unreachable database (atlas/runtime/workers.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.urls import get_resolver
from django.utils.crypto import get_random_string

from atlas.runtime.clock import start_clock
from atlas.runtime.hooks import worker_warm_ups
from atlas.runtime.workers import DatabaseWorker


class Command(BaseCommand):
    help = "Run a background worker, with the periodic jobs (scheduled publishing catch-up)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-clock", action="store_true", help="Do not run periodic jobs.")

    def handle(self, *args: Any, **options: Any) -> None:
        warm_up()
        stop_clock = None if options["no_clock"] else start_clock()
        try:
            if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
                call_command(
                    "rqworker",
                    "default",
                    with_scheduler=True,
                    job_class="atlas.runtime.workers.RQJob",
                    worker_class="atlas.runtime.workers.RQWorker",
                )
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


def warm_up() -> None:
    """Load once what tasks would load each time: the URLconf (importing it and indexing its
    names took about a second, paid by every RQ work horse, a process forked per task, on its
    first `reverse`) and what the apps register."""
    get_resolver().reverse_dict  # noqa: B018 (reading it imports and indexes every URL)
    for warm_up_app in worker_warm_ups:
        warm_up_app()
    connections.close_all()  # no connection is shared with the processes forked from here
