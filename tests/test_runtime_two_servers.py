"""Two web machines: two `atlas serve` processes, each with a var/ of its own, on one
PostgreSQL and one Redis, media in one bucket (moto's S3 server stands in). A post published
through one is on the other's pages within FRESH_WITHIN seconds, with the feature image
uploaded through the first.

It runs in both of CI's passes: on PostgreSQL + Redis in the suite's own test database; on
SQLite in a PostgreSQL database of its own (PostgreSQL is always there in CI), which it creates
and drops. No machine shares a disk with the other here, as none would in production."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests
from django.conf import settings
from django.db import connection
from PIL import Image

from tests.factories import database_url
from tests.fake_s3 import FakeS3, anonymous_get
from tests.mailbox import free_port

pytestmark = pytest.mark.slow

# The bound README.md states: what one machine publishes is on every other's pages within it.
FRESH_WITHIN = 5.0
# Where a run on SQLite finds PostgreSQL and Redis (as CI has them).
POSTGRES_URL = os.environ.get("ATLAS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("ATLAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "a-long-test-password"


def atlas(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    finished = subprocess.run(
        [sys.executable, "-m", "atlas", *arguments],
        env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL database both machines use: the suite's, or one of this test's own."""
    if connection.vendor == "postgresql":
        yield database_url()
        return
    name = f"test_atlas_servers_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        # A database dropped after the test: no need to wait for the disk on every commit.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = f"{POSTGRES_URL}/{name}"
    try:
        setup = {**os.environ, "DATABASE_URL": url, "ATLAS_VAR_DIR": str(tmp_path / "migrate")}
        atlas("migrate", "-v0", environment=setup)
        yield url
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_redis() -> Iterator[tuple[str, str]]:
    """(Redis URL, key prefix) both machines use; the prefix's keys are deleted afterwards."""
    url = settings.REDIS_URL or REDIS_URL
    prefix = f"atlas-test-servers-{os.getpid()}"
    yield url, prefix
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


class Machine:
    """One web machine: `atlas serve` with a var/ of its own."""

    def __init__(self, name: str, environment: dict[str, str], var_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "atlas", "serve", "--port", str(self.port), "--workers", "1"],
            env={**environment, "ATLAS_VAR_DIR": str(var_dir)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        self.session = requests.Session()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.stop()
            try:
                if self.session.get(f"{self.base}/robots.txt", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        pytest.fail(f"machine {self.name} did not answer within 90 s: {self.stop()}")

    def get(self, path: str, **options: Any) -> requests.Response:
        return self.session.get(f"{self.base}{path}", timeout=10, **options)

    def sign_in(self, username: str) -> None:
        self.get("/admin/login/")
        response = self.session.post(
            f"{self.base}/admin/login/?next=/admin/",
            data={"username": username, "password": PASSWORD,
                  "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            timeout=10,
        )  # fmt: skip
        assert response.url.endswith("/admin/"), response.text[:2000]

    def publish_with_feature_image(self, title: str, image: bytes) -> None:
        """Through the admin's post form, as staff do."""
        form = self.get("/admin/publishing/post/add/").text
        fields = {"title": title, "subtitle": "", "body": "Ships came in at dawn.",
                  "status": "published", "visibility": "public",
                  "feature_image_alt": "Ships at the quay",
                  "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}  # fmt: skip
        for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', form):
            fields |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
        response = self.session.post(
            f"{self.base}/admin/publishing/post/add/",
            data=fields,
            files={"feature_image": ("quay.jpg", image, "image/jpeg")},
            headers={"Referer": f"{self.base}/admin/publishing/post/add/"},
            timeout=30,
        )
        assert response.url.endswith("/admin/publishing/post/"), response.text[:3000]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            output, _ = self.process.communicate()
        return f"--- {self.name} ---\n{output}"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_what_one_machine_publishes_the_other_serves_fresh_with_its_image(
    shared_database: str, shared_redis: tuple[str, str], fake_s3: FakeS3, tmp_path: Path
) -> None:
    bucket = fake_s3.new_bucket()
    redis_url, prefix = shared_redis
    environment = {
        **os.environ,
        **fake_s3.environment(bucket),
        "DATABASE_URL": shared_database,
        "REDIS_URL": redis_url,
        "ATLAS_CACHE_PREFIX": prefix,
        # Machines of one site share their secret key (sessions, signed links).
        "SECRET_KEY": "two-machines-one-site-" + "x" * 40,
        "ATLAS_DEBUG": "1",  # static files from the apps' folders: no collectstatic needed
        "ATLAS_ANALYTICS": "0",
    }
    atlas(
        "createsuperuser", "--noinput", "--username", "oona", "--email", "oona@example.org",
        environment={**environment, "ATLAS_VAR_DIR": str(tmp_path / "setup"),
                     "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )  # fmt: skip
    first = Machine("first", environment, tmp_path / "first")
    second = Machine("second", environment, tmp_path / "second")
    outputs: list[str] = []
    try:
        first.wait_until_ready()
        second.wait_until_ready()
        for _ in range(3):  # the second machine has the home page cached
            home = second.get("/")
            assert home.status_code == 200 and "Harbour reopens" not in home.text

        first.sign_in("oona")
        first.publish_with_feature_image("Harbour reopens", jpeg())
        published_at = time.monotonic()
        stale_answers = 0
        while "Harbour reopens" not in (home := second.get("/")).text:
            assert time.monotonic() - published_at < FRESH_WITHIN, "stale after the bound"
            stale_answers += 1
            time.sleep(0.05)
        seen_after = time.monotonic() - published_at

        link = re.search(r'href="(/[^"]*harbour-reopens[^"]*)"', home.text)
        assert link is not None, home.text[:3000]
        article = second.get(link.group(1))
        assert article.status_code == 200
        srcset = re.search(r'srcset="([^"]+)"', article.text)
        assert srcset is not None, article.text[:3000]
        for candidate in srcset.group(1).split(", "):
            url = candidate.split()[0]
            assert url.startswith(f"{fake_s3.endpoint}/{bucket}/media/renditions/"), url
            status, body, content_type = anonymous_get(url)
            assert (status, content_type) == (200, "image/jpeg")
            assert Image.open(io.BytesIO(body)).format == "JPEG"
        original = next(key for key in fake_s3.keys(bucket) if key.startswith("media/features/"))
        moved = second.get(f"/{original}", allow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["Location"] == f"{fake_s3.endpoint}/{bucket}/{original}"
        # Neither machine kept a file of its own.
        for var_dir in ("first", "second"):
            assert not (tmp_path / var_dir / "media").exists() or not any(
                (tmp_path / var_dir / "media").rglob("*.jpg")
            )
    finally:
        outputs = [first.stop(), second.stop()]
    print(
        f"published through one machine, on the other's home page after {seen_after:.2f} s "
        f"({stale_answers} stale answers before)"
    )
    assert all("Traceback" not in output for output in outputs), "\n".join(outputs)
