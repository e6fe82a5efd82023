"""The in-memory page cache serves anonymous readers and never shows a stale page after a change."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings

from atlas.lib import fragments
from atlas.lib.pagecache import OneVersionPerRequest, PageCache, content_version, invalidate
from atlas.publishing import services
from atlas.publishing.models import Post
from tests.factories import wsgi_call


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Any:
    """Like Django's test client: a finished request must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def app() -> PageCache:
    return PageCache(get_wsgi_application())


@pytest.fixture
def story(make_post: Any, django_capture_on_commit_callbacks: Any) -> Post:
    with django_capture_on_commit_callbacks(execute=True):
        return make_post("Ferry timetable cut", body="The original paragraph.")


def test_second_request_is_served_from_memory(app: PageCache, story: Post) -> None:
    status, _, body = wsgi_call(app, story.get_absolute_url())
    assert status.startswith("200") and b"The original paragraph." in body
    # Change the row behind the cache's back (no signal): the cached page is still served.
    Post.objects.filter(pk=story.pk).update(body_html="<p>Changed silently.</p>")
    assert b"The original paragraph." in wsgi_call(app, story.get_absolute_url())[2]


def test_saving_a_post_retires_cached_pages_at_once(
    app: PageCache, story: Post, django_capture_on_commit_callbacks: Any
) -> None:
    wsgi_call(app, story.get_absolute_url())
    wsgi_call(app, "/")
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Ferry timetable restored"
        story.body = "The corrected paragraph."
        services.save_post(story)
    assert b"The corrected paragraph." in wsgi_call(app, story.get_absolute_url())[2]
    assert b"Ferry timetable restored" in wsgi_call(app, "/")[2]


def test_unpublishing_removes_the_page_at_once(
    app: PageCache, story: Post, django_capture_on_commit_callbacks: Any
) -> None:
    assert wsgi_call(app, story.get_absolute_url())[0].startswith("200")
    with django_capture_on_commit_callbacks(execute=True):
        story.status = Post.Status.ARCHIVED
        services.save_post(story)
    assert wsgi_call(app, story.get_absolute_url())[0].startswith("404")


def test_cached_page_answers_conditional_get(app: PageCache, story: Post) -> None:
    _, headers, _ = wsgi_call(app, story.get_absolute_url())
    status, _, body = wsgi_call(app, story.get_absolute_url(), if_none_match=headers["ETag"])
    assert status.startswith("304") and body == b""


def test_signed_in_visitors_bypass_the_cache(app: PageCache, story: Post) -> None:
    wsgi_call(app, story.get_absolute_url())
    Post.objects.filter(pk=story.pk).update(body_html="<p>Fresh for staff.</p>")
    # Behind the cache's back, the kept parts of pages (atlas.lib.fragments) are stale too:
    # dropped here, so that only the page cache could still answer with the old text.
    fragments.forget()
    _, _headers, body = wsgi_call(app, story.get_absolute_url(), cookie="sessionid=abc")
    assert b"Fresh for staff." in body
    assert b"Fresh for staff." not in wsgi_call(app, story.get_absolute_url())[2]


def test_not_found_pages_are_not_stored(app: PageCache, db: Any) -> None:
    wsgi_call(app, "/posts/not-yet/")
    assert not app.entries


def test_cache_stays_within_its_size(story: Post, make_post: Any) -> None:
    small = PageCache(get_wsgi_application(), max_bytes=20_000)
    for _ in range(5):
        make_post()
    for page_path in [
        "/",
        "/posts/",
        story.get_absolute_url(),
        "/feed/",
        "/feed.json",
        "/sitemap.xml",
    ]:
        wsgi_call(small, page_path)
    assert small.size <= 20_000


BEHIND_A_PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


@override_settings(**BEHIND_A_PROXY, SECURE_SSL_REDIRECT=True)
def test_a_page_cached_over_https_never_answers_plain_http(story: Post) -> None:
    app = PageCache(get_wsgi_application())  # its middleware reads the settings above
    status, _, body = wsgi_call(app, story.get_absolute_url(), x_forwarded_proto="https")
    assert status.startswith("200") and b"The original paragraph." in body
    assert wsgi_call(app, story.get_absolute_url(), x_forwarded_proto="https")[0].startswith("200")
    status, headers, _ = wsgi_call(app, story.get_absolute_url())
    assert status.startswith("301")
    assert headers["Location"] == f"https://127.0.0.1{story.get_absolute_url()}"
    status, _, _ = wsgi_call(app, story.get_absolute_url(), x_forwarded_proto="http")
    assert status.startswith("301")


@override_settings(**BEHIND_A_PROXY, SECURE_SSL_REDIRECT=False)
def test_pages_are_kept_apart_by_the_scheme_django_sees(story: Post) -> None:
    app = PageCache(get_wsgi_application())
    wsgi_call(app, story.get_absolute_url(), x_forwarded_proto="https")
    wsgi_call(app, story.get_absolute_url(), x_forwarded_proto="https, http")  # first value
    wsgi_call(app, story.get_absolute_url())
    assert sorted(key[2] for key in app.entries) == ["http", "https"]


@pytest.mark.slow
def test_a_change_in_another_process_retires_this_processes_pages(db: Any) -> None:
    before = content_version()
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from atlas.lib.pagecache import invalidate; invalidate()"],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "atlas.settings"},
    )  # fmt: skip
    time.sleep(settings.ATLAS_VERSION_CHECK_SECONDS)  # the bound, with a shared cache
    assert content_version() != before


def test_a_request_reads_the_content_version_once_and_the_next_sees_a_change(db: Any) -> None:
    seen: list[str] = []

    def changing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(content_version())
        invalidate()  # a change committed while the page is being made (another process's)
        seen.append(content_version())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    app = OneVersionPerRequest(changing)
    assert wsgi_call(app, "/")[2] == b"ok"
    assert seen[0] == seen[1]  # one page, one version: never fragments of two
    assert content_version() != seen[0]  # outside a request: read afresh
    wsgi_call(app, "/")
    assert seen[2] == seen[3] != seen[0]  # the next request sees the change


def test_a_failing_request_leaves_no_version_held(db: Any) -> None:
    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("the page broke")

    with pytest.raises(RuntimeError):
        wsgi_call(OneVersionPerRequest(failing), "/")
    before = content_version()
    invalidate()
    assert content_version() != before
