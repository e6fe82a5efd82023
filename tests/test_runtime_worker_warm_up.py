"""What `atlas worker` loads before it takes tasks (RQ forks a work horse per task from it)."""

from __future__ import annotations

from django.urls import clear_url_caches, get_resolver

from atlas.delivery.transport import dkim_keys
from atlas.runtime.hooks import register_worker_warm_up, worker_warm_ups
from atlas.runtime.management.commands.worker import warm_up


def test_warm_up_runs_what_apps_register_and_indexes_the_urls() -> None:
    ran: list[str] = []
    registered = register_worker_warm_up(lambda: ran.append("loaded"))
    clear_url_caches()
    assert not get_resolver()._populated
    try:
        warm_up()
    finally:
        worker_warm_ups.unregister(registered)
    assert ran == ["loaded"]
    assert get_resolver()._populated  # a work horse's first reverse() finds the index built


def test_delivery_loads_its_dkim_keys_before_the_work_horses_fork() -> None:
    assert dkim_keys in worker_warm_ups.items()
