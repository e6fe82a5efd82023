"""A WSGI layer that answers anonymous GETs for public pages from memory.

Django marks a response cacheable with `Cache-Control: public`; this layer keeps the bytes of
such responses in a bounded per-process LRU, keyed by host, scheme (as Django sees it), path,
query string and the current *content version*. Any change to what readers see replaces the
content version, which retires every stored page: on one machine a file whose identity every
process checks per request (seen at once); with a shared cache (Redis) a key that each process
reads again at most every `ATLAS_VERSION_CHECK_SECONDS` (seen within that bound).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from atlas.lib.http import Environ, StartResponse, WSGIApp

VERSION_KEY = "atlas:content-version"
RETRY_SECONDS = 1.0  # how often an unreachable shared cache is asked again
SESSION_COOKIES = (b"sessionid=", "sessionid=")  # "__Host-sessionid=" in production too

logger = logging.getLogger(__name__)


class _SharedCacheVersion:
    """The version as a key of the shared cache (Redis), seen by every machine.

    Each process holds the version it last read and reads it again at most every
    `ATLAS_VERSION_CHECK_SECONDS` (one round trip per process per interval, not one per
    request): a change made in another process reaches this one's pages within that bound, a
    change made in this one at once. While the shared cache is unreachable, the held version
    stands (pages keep serving from memory, misses are rendered), it is read again every
    second, and a change made meanwhile is written to it once it answers.
    """

    def __init__(self, check_seconds: float) -> None:
        self.check_seconds = check_seconds
        self.held: str | None = None
        self.next_check = 0.0
        self.unwritten = False  # replaced here while the shared cache was unreachable
        self.reachable = True
        self.checking = threading.Lock()

    def get(self) -> str:
        held = self.held
        if held is not None and time.monotonic() < self.next_check:
            return held
        if held is not None and not self.checking.acquire(blocking=False):
            return held  # another thread is asking: no need for two round trips
        if held is None:
            self.checking.acquire()
        try:
            return self._refresh()
        finally:
            self.checking.release()

    def replace(self) -> None:
        version = secrets.token_hex(8)
        self.held, self.next_check = version, time.monotonic() + self.check_seconds
        try:
            caches["default"].set(VERSION_KEY, version, timeout=None)
            self.unwritten = False
        except Exception as error:  # any client error: refused, timed out, reset
            self._unreachable(error)
            self.unwritten = True

    def _refresh(self) -> str:
        try:
            if self.unwritten and self.held is not None:
                caches["default"].set(VERSION_KEY, self.held, timeout=None)
                self.unwritten = False
            version = self._read()
        except Exception as error:  # as above
            self._unreachable(error)
            if self.held is None:
                self.held, self.unwritten = secrets.token_hex(8), True
            return self.held
        if not self.reachable:
            self.reachable = True
            logger.warning("The shared cache answers again: cached pages follow it again")
        self.held, self.next_check = version, time.monotonic() + self.check_seconds
        return version

    @staticmethod
    def _read() -> str:
        cache = caches["default"]
        version = cache.get(VERSION_KEY)
        if version is None:
            version = secrets.token_hex(8)
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
        return version

    def _unreachable(self, error: Exception) -> None:
        if self.reachable:
            self.reachable = False
            logger.warning("The shared cache is unreachable (%s): pages serve from memory", error)
        self.next_check = time.monotonic() + RETRY_SECONDS


class _FileVersion:
    """The version as a file's identity, for one machine: a stat() per request, no read.

    Every replacement writes a new file and renames it into place, so the (inode, mtime) pair
    changes atomically for every process.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self) -> str:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            self.replace()
            status = os.stat(self.path)
        return f"{status.st_ino}-{status.st_mtime_ns}"

    def replace(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        temporary.write_text(secrets.token_hex(8))
        os.replace(temporary, self.path)


@cache
def _version_store() -> _SharedCacheVersion | _FileVersion:
    backend = settings.CACHES["default"]["BACKEND"]
    if "filebased" in backend or "locmem" in backend:
        # Named by the cache's prefix, like every key: sites or test runs sharing var/ keep apart.
        name = f"page-cache-version.{settings.ATLAS_CACHE_PREFIX}"
        return _FileVersion(Path(settings.VAR_DIR) / name)
    return _SharedCacheVersion(settings.ATLAS_VERSION_CHECK_SECONDS)


def content_version() -> str:
    """The current content version; within a request (`OneVersionPerRequest`), the one read at
    its start: every part of a page is of one version, read once (a `stat()` per page, not one per
    kept fragment)."""
    held: str | None = getattr(_request_version, "value", None)
    return held if held is not None else _version_store().get()


_request_version = threading.local()


class OneVersionPerRequest:
    """WSGI middleware: each request reads the content version once, on its way in."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        _request_version.value = _version_store().get()
        try:
            return self.app(environ, start_response)
        finally:
            _request_version.value = None


def cached(key: str) -> Any:
    """`key`'s value in the shared cache, or None (a miss) while the cache is unreachable: a
    page built from it is rendered without it rather than failing. While the version store
    knows the cache is unreachable it is not asked at all (no connection timeout per page)."""
    if not _shared_cache_reachable():
        return None
    try:
        return caches["default"].get(key)
    except Exception:  # any client error: refused, timed out, reset
        return None


def keep(key: str, value: Any, timeout: float) -> None:
    """Store `value` under `key` in the shared cache if it answers; otherwise do without."""
    if not _shared_cache_reachable():
        return
    try:
        caches["default"].set(key, value, timeout)
    except Exception:  # as above
        return


def _shared_cache_reachable() -> bool:
    store = _version_store()
    return not isinstance(store, _SharedCacheVersion) or store.reachable


def invalidate() -> None:
    """Retire every cached page, in every process (call after the change has committed)."""
    if getattr(_deferral, "depth", 0):
        _deferral.pending = True
        return
    _version_store().replace()


_deferral = threading.local()
_local_changes = 0


def changed() -> None:
    """What readers see changed in the current transaction: every process's cached pages are
    retired once it commits (`invalidate`), and this process's fragments of pages
    (`atlas.lib.fragments`) at once, so that this process never serves them again, even when
    the transaction is never committed (a test's)."""
    global _local_changes
    _local_changes += 1
    transaction.on_commit(invalidate)


def local_changes() -> int:
    """How many changes this process has made (`changed`): part of the fragments' version."""
    return _local_changes


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, many changes retire the cached pages once, at its end (a bulk import
    of thousands of posts: one new version, not one per post). This thread only."""
    _deferral.depth = getattr(_deferral, "depth", 0) + 1
    try:
        yield
    finally:
        _deferral.depth -= 1
        if not _deferral.depth and getattr(_deferral, "pending", False):
            _deferral.pending = False
            _version_store().replace()


def request_scheme(environ: Environ) -> str:
    """The scheme Django's `request.is_secure()` sees: `SECURE_PROXY_SSL_HEADER` when the proxy
    sent it (its first value, as Django reads it), the server's own scheme otherwise."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        header, secure_value = proxy_header
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


class _Entry:
    __slots__ = ("body", "etag", "headers", "html", "status")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.etag = next((value for name, value in headers if name.lower() == "etag"), None)
        self.html = any(
            name.lower() == "content-type" and value.startswith("text/html")
            for name, value in headers
        )


class PageCache:
    """`on_page`, when given, is called with the environ of every page (HTML) served whole
    from the cache to a GET: what is counted behind the cache never sees those requests."""

    def __init__(
        self,
        app: WSGIApp,
        max_bytes: int = 64 * 1024 * 1024,
        on_page: Callable[[Environ], None] | None = None,
    ) -> None:
        self.app = app
        self.on_page = on_page
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[str, ...], _Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or "sessionid=" in environ.get("HTTP_COOKIE", ""):
            return self.app(environ, start_response)
        scheme = request_scheme(environ)
        if scheme != "https" and settings.SECURE_SSL_REDIRECT:
            return self.app(environ, start_response)  # Django answers with its redirect
        key = (
            content_version(),
            environ.get("HTTP_HOST", ""),
            scheme,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        entry = self.entries.get(key)
        if entry is not None:
            with self.lock:
                if key in self.entries:
                    self.entries.move_to_end(key)
            return self._answer(entry, environ, start_response)
        return self._fill(key, environ, start_response)

    def _answer(
        self, entry: _Entry, environ: Environ, start_response: StartResponse
    ) -> list[bytes]:
        if entry.etag is not None and entry.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response(
                "304 Not Modified", [h for h in entry.headers if h[0] != "Content-Length"]
            )
            return []
        start_response(entry.status, entry.headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            return []
        if self.on_page is not None and entry.html:
            self.on_page(environ)
        return [entry.body]

    def _fill(self, key: tuple[str, ...], environ: Environ, start_response: StartResponse) -> Any:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        result = self.app(environ, capture)
        status, headers = captured.get("status", ""), captured.get("headers", [])
        if not self._storable(status, headers, environ):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        self._store(key, _Entry(status, headers, body))
        return [body]

    @staticmethod
    def _storable(status: str, headers: list[tuple[str, str]], environ: Environ) -> bool:
        if not status.startswith("200") or environ["REQUEST_METHOD"] != "GET":
            return False
        names = {name.lower(): value for name, value in headers}
        cache_control = names.get("cache-control", "")
        return "public" in cache_control and "set-cookie" not in names

    def _store(self, key: tuple[str, ...], entry: _Entry) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes and self.entries:
                _, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted.body)
