"""The page cache with a shared cache (Redis): the content version is held in each process and
read again at most every ATLAS_VERSION_CHECK_SECONDS; a lost Redis never fails a page."""

from __future__ import annotations

import logging
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import signals
from django.core.cache import caches
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings

from atlas.lib import pagecache
from atlas.lib.pagecache import VERSION_KEY, PageCache, content_version
from atlas.publishing import services
from atlas.publishing.models import Post
from tests.factories import process_environment, wsgi_call
from tests.mailbox import free_port


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: a finished request must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fresh_version_store() -> Iterator[None]:
    """A version store built from the settings of the test (and the usual one afterwards)."""
    pagecache._version_store.cache_clear()
    yield
    pagecache._version_store.cache_clear()


class Relay:
    """A TCP relay to Redis that a test can cut (every connection reset, the port closed) and
    restore on the same port: Redis lost and back, as the web processes see it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.connections: list[socket.socket] = []
        self.running = False
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.running = True
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        self.running = False
        assert self.listener is not None
        self.listener.close()
        for connection in self.connections:
            connection.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self.running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()


def redis_cache(url: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": settings.ATLAS_CACHE_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }


@pytest.fixture
def story(make_post: Any, django_capture_on_commit_callbacks: Any) -> Post:
    with django_capture_on_commit_callbacks(execute=True):
        return make_post("Ferry timetable cut", body="The original paragraph.")


def test_the_version_is_read_once_per_interval_not_once_per_request(
    fresh_version_store: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        store = pagecache._SharedCacheVersion(0.5)
        reads = []
        read = store._read
        monkeypatch.setattr(store, "_read", lambda: reads.append(1) or read())
        first = store.get()
        assert {store.get() for _ in range(1000)} == {first} and len(reads) == 1
        caches["default"].set(VERSION_KEY, "from-another-process", timeout=None)
        assert store.get() == first  # within the bound: the held version stands
        time.sleep(0.55)
        assert store.get() == "from-another-process" and len(reads) == 2
        store.replace()  # a change made here is seen here at once
        assert store.get() not in (first, "from-another-process")


def test_pages_answer_200_when_redis_never_answers(
    story: Post, fresh_version_store: None, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger(pagecache.__name__).addHandler(caplog.handler)  # it does not propagate
    closed_port = free_port()
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port}/0")):
        app = PageCache(get_wsgi_application())
        for path in [story.get_absolute_url(), story.get_absolute_url(), "/", "/feed/"]:
            status, _, body = wsgi_call(app, path)
            assert status.startswith("200"), body[:500]
        assert b"The original paragraph." in wsgi_call(app, story.get_absolute_url())[2]
    logging.getLogger(pagecache.__name__).removeHandler(caplog.handler)
    assert caplog.text.count("shared cache is unreachable") == 1  # one line, not one per page


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_pages_keep_serving_while_redis_is_lost_and_follow_it_once_back(
    story: Post, fresh_version_store: None, django_capture_on_commit_callbacks: Any
) -> None:
    redis_url = settings.CACHES["default"]["LOCATION"]
    address = redis_url.split("//", 1)[1].split("/", 1)
    host, port = address[0].rsplit(":", 1)
    relay = Relay((host, int(port)))
    relayed = f"redis://127.0.0.1:{relay.port}/{address[1] if len(address) > 1 else '0'}"
    with override_settings(CACHES=redis_cache(relayed), ATLAS_VERSION_CHECK_SECONDS=0.05):
        app = PageCache(get_wsgi_application())
        assert wsgi_call(app, story.get_absolute_url())[0].startswith("200")
        relay.cut()
        time.sleep(0.1)  # past the interval: the next page asks Redis, which is gone
        for path in [story.get_absolute_url(), "/", "/posts/"]:
            assert wsgi_call(app, path)[0].startswith("200")
        with django_capture_on_commit_callbacks(execute=True):
            story.body = "Corrected while Redis was away."
            services.save_post(story)
        assert b"Corrected while Redis was away." in wsgi_call(app, story.get_absolute_url())[2]
        held = content_version()
        relay.restore()
        time.sleep(pagecache.RETRY_SECONDS + 0.1)
        assert wsgi_call(app, "/")[0].startswith("200")
        # The change made meanwhile reached Redis: the other processes retire their pages too.
        assert caches["default"].get(VERSION_KEY) == held
        relay.cut()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_publish_in_one_process_is_served_fresh_by_another_within_the_bound(
    make_post: Any,
) -> None:
    post = make_post("Harbour ferry", body="Before the change.")
    post_url = post.get_absolute_url()
    bound = 0.1
    port = free_port()
    environment = process_environment(
        ATLAS_VERSION_CHECK_SECONDS=str(bound), ATLAS_DEBUG="1", ATLAS_ANALYTICS="0"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "atlas", "serve", "--port", str(port), "--workers", "2"],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def page() -> bytes:
        with urllib.request.urlopen(base + post_url, timeout=10) as response:
            return response.read()

    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline
            try:
                page()
                break
            except OSError:
                time.sleep(0.2)
        assert all(b"Before the change." in page() for _ in range(20))  # both workers hold it
        post.body = "After the change."
        services.save_post(post)  # committed: on_commit retires the pages
        published = time.monotonic()
        time.sleep(bound + 0.1)
        pages = [page() for _ in range(20)]
        elapsed = time.monotonic() - published
    finally:
        server.terminate()
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.communicate()
    assert all(b"After the change." in body for body in pages), f"stale within {elapsed:.2f}s"
