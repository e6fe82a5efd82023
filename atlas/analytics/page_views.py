"""Counting page views in WSGI, in front of the page cache, so cached pages count too.

The request path only touches memory (see `counting.Buffer`); the database is written by a
background thread every ATLAS_ANALYTICS_FLUSH_SECONDS, so a crash loses at most one interval.
ATLAS_ANALYTICS=0 makes the middleware a pass-through (for measuring its cost).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from time import time as _time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils import timezone

from atlas.analytics import conf, counting, geo
from atlas.analytics.counting import Buffer, Flusher, RawView, ViewKey, visitor_digest
from atlas.lib.http import Environ, StartResponse, WSGIApp, address_of, is_bot

EXCLUDED_PREFIXES = (
    "/admin/", "/newsroom/", "/static/", "/media/", "/analytics/", "/e/", "/delivery/", "/anymail/",
    "/account/", "/signin/", "/preview/",
)  # fmt: skip
EXCLUDED_SUFFIXES = ("/feed/", "/feed/atom/", ".json", ".xml", ".txt")
TABLET_MARKERS = ("ipad", "tablet", "kindle", "silk/", "playbook")


def device_class(user_agent: str) -> str:
    lowered = user_agent.lower()
    if any(marker in lowered for marker in TABLET_MARKERS) or (
        "android" in lowered and "mobile" not in lowered
    ):
        return "tablet"
    if "mobi" in lowered or "iphone" in lowered or "android" in lowered:
        return "mobile"
    return "desktop"


def referrer_domain(environ: Environ) -> str:
    """The referring site's host, or "" for direct visits and links within this site."""
    host = urlsplit(environ.get("HTTP_REFERER", "")).hostname or ""
    own = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    host = host.lower().removeprefix("www.")
    return "" if host == own.removeprefix("www.") else host[:255]


def _is_html(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        if name[0] in "Cc" and name.lower() == "content-type":
            return value.startswith("text/html")
    return False


@lru_cache(maxsize=4096)
def _is_bot_cached(user_agent: str) -> bool:
    return is_bot(user_agent)


def interpret(raw: RawView) -> tuple[ViewKey, str] | None:
    """A counted request's raw details as a view key and visitor digest; None for bots."""
    minute, path, referrer, query, user_agent, ip, host, purpose = raw
    if _is_bot_cached(user_agent) or "prefetch" in purpose.lower() or "preview" in purpose.lower():
        return None
    environ = {
        "PATH_INFO": path,
        "HTTP_REFERER": referrer,
        "QUERY_STRING": query,
        "HTTP_HOST": host,
    }
    moment = datetime.fromtimestamp(minute * 60, tz=UTC)
    key = view_key(environ, user_agent, timezone.localdate(moment), geo.country_of(ip))
    return key, visitor_digest(ip, user_agent)


def view_key(environ: Environ, user_agent: str, day: Any = None, country: str = "") -> ViewKey:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    return ViewKey(
        day=day or timezone.localdate(),
        path=environ.get("PATH_INFO", "/")[:300],
        referrer_domain=referrer_domain(environ),
        utm_source=query.get("utm_source", [""])[0][:100],
        utm_campaign=query.get("utm_campaign", [""])[0][:100],
        device=device_class(user_agent),
        country=country,
    )


class CountingMiddleware:
    """Counts GETs answered 200 text/html on public paths, from people (not bots or prefetches)."""

    def __init__(self, app: WSGIApp, buffer: Buffer | None = None) -> None:
        self.app = app
        self.enabled = conf.enabled()
        self.behind_proxies = bool(getattr(settings, "ATLAS_TRUSTED_PROXIES", 0))
        self.buffer = buffer or counting.BUFFER  # shared with the events other apps count
        self.buffer.interpret = interpret
        self.flusher = counting.FLUSHER if self.buffer is counting.BUFFER else Flusher(self.buffer)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        # Pages served from the page cache in front never get here: it calls `count_page`
        # itself. What does: pages rendered now, for anyone, and for signed-in readers.
        if not self.enabled or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)

        def counting_start_response(status: str, headers: list[tuple[str, str]], *args: Any):
            if status[:3] == "200" and _is_html(headers):
                self.count_page(environ)
            return start_response(status, headers, *args)

        return self.app(environ, counting_start_response)

    def count_page(self, environ: Environ) -> None:
        """Count a GET answered 200 with a page. The hot path of cached pages, which take
        microseconds: only lookups and one dictionary increment; the rest waits for the flush."""
        if not self.enabled:
            return
        get = environ.get
        path = get("PATH_INFO", "/")
        if path.startswith(EXCLUDED_PREFIXES) or path.endswith(EXCLUDED_SUFFIXES):
            return
        raw = (
            int(_time()) // 60,
            path,
            get("HTTP_REFERER", ""),
            get("QUERY_STRING", ""),
            get("HTTP_USER_AGENT", ""),
            address_of(environ) if self.behind_proxies else get("REMOTE_ADDR", ""),
            get("HTTP_HOST", ""),
            get("HTTP_SEC_PURPOSE") or get("HTTP_PURPOSE") or get("HTTP_X_MOZ") or "",
        )
        hits = getattr(self.buffer.local, "hits", None) or self.buffer.thread_hits()
        hits.lock.acquire()
        try:
            hits.raw[raw] += 1
        finally:
            hits.lock.release()
        if not self.flusher.started:
            self.flusher.ensure_started()

    def flush(self) -> int:
        return self.buffer.flush()
