"""The in-process buffer of page views and other apps' events, and its flush to the database.

Requests only add to dictionaries in memory; a background thread writes them with atomic
upserts every ATLAS_ANALYTICS_FLUSH_SECONDS (default 10) and once more when the process stops
(SIGTERM, Ctrl-C, a normal exit). What a crash (kill -9, power loss) can lose is what was
counted since the last flush: at most one flush interval of views and events. A flush that
fails puts its counts back for the next one.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import logging
import multiprocessing.util
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, close_old_connections, connection, transaction

from atlas.analytics import conf
from atlas.analytics.models import (
    DailySalt,
    DailyVisitor,
    EventCounter,
    EventVisitor,
    PageViewCounter,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ViewKey:
    day: date
    path: str
    referrer_domain: str
    utm_source: str
    utm_campaign: str
    device: str
    country: str = ""


@dataclass(frozen=True)
class EventKey:
    day: date
    kind: str
    subject: int
    channel: str


@dataclass
class Pending:
    """What one flush writes: view and event counts, and the unsalted visitor digests behind
    them (per (day, path) for views, per counter for events)."""

    views: Counter[ViewKey] = field(default_factory=Counter)
    visitors: dict[tuple[date, str], set[str]] = field(default_factory=dict)
    events: Counter[EventKey] = field(default_factory=Counter)
    event_visitors: dict[EventKey, set[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.views or self.events)

    def merge(self, other: Pending) -> None:
        self.views.update(other.views)
        for key, digests in other.visitors.items():
            self.visitors.setdefault(key, set()).update(digests)
        self.events.update(other.events)
        for event, digests in other.event_visitors.items():
            self.event_visitors.setdefault(event, set()).update(digests)


def visitor_digest(ip: str, user_agent: str) -> str:
    """An unsalted digest, held in memory only until the next flush salts it."""
    return hashlib.sha256(f"{ip}\n{user_agent}".encode()).hexdigest()


def salt_for(day: date) -> str:
    try:
        with transaction.atomic():
            row, _ = DailySalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )
    except IntegrityError:  # another process created it first
        row = DailySalt.objects.get(day=day)
    return row.salt


def salted(salt: str, digest: str) -> str:
    return hmac.new(salt.encode(), digest.encode(), hashlib.sha256).hexdigest()[:32]


# What a request leaves behind, untouched: (minute, path, referrer, query, user agent, IP,
# host, prefetch header). Requests only count these tuples; they are read at flush time, once
# per distinct tuple, so the cost on the request path is one dictionary increment.
RawView = tuple[int, str, str, str, str, str, str, str]
Interpreter = Callable[[RawView], "tuple[ViewKey, str] | None"]


class _ThreadHits:
    """One request thread's page views: its own lock, which only a flush ever contends for."""

    __slots__ = ("lock", "raw")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.raw: Counter[RawView] = Counter()


class Buffer:
    """Counts page views and events in memory; `flush()` writes and empties it (thread-safe).

    Page views are counted per thread: request threads of one process never wait for one
    another (a contended lock hands the GIL over, which cost more than the counting itself).
    """

    def __init__(self, interpret: Interpreter | None = None) -> None:
        self.lock = threading.Lock()
        self.pending = Pending()
        self.interpret = interpret
        self.flush_lock = threading.Lock()
        self.local = threading.local()
        self.threads: list[_ThreadHits] = []

    def thread_hits(self) -> _ThreadHits:
        """This thread's page views (created on its first)."""
        hits = getattr(self.local, "hits", None)
        if hits is None:
            hits = self.local.hits = _ThreadHits()
            with self.lock:
                self.threads.append(hits)
        return hits

    def record(self, key: ViewKey, visitor: str) -> None:
        with self.lock:
            self.pending.views[key] += 1
            self.pending.visitors.setdefault((key.day, key.path), set()).add(visitor)

    def event(self, key: EventKey, visitor: str | None = None) -> None:
        with self.lock:
            self.pending.events[key] += 1
            if visitor is not None:
                self.pending.event_visitors.setdefault(key, set()).add(visitor)

    def take(self) -> Pending:
        with self.lock:
            pending, self.pending = self.pending, Pending()
            threads = list(self.threads)
        raw: Counter[RawView] = Counter()
        for hits in threads:
            with hits.lock:
                taken, hits.raw = hits.raw, Counter()
            raw.update(taken)
        for item, count in raw.items():
            interpreted = self.interpret(item) if self.interpret else None
            if interpreted is not None:
                key, visitor = interpreted
                pending.views[key] += count
                pending.visitors.setdefault((key.day, key.path), set()).add(visitor)
        return pending

    def flush(self) -> int:
        """Write what is buffered; returns the number of views and events written."""
        with self.flush_lock:
            pending = self.take()
            if not pending:
                return 0
            try:
                write(pending)
            except Exception:
                with self.lock:
                    self.pending.merge(pending)
                raise
            return pending.views.total() + pending.events.total()


def write(pending: Pending) -> None:
    counters = PageViewCounter._meta.db_table
    visitors = DailyVisitor._meta.db_table
    days = {day for day, _ in pending.visitors} | {key.day for key in pending.event_visitors}
    salts = {day: salt_for(day) for day in days}
    view_rows = [
        (key.day, key.path, key.referrer_domain, key.utm_source, key.utm_campaign, key.device,
         key.country, n)
        for key, n in pending.views.items()
    ]  # fmt: skip
    visitor_rows = [
        (day, path, salted(salts[day], digest))
        for (day, path), digests in pending.visitors.items()
        for digest in digests
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {counters} "
            "(day, path, referrer_domain, utm_source, utm_campaign, device, country, views) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (day, path, referrer_domain, utm_source, utm_campaign, device, country) "
            f"DO UPDATE SET views = {counters}.views + excluded.views",
            view_rows,
        )
        cursor.executemany(
            f"INSERT INTO {visitors} (day, path, visitor_hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (day, path, visitor_hash) DO NOTHING",
            visitor_rows,
        )
        write_events(cursor, pending, salts)


def write_events(cursor: Any, pending: Pending, salts: dict[date, str]) -> None:
    counters = EventCounter._meta.db_table
    visitors = EventVisitor._meta.db_table
    cursor.executemany(
        f"INSERT INTO {counters} (day, kind, subject, channel, count, visitors) "
        "VALUES (%s, %s, %s, %s, %s, 0) "
        "ON CONFLICT (kind, subject, day, channel) "
        f"DO UPDATE SET count = {counters}.count + excluded.count",
        [(key.day, key.kind, key.subject, key.channel, n) for key, n in pending.events.items()],
    )
    cursor.executemany(
        f"INSERT INTO {visitors} (day, kind, subject, channel, visitor_hash) "
        "VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (kind, subject, day, channel, visitor_hash) DO NOTHING",
        [
            (key.day, key.kind, key.subject, key.channel, salted(salts[key.day], digest))
            for key, digests in pending.event_visitors.items()
            for digest in digests
        ],
    )


class Flusher:
    """The background thread of one process, started on the first counted view (after any
    fork), flushing every interval and at exit."""

    def __init__(self, buffer: Buffer) -> None:
        self.buffer = buffer
        self.started = False
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def ensure_started(self) -> None:
        if self.started:
            return
        with self.lock:
            if self.started:
                return
            self.started = True
            threading.Thread(target=self.run, name="atlas-analytics", daemon=True).start()
            atexit.register(self.flush_quietly)
            # granian's workers are multiprocessing children: they leave through os._exit,
            # which skips atexit but runs these finalizers (after a graceful stop, SIGTERM).
            multiprocessing.util.Finalize(None, self.flush_quietly, exitpriority=10)

    def run(self) -> None:
        while not self.stop.wait(conf.flush_seconds()):
            self.flush_quietly()

    def flush_quietly(self) -> None:
        try:
            close_old_connections()
            self.buffer.flush()
        except Exception:
            logger.exception("Flushing counts failed; they are kept for the next flush")
        finally:
            close_old_connections()


# The process's buffer: the counting middleware's page views and every app's events.
BUFFER = Buffer()
FLUSHER = Flusher(BUFFER)
