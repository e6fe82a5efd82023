"""The web process keeps what lives as long as it does out of the cycle collector."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from atlas.runtime.collector import FreezeAfterWarmUp, freeze


class Node:
    def __init__(self) -> None:
        self.other: Any = self  # a cycle: only the collector frees it


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def answer(app: FreezeAfterWarmUp) -> bytes:
    statuses: list[str] = []
    body = b"".join(app({"PATH_INFO": "/"}, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    return body


def walked(item: object) -> bool:
    """Whether the collector's generations hold `item` (frozen objects are in none)."""
    generations = (gc.get_objects(generation) for generation in range(3))
    return any(candidate is item for objects in generations for candidate in objects)


def test_freeze_collects_the_garbage_first_and_keeps_the_living_out_of_collections(unfrozen):
    living, garbage = Node(), Node()
    dead = weakref.ref(garbage)
    del garbage
    freeze()
    assert dead() is None  # a cycle that was already garbage is freed, never frozen
    assert gc.get_freeze_count() > 0
    assert not walked(living)
    assert living.other is living


def test_the_middleware_freezes_after_the_requests_named_and_answers_each(unfrozen):
    app = FreezeAfterWarmUp(hello, after=(3, 5))
    for _ in range(2):
        assert answer(app) == b"hello"
    assert gc.get_freeze_count() == 0
    made_before_third = Node()
    assert answer(app) == b"hello"  # the third request freezes first
    assert gc.get_freeze_count() > 0
    assert not walked(made_before_third)
    made_after = Node()
    answer(app)
    assert walked(made_after)
    answer(app)  # the fifth: frozen again, the last time
    assert not walked(made_after)
    assert app.pending == []
    later = Node()
    for _ in range(3):
        answer(app)
    assert walked(later)


def test_the_web_application_is_built_frozen_and_freezes_after_warm_up(unfrozen):
    from atlas import wsgi

    application = wsgi.build_application()
    assert gc.get_freeze_count() > 0
    assert isinstance(application, FreezeAfterWarmUp)
    assert application.pending == [100, 1_000]
