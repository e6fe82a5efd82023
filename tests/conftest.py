"""Shared fixtures: personas, factories, a real SMTP server, the browser. Real databases: SQLite
by default, PostgreSQL (and Redis) through DATABASE_URL and REDIS_URL.

Personas: `owner` (the publication's administrator), `editor`, `author` (publishes their own
posts), `contributor` (drafts only), `moderator` (the discussions' queue), `subscriber` and
`other_subscriber` (confirmed members who signed in once), `outsider` (a signed-in account with
no role and no membership). Plain helpers (comments, sends, counts, WSGI calls) are in
`tests/factories.py`; the SMTP server is `tests/mailbox.py`.

Parallel runs (`pytest -n`, pytest-xdist): each worker has its own test databases (named by
process), its own keys in Redis and the cache, and its own files; the processes a test starts
inherit them through the environment.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import connections
from django.test import Client
from django.utils import timezone
from PIL import Image

from atlas.analytics import counting
from atlas.billing import services as billing_services
from atlas.billing.models import Tier
from atlas.delivery.engine import forget_newsletter_names
from atlas.lib import fragments
from atlas.lib.storage import s3_storages
from atlas.members import outbox
from atlas.members.models import Member, Newsletter, OutboundEmail
from atlas.members.services import user_for
from atlas.publishing import services
from atlas.publishing.context_processors import forget_publication
from atlas.publishing.models import Author, Post, PostAuthor, Tag
from atlas.runtime.ratelimit import reset_redis_counters
from atlas.sponsors.models import Campaign, Sponsor, SponsorSettings
from atlas.sponsors.placement import forget_lineup
from tests.factories import (
    BROWSER_AGENT,
    CHROMIUM,
    CHROMIUM_ARGS,
    LONG_BODY,
    RESULTS,
    CampaignFactory,
    MemberFactory,
    PageFactory,
    PostFactory,
    client_for,
    publication_today,
)
from tests.fake_s3 import CREDENTIALS as S3_CREDENTIALS
from tests.fake_s3 import FakeS3
from tests.fake_stripe import FakeStripe, sign
from tests.mailbox import Mailbox

# Live-server threads open connections of their own: close them after each request, so that
# nothing holds the test database when it is dropped.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
# Staff accounts have passwords: hashing them the production way takes a second each.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One run (or one pytest-xdist worker) keeps to its own keys in Redis and the cache, so that
# parallel workers never see each other's rate limits, page-cache versions or cached pages.
RUN = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ["ATLAS_CACHE_PREFIX"] = f"atlas-test-{RUN}"  # for the processes tests start
settings.ATLAS_CACHE_PREFIX = os.environ["ATLAS_CACHE_PREFIX"]
settings.CACHES["default"]["KEY_PREFIX"] = settings.ATLAS_CACHE_PREFIX


def redis_database_of_this_run(url: str) -> str:
    """RQ's queue keys (`rq:*`) take no prefix: each pytest-xdist worker after the first uses the
    Redis database below the one named (gw1 of db 15 uses 14, ...), so that an `atlas worker` one
    test starts never runs a task another worker's test queued, against the wrong database."""
    index = int(RUN[2:]) if RUN.startswith("gw") and RUN[2:].isdigit() else 0
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - index) % 16}"))


if settings.REDIS_URL:
    os.environ["REDIS_URL"] = redis_database_of_this_run(settings.REDIS_URL)
    settings.REDIS_URL = os.environ["REDIS_URL"]
    if (
        "LOCATION" in settings.CACHES["default"]
        and "redis" in settings.CACHES["default"]["BACKEND"]
    ):
        settings.CACHES["default"]["LOCATION"] = settings.REDIS_URL
    settings.RQ_QUEUES["default"]["URL"] = settings.REDIS_URL

AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
BROWSER_FIXTURES = {"playwright", "chromium", "browser_page", "new_page"}
STARTS_SOMETHING = {"live_server", *BROWSER_FIXTURES}


@pytest.fixture
def _xdist_group_ignored() -> None:
    pytest.fail(
        "pytest-xdist ignored this test's xdist_group under --dist loadgroup (pytest 9.2 with "
        "pytest-xdist 3.8 does): tests of one group would run at once on several workers"
    )


@pytest.hookimpl(trylast=True)  # after pytest-xdist has put the group into the test's ID
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that starts a server or a browser says so: `slow` (and `browser`) markers, which
    `make test-fast` leaves out and CI counts. Under `--dist loadgroup`, a test whose group the
    installed pytest-xdist ignored fails rather than running beside its group."""
    loadgroup = bool(getattr(config.option, "loadgroup", False))  # set in xdist's workers
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        marks = {mark.name for mark in item.iter_markers()}
        if used & STARTS_SOMETHING and "slow" not in marks:
            raise pytest.UsageError(f"{item.nodeid} starts a server or browser: mark it slow")
        groups = [mark.args for mark in item.iter_markers("xdist_group")]
        if loadgroup and any(f"@{group[0]}" not in item.nodeid for group in groups if group):
            item.fixturenames.insert(0, "_xdist_group_ignored")  # type: ignore[attr-defined]
        if "empty_task_queue" in used and ("task-queue",) not in groups:
            raise pytest.UsageError(
                f'{item.nodeid} runs a real worker: mark it xdist_group("task-queue"), so that '
                "no other such test empties the queue under it"
            )
        uses_browser = bool(used & BROWSER_FIXTURES)
        if uses_browser != ("browser" in marks) or uses_browser != item.path.stem.endswith(
            "_browser"
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests are marked `browser` and live in *_browser.py"
            )


# Every test starts afresh --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters in Redis outlive a test's transaction: start each test at zero."""
    if settings.REDIS_URL:
        reset_redis_counters()


@pytest.fixture(autouse=True)
def _empty_count_buffer() -> None:
    """Counts buffered in memory outlive a test: start each test with none. No background
    flusher runs in tests (it would write outside the test's transaction): tests that read
    counts flush first, as the reports do."""
    counting.FLUSHER.started = True
    counting.BUFFER.take()


@pytest.fixture(autouse=True)
def _nothing_held_from_another_test() -> None:
    """Processes hold the publication, the day's sponsors and the newsletters' names until the
    content version moves, and fragments of pages per version; tests change them without
    committing (so without moving it): start each test afresh."""
    forget_lineup()
    forget_publication()
    forget_newsletter_names()
    fragments.forget()


@pytest.fixture(autouse=True)
def _isolated_files(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def fake_s3() -> Iterator[FakeS3]:
    """An S3-compatible store on 127.0.0.1 (moto's server), one per test process."""
    server = FakeS3()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_media(fake_s3: FakeS3, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Media and private files in a new bucket of `fake_s3`, set up as README.md says; the
    bucket's name."""
    bucket = fake_s3.new_bucket()
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(
            bucket=bucket, endpoint_url=fake_s3.endpoint, region="us-east-1", prefix="media",
            private_bucket="", private_prefix="private", addressing_style="",
        ),
    }  # fmt: skip
    return bucket


# Staff ---------------------------------------------------------------------------------------


def _staff(username: str, role: str, **fields: Any) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.org", "a-long-test-password", is_staff=True, **fields
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def owner(db: Any) -> User:
    """The publication's Owner (the role: every permission, one per publication)."""
    return _staff("owner", "Owner", is_superuser=True, first_name="Oona")


@pytest.fixture
def owner_client(owner: User) -> Client:
    return client_for(owner)


@pytest.fixture
def administrator(db: Any) -> User:
    return _staff("administrator", "Administrator")


@pytest.fixture
def editor(db: Any) -> User:
    return _staff("editor", "Editor")


@pytest.fixture
def author(db: Any) -> User:
    """A staff writer who publishes their own posts, with a byline of their own."""
    user = _staff("writer", "Author")
    Author.objects.create(user=user, name="Wren Writer", slug="wren-writer")
    return user


@pytest.fixture
def contributor(db: Any) -> User:
    user = _staff("contributor", "Contributor")
    Author.objects.create(user=user, name="Cal Contributor", slug="cal-contributor")
    return user


MODERATOR_PERMISSIONS = [
    "view_comment", "change_comment", "view_report", "view_commentingban", "add_commentingban",
    "change_commentingban", "view_moderationaction",
]  # fmt: skip


@pytest.fixture
def moderator(db: Any) -> User:
    """Staff who may work the discussions' queue, and nothing else."""
    user = User.objects.create_user(
        "moderator", "moderator@example.org", "a-long-test-password", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="discussions", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return user


@pytest.fixture
def editor_client(editor: User) -> Client:
    return client_for(editor)


@pytest.fixture
def moderator_client(moderator: User) -> Client:
    return client_for(moderator)


# Readers -------------------------------------------------------------------------------------


@pytest.fixture
def make_member(db: Any) -> MemberFactory:
    """An active, confirmed member who has signed in once (so has a user account)."""
    counter = iter(range(1, 10_000))

    def factory(name: str = "", **fields: Any) -> Member:
        number = next(counter)
        joined = fields.pop("created_at", timezone.now() - timedelta(days=30))
        member = Member.objects.create(
            email=fields.pop("email", f"member{number}@example.org"),
            name=name or f"Member {number}",
            status=fields.pop("status", Member.Status.ACTIVE),
            created_at=joined,
            confirmed_at=fields.pop("confirmed_at", joined + timedelta(minutes=5)),
            **fields,
        )
        user_for(member)
        return member

    return factory


@pytest.fixture
def subscriber(make_member: MemberFactory) -> Member:
    return make_member("Rosa Reader", email="rosa@example.org")


@pytest.fixture
def subscriber_client(subscriber: Member) -> Client:
    return client_for(subscriber)


@pytest.fixture
def other_subscriber(make_member: MemberFactory) -> Member:
    return make_member("Omar Other", email="omar@example.org")


@pytest.fixture
def other_client(other_subscriber: Member) -> Client:
    return client_for(other_subscriber)


@pytest.fixture
def outsider(db: Any) -> User:
    """Signed in, but neither staff nor a member (e.g. an account left from an old site)."""
    return User.objects.create_user("outsider", "outsider@example.org")


@pytest.fixture
def newsletter(db: Any) -> Newsletter:
    """The publication's default newsletter (made by a migration)."""
    return Newsletter.objects.get(slug="newsletter")


# Posts ---------------------------------------------------------------------------------------


@pytest.fixture
def byline(db: Any) -> Author:
    """The author `make_post` credits unless told otherwise."""
    return Author.objects.create(name="Ada Reporter", slug="ada-reporter", bio="Covers trade.")


@pytest.fixture
def tag(db: Any) -> Tag:
    return Tag.objects.create(name="Trade", slug="trade", description="Tariffs and deals.")


@pytest.fixture
def make_post(db: Any, byline: Author) -> PostFactory:
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
        for position, post_author in enumerate(authors or [byline]):
            PostAuthor.objects.create(post=post, author=post_author, position=position)
        if tags:
            post.tags.set(tags)
        return post

    return factory


@pytest.fixture
def article(make_post: PostFactory) -> Post:
    """A public article of five paragraphs (the sponsored slot sits after the third)."""
    return make_post("Harbour dredging plan divides the council", body=LONG_BODY)


# Sponsors ------------------------------------------------------------------------------------


@pytest.fixture
def sponsor(db: Any) -> Sponsor:
    return Sponsor.objects.create(name="Riverside Bike Co-op", contact_email="ads@bikes.example")


@pytest.fixture
def make_campaign(sponsor: Sponsor) -> CampaignFactory:
    """A running campaign for web and email, from yesterday to next week, unless told otherwise."""
    counter = iter(range(1, 10_000))

    def factory(**fields: Any) -> Campaign:
        number = next(counter)
        tags = fields.pop("tags", [])
        newsletters = fields.pop("newsletters", [])
        day = publication_today()
        campaign = Campaign.objects.create(
            sponsor=fields.pop("sponsor", sponsor),
            headline=fields.pop("headline", f"Offer number {number}"),
            body=fields.pop("body", "Tune-ups by **your neighbours**."),
            call_to_action=fields.pop("call_to_action", "Book a tune-up"),
            destination_url=fields.pop("destination_url", f"https://bikes.example/offer/{number}"),
            starts_on=fields.pop("starts_on", day - timedelta(days=1)),
            ends_on=fields.pop("ends_on", day + timedelta(days=7)),
            status=fields.pop("status", Campaign.Status.RUNNING),
            **fields,
        )
        campaign.tags.set(tags)
        campaign.newsletters.set(newsletters)
        return campaign

    return factory


@pytest.fixture
def sponsor_settings(db: Any) -> SponsorSettings:
    return SponsorSettings.current()


# Mail ----------------------------------------------------------------------------------------


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; our SMTP backend (Django's, internationalised) sends
    to it."""
    yield from _serve_mail(settings, Mailbox())


@pytest.fixture
def mailbox_smtputf8(settings: Any) -> Iterator[Mailbox]:
    """The same server, offering SMTPUTF8 (internationalised addresses)."""
    yield from _serve_mail(settings, Mailbox(smtputf8=True))


@pytest.fixture
def mailbox_in_turn(settings: Any) -> Iterator[Mailbox]:
    """The same server, without PIPELINING: each command waits for its reply."""
    yield from _serve_mail(settings, Mailbox(pipelining=False))


def _serve_mail(settings: Any, server: Mailbox) -> Iterator[Mailbox]:
    server.start()
    settings.EMAIL_BACKEND = "atlas.lib.smtp.EmailBackend"
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
    queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
    return sum(outbox.send(email_id) for email_id in list(queued.values_list("pk", flat=True)))


@pytest.fixture
def deliver() -> Callable[[], int]:
    return deliver_outbox


# Background tasks ----------------------------------------------------------------------------


@pytest.fixture
def empty_task_queue() -> None:
    """Before a real worker starts: the test run's RQ queue holds only what this test enqueues
    (other tests enqueue work that no worker runs). Tests that use it share one xdist group, so
    two never run at once."""
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


# The browser ---------------------------------------------------------------------------------


@pytest.fixture
def playwright() -> Iterator[Any]:
    """Playwright's sync API, for Debian's Chromium (most tests want `chromium`, `new_page` or
    `browser_page`; this is for one that starts or connects to a browser itself). One per test:
    started once for the session instead, its event loop would stay running in this thread and
    turn off Django's check against database calls from async code for every later test."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(exist_ok=True)  # where browser tests save their screenshots
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as running:
        try:
            yield running
        finally:
            # Playwright runs the test inside a greenlet: connections opened there are its own.
            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def chromium(playwright: Any) -> Iterator[Any]:
    """Debian's Chromium, headless: contexts of it are separate people (`new_page`)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def axe_script() -> Path:
    """axe-core from npm (tests/js, installed by `make test`): it checks pages for accessibility."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or `npm ci` in tests/js) first")
    return AXE


@pytest.fixture
def new_page(chromium: Any, live_server: Any) -> PageFactory:
    """A page in a browser context of its own (a separate person): `new_page(user=...)` is
    signed in as that staff user or member, `user_agent=...` looks like another browser."""

    def factory(user: Any = None, user_agent: str | None = None, width: int = 1280) -> Any:
        context = chromium.new_context(
            viewport={"width": width, "height": 900}, user_agent=user_agent
        )
        if user is not None:
            cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        return context.new_page()

    return factory


@pytest.fixture
def browser_page(new_page: PageFactory) -> Any:
    """A reader's page: no account, a desktop browser's user agent (headless Chromium calls
    itself HeadlessChrome, which counters treat as a bot)."""
    return new_page(user_agent=BROWSER_AGENT)


# Paid subscriptions: a fake Stripe on 127.0.0.1 that the real SDK talks to ----------------------


@pytest.fixture
def stripe_fake(settings: Any) -> Any:
    """A fake Stripe (tests/fake_stripe.py), with Atlas's Stripe settings pointing at it. Events
    are kept in `stripe_fake.events`; set `webhook_url` to have them posted (signed)."""
    fake = FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = "sk_test_atlas"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_atlas"
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    yield fake
    fake.stop()


@pytest.fixture
def paid_tier(stripe_fake: Any, db: Any) -> Any:
    """ "Supporter": €5 a month or €50 a year, its prices created at the fake Stripe by Atlas."""
    tier = Tier(
        name="Supporter", slug="supporter", description="Keeps the newsroom going.",
        benefits="Every story\nThe Friday letter", monthly_amount=500, yearly_amount=5000,
    )  # fmt: skip
    assert billing_services.save_tier(tier) == []
    return tier


def post_webhook(client: Client, fake: Any, event: dict[str, Any], **options: Any) -> Any:
    """Deliver one Stripe event to Atlas's webhook through the test client, signed like Stripe."""
    payload = json.dumps(event).encode()
    signature = options.get("signature", sign(payload, options.get("secret", fake.webhook_secret)))
    return client.post(
        "/billing/stripe/webhook/", payload, content_type="application/json",
        headers={"Stripe-Signature": signature},
    )  # fmt: skip


@pytest.fixture
def deliver_webhooks(stripe_fake: Any) -> Callable[..., list[int]]:
    """Post the fake's events not delivered yet (or the ones given) to Atlas; their statuses."""
    sent: set[str] = set()

    def deliver(events: list[dict[str, Any]] | None = None) -> list[int]:
        client = Client()
        todo = (
            events if events is not None else [e for e in stripe_fake.events if e["id"] not in sent]
        )
        sent.update(event["id"] for event in todo)
        return [post_webhook(client, stripe_fake, event).status_code for event in todo]

    return deliver


@pytest.fixture
def signed_webhook(stripe_fake: Any) -> Callable[..., Any]:
    """`signed_webhook(client, event, secret=..., signature=...)`: one delivery to Atlas."""
    return lambda client, event, **options: post_webhook(client, stripe_fake, event, **options)


class _ImageHandler(http.server.BaseHTTPRequestHandler):
    """A stand-in for an old site's image host: JPEGs and PNGs, a dead link, a redirect to the
    cloud metadata address, a text file posing as an image."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/redirect-to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        if path == "/not-an-image.jpg":
            self._answer(b"<html>not an image</html>", "image/jpeg")
            return
        image_format = {"jpeg": "JPEG", "jpg": "JPEG", "png": "PNG"}.get(path.rsplit(".", 1)[-1])
        if image_format is None or "/dead/" in path:
            self.send_error(404)
            return
        buffer = io.BytesIO()
        Image.effect_noise((300, 200), 60).convert("RGB").save(buffer, image_format)
        self._answer(buffer.getvalue(), f"image/{image_format.lower()}")

    def _answer(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def image_server(settings: Any) -> Iterator[str]:
    """An image host on 127.0.0.1 (a free port), which imports may fetch from: the setting
    ATLAS_IMPORT_ALLOWED_HOSTS lets it through the private-address refusal."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ImageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ATLAS_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
