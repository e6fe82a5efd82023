"""Python's cycle collector in a web process: what lives for the whole process is kept out of it.

Most of a web process's objects live as long as it does: Django's modules and models, compiled
templates, URL patterns, kept fragments. CPython's full collection walks every one of them, and
it runs whenever the objects that lasted past two young collections have grown by a quarter. Each
request leaves a little such garbage (cycles between a request, its template context and its
response), so under load a worker ran a full collection once or twice every five seconds, each
60-140 ms with nothing else running in the process (158,000 objects): every request in flight
in that worker waited for it, and the slowest hundredth of a signed-in member's pages took more
than 100 ms (bench/README.md, "The collector").

`gc.freeze()` moves every object alive at that moment out of the collector's sight. Reference
counting still frees them; only a cycle among them that becomes garbage later would never be
freed. So the process freezes once its application is built, and again after its first
`FREEZE_AFTER` requests, when what is made on first use (templates, kept fragments, the
database connection of each thread) exists; a collection just before each freeze frees the
cycles that are already garbage, so none is frozen. The full collections that remain walk only
what was made since: a millisecond or two.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

from atlas.lib.http import Environ, StartResponse, WSGIApp

FREEZE_AFTER = (100, 1_000)  # requests of this process, counted in this layer


def freeze() -> None:
    """Collect what is garbage now, then keep what is left out of later collections."""
    gc.collect()
    gc.freeze()


class FreezeAfterWarmUp:
    """WSGI middleware: `freeze()` once the process has answered each of `after` requests."""

    def __init__(self, app: WSGIApp, after: Iterable[int] = FREEZE_AFTER) -> None:
        self.app = app
        self.pending = sorted(after)
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if self.pending:
            self._count()
        return self.app(environ, start_response)

    def _count(self) -> None:
        with self.lock:
            self.count += 1
            if not self.pending or self.count < self.pending[0]:
                return
            self.pending.pop(0)
        freeze()
