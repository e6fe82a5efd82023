"""Work on the next items of an iterator in a background thread while the caller writes these.

A bulk import alternates Python work (parsing and checking rows) with waits for the database
(writing them). The database driver releases the interpreter's lock while it waits, so a second
thread can parse the next batch meanwhile: on two cores the two halves overlap instead of adding
up. The thread only runs the iterator; everything else, the database above all, stays with the
caller's thread (a Django connection belongs to the thread that opened it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any, TypeVar

from django.utils import translation

Item = TypeVar("Item")

_END = object()
_POLL_SECONDS = 0.1


def read_ahead(items: Iterator[Item], depth: int = 1) -> Iterator[Item]:
    """The items of `items`, each produced in a background thread up to `depth` ahead.

    An exception raised by `items` is raised here, in the caller's thread, where the item that
    failed would have come; when the caller stops early, the thread stops after its item in hand.
    """
    handoff: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stopped = threading.Event()
    language = translation.get_language()

    def hand_over(item: Any, error: BaseException | None = None) -> bool:
        while not stopped.is_set():
            try:
                handoff.put((item, error), timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        with translation.override(language):
            try:
                for item in items:
                    if not hand_over(item):
                        return
            except BaseException as error:  # handed to the caller's thread, raised there
                hand_over(None, error)
                return
            hand_over(_END)

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stopped.set()
        thread.join()


def let_others_run() -> None:
    """Hand the interpreter's lock to a thread that waits for it, if any.

    A thread whose database answer has arrived waits for the lock until the running thread
    gives it up, up to the switch interval (5 ms): a loop running beside database work calls this
    every few hundred microseconds of work so that each answer is taken up at once.
    """
    time.sleep(0)
