"""Web counting in WSGI: exact under concurrency, people only, no IP address stored."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.utils import timezone

from atlas.analytics.counting import Buffer, ViewKey
from atlas.analytics.models import DailySalt, DailyVisitor, PageViewCounter
from atlas.analytics.page_views import CountingMiddleware, device_class
from atlas.lib.pagecache import PageCache
from tests.factories import BROWSER_AGENT as BROWSER
from tests.factories import html_app, wsgi_get

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def total_views() -> int:
    return sum(PageViewCounter.objects.values_list("views", flat=True))


@pytest.mark.django_db(transaction=True)
def test_views_from_many_threads_are_counted_exactly_after_flush() -> None:
    middleware = CountingMiddleware(html_app)
    threads, per_thread = 8, 250

    def hammer(number: int) -> None:
        for index in range(per_thread):
            wsgi_get(middleware, f"/posts/{index % 5}/", REMOTE_ADDR=f"198.51.100.{number}")

    workers = [threading.Thread(target=hammer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert PageViewCounter.objects.count() == 0  # nothing written on the request path
    assert middleware.flush() == threads * per_thread
    assert total_views() == threads * per_thread
    assert DailyVisitor.objects.filter(path="/posts/0/").count() == threads
    assert middleware.flush() == 0


@pytest.mark.django_db(transaction=True)
def test_flushes_racing_on_the_same_keys_add_up() -> None:
    today = timezone.localdate()
    key = ViewKey(today, "/posts/race/", "example.com", "", "", "desktop")
    buffers = [Buffer() for _ in range(6)]
    for number, buffer in enumerate(buffers):
        for _ in range(100):
            buffer.record(key, f"digest-{number}")
    barrier = threading.Barrier(len(buffers))

    def flush(buffer: Buffer) -> None:
        barrier.wait()
        try:
            buffer.flush()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=flush, args=(buffer,)) for buffer in buffers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert PageViewCounter.objects.get(path="/posts/race/").views == 600
    assert DailyVisitor.objects.filter(path="/posts/race/").count() == 6
    assert DailySalt.objects.filter(day=today).count() == 1


@pytest.mark.django_db(transaction=True)
def test_bots_prefetches_heads_and_non_pages_are_not_counted() -> None:
    middleware = CountingMiddleware(html_app)
    wsgi_get(middleware, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    wsgi_get(middleware, HTTP_USER_AGENT="facebookexternalhit/1.1")
    wsgi_get(middleware, HTTP_USER_AGENT="Slackbot-LinkExpanding 1.0")
    wsgi_get(middleware, HTTP_USER_AGENT="")
    wsgi_get(middleware, HTTP_PURPOSE="prefetch")
    wsgi_get(middleware, HTTP_SEC_PURPOSE="prefetch;prerender")
    wsgi_get(middleware, REQUEST_METHOD="HEAD")
    wsgi_get(middleware, REQUEST_METHOD="POST")
    for path in ("/admin/", "/static/site.css", "/media/a.jpg", "/feed/", "/rss/", "/missing/"):
        wsgi_get(middleware, path)
    middleware.flush()
    assert total_views() == 0
    wsgi_get(middleware, QUERY_STRING="utm_source=mastodon&utm_campaign=launch",
            HTTP_REFERER="https://www.example.com/a", HTTP_USER_AGENT=IPHONE)  # fmt: skip
    middleware.flush()
    counter = PageViewCounter.objects.get()
    assert (counter.referrer_domain, counter.utm_source, counter.utm_campaign, counter.device) == (
        "example.com", "mastodon", "launch", "mobile",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_cached_pages_are_counted_in_front_of_the_page_cache(settings: Any, make_post: Any) -> None:

    post = make_post("A cached story")
    middleware = CountingMiddleware(get_wsgi_application())
    cache = PageCache(middleware, on_page=middleware.count_page)
    for _ in range(3):  # rendered, then from the cache
        wsgi_get(cache, post.get_absolute_url(), HTTP_HOST="testserver")
    wsgi_get(cache, post.get_absolute_url(), HTTP_HOST="testserver", REQUEST_METHOD="HEAD")
    middleware.flush()
    assert PageViewCounter.objects.get(path=post.get_absolute_url()).views == 3
    assert cache.entries  # the later ones came from the cache


@pytest.mark.django_db(transaction=True)
def test_the_visitor_address_is_stored_nowhere() -> None:
    middleware = CountingMiddleware(html_app)
    wsgi_get(middleware, REMOTE_ADDR="192.0.2.77")
    wsgi_get(middleware, REMOTE_ADDR="192.0.2.78", HTTP_USER_AGENT=IPHONE)
    middleware.flush()
    assert DailyVisitor.objects.count() == 2
    tables = [name for name in connection.introspection.table_names() if "analytics" in name]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            assert "192.0.2.7" not in dump, table
            assert "iPhone" not in dump, table


@pytest.mark.django_db(transaction=True)
def test_switched_off_it_passes_requests_through(settings: Any) -> None:
    settings.ATLAS_ANALYTICS = False
    middleware = CountingMiddleware(html_app)
    wsgi_get(middleware)
    assert middleware.flush() == 0


def test_device_classes() -> None:
    assert device_class(IPHONE) == "mobile"
    assert device_class("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)") == "tablet"
    assert device_class("Mozilla/5.0 (Linux; Android 14; SM-X710) Safari/537.36") == "tablet"
    assert device_class(BROWSER) == "desktop"
