"""Shared personas and factories. Real databases: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from atlas.publishing import services
from atlas.publishing.models import Author, Post, PostAuthor, Tag

# Live-server threads open connections of their own: close them after each request, so that
# nothing holds the test database when it is dropped.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters in Redis outlive a test's transaction: start each test at zero."""
    if settings.REDIS_URL:
        from atlas.runtime.ratelimit import reset_redis_counters

        reset_redis_counters()


@pytest.fixture(autouse=True)
def _empty_count_buffer() -> None:
    """Counts buffered in memory outlive a test: start each test with none. No background
    flusher runs in tests (it would write outside the test's transaction): tests that read
    counts flush first, as the reports do."""
    from atlas.analytics import counting

    counting.FLUSHER.started = True
    counting.BUFFER.take()


@pytest.fixture(autouse=True)
def _nothing_held_from_another_test() -> None:
    """Processes hold the publication and the day's sponsors until the content version moves;
    tests change them without committing (so without moving it): start each test afresh."""
    from atlas.publishing.context_processors import forget_publication
    from atlas.sponsors.placement import forget_lineup

    forget_lineup()
    forget_publication()


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _staff(username: str, role: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db: Any) -> User:
    return _staff("editor", "Editor")


@pytest.fixture
def owner(db: Any) -> User:
    return _staff("owner", "Owner")


@pytest.fixture
def administrator(db: Any) -> User:
    return _staff("administrator", "Administrator")


@pytest.fixture
def owner_client(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def author_user(db: Any) -> User:
    user = _staff("writer", "Author")
    Author.objects.create(user=user, name="Wren Writer", slug="wren-writer")
    return user


@pytest.fixture
def contributor(db: Any) -> User:
    user = _staff("contributor", "Contributor")
    Author.objects.create(user=user, name="Cal Contributor", slug="cal-contributor")
    return user


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def author(db: Any) -> Author:
    return Author.objects.create(name="Ada Reporter", slug="ada-reporter", bio="Covers trade.")


@pytest.fixture
def tag(db: Any) -> Tag:
    return Tag.objects.create(name="Trade", slug="trade", description="Tariffs and deals.")


PostFactory = Callable[..., Post]


@pytest.fixture
def make_post(db: Any, author: Author) -> PostFactory:
    """Create a post the way staff do (through the service), published an hour ago by default."""
    counter = iter(range(1, 10_000))

    def factory(
        title: str | None = None,
        status: str = Post.Status.PUBLISHED,
        published_at: Any = "default",
        tags: list[Tag] | None = None,
        authors: list[Author] | None = None,
        **fields: Any,
    ) -> Post:
        number = next(counter)
        if published_at == "default":
            published_at = timezone.now() - timedelta(hours=number)
        post = Post(
            title=title or f"Story number {number}",
            subtitle=fields.pop("subtitle", f"The standfirst of story {number}."),
            body=fields.pop("body", f"First paragraph of story {number}.\n\nSecond paragraph."),
            status=status,
            published_at=published_at,
            **fields,
        )
        services.save_post(post)
        for position, post_author in enumerate(authors or [author]):
            PostAuthor.objects.create(post=post, author=post_author, position=position)
        if tags:
            post.tags.set(tags)
        return post

    return factory


@pytest.fixture
def mailbox(settings: Any) -> Any:
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    from tests.mailbox import Mailbox

    server = Mailbox()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def deliver_outbox() -> int:
    """Send every queued transactional email now, as a worker would."""
    from atlas.members import outbox
    from atlas.members.models import OutboundEmail

    queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
    return sum(outbox.send(email_id) for email_id in list(queued.values_list("pk", flat=True)))


@pytest.fixture
def deliver() -> Callable[[], int]:
    return deliver_outbox


@pytest.fixture
def empty_task_queue() -> None:
    """Before a real worker starts: the test run's RQ queue holds only what this test enqueues
    (other tests enqueue work that no worker runs). Redis DB of the tests only."""
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
        import django_rq
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue("default")
        queue.empty()
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
        # A worker killed by an earlier test keeps its scheduler lock until it times out, and
        # then nobody moves delayed jobs to the queue: release it.
        for key in queue.connection.scan_iter(match="rq:scheduler*"):
            queue.connection.delete(key)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def chromium() -> Any:
    """Debian's Chromium driven by Playwright: open contexts (one per person) on it."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            from django.db import connections

            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def axe_script() -> Path:
    """axe-core from npm (tests/js, installed by `make test`): it checks pages for accessibility."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or `npm ci` in tests/js) first")
    return AXE
