"""A disk that fills up under SQLite: requests answer 503 with the retry page, the database is
never damaged, and writes work again once space is back.

Two ways to fill the disk: a small tmpfs holding the database (when this process may mount one:
root on Linux), else a file-size limit (RLIMIT_FSIZE) on the process that writes. Either way the
writes run in a separate process, through the whole Django stack, on a copy of the test database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Runs in the child: subscribe readers until the disk is full, free space, subscribe again.
WRITER = r"""
import json, os, resource, signal, sys
from pathlib import Path
import django
from django.conf import settings

# Static files from the apps' folders (no collectstatic): set before setup, which reads STORAGES.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
django.setup()
from django.test import Client
from atlas.members.models import Member
mode, database, filler = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
client = Client(raise_request_exception=False)

def subscribe(number):
    response = client.post("/subscribe/", {"email": f"reader{number}@example.org"},
                           headers={"Origin": "http://testserver"},
                           REMOTE_ADDR=f"10.{number // 65536}.{number // 256 % 256}.{number % 256}")
    return response

assert subscribe(0).status_code == 200
if mode == "rlimit":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    largest = max(path.stat().st_size for path in database.parent.glob(database.name + "*"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 1024 * 1024, resource.RLIM_INFINITY))
statuses, refused = [], None
for number in range(1, 3000):
    response = subscribe(number)
    statuses.append(response.status_code)
    if response.status_code != 200:
        refused = {"status": response.status_code, "retry_after": response.get("Retry-After"),
                   "body": response.content.decode(), "email": f"reader{number}@example.org"}
        break
acknowledged = statuses.count(200) + 1
if mode == "rlimit":
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
else:
    filler.unlink()
after = [subscribe(10_000 + number).status_code for number in range(5)]
print(json.dumps({"statuses": statuses, "refused": refused, "after": after,
                  "acknowledged": acknowledged, "members": Member.objects.count()}))
"""


def can_mount_tmpfs(target: Path) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return mounted.returncode == 0


@pytest.fixture(params=["tmpfs", "rlimit"])
def full_disk(request: Any, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """(mode, database, filler): a copy of the test database where the disk is about to fill."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "disk full is simulated for SQLite; PostgreSQL's DiskFull is an OperationalError"
        )
    directory = tmp_path / "disk"
    directory.mkdir()
    mode = request.param
    if mode == "tmpfs" and not can_mount_tmpfs(directory):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux); the rlimit case runs")
    database, filler = directory / "atlas.sqlite3", directory / "filler"
    try:
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(database)
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        source.close()
        if mode == "tmpfs":  # leave about 1 MB free
            free = os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize
            filler.write_bytes(b"\0" * max(free - 1024 * 1024, 0))
        yield mode, database, filler
    finally:
        if mode == "tmpfs":
            subprocess.run(["umount", "-l", str(directory)], check=False)


def test_a_full_disk_answers_503_keeps_the_database_whole_and_recovers(
    full_disk: tuple[str, Path, Path], tmp_path: Path
) -> None:
    mode, database, filler = full_disk
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "ATLAS_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "atlas.settings",
    }
    environment.pop("ATLAS_DEBUG", None)
    finished = subprocess.run(
        [sys.executable, "-c", WRITER, mode, str(database), str(filler)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    refused = result["refused"]
    assert refused is not None, f"the disk never filled ({len(result['statuses'])} writes)"
    assert set(result["statuses"][:-1]) == {200}, (result, finished.stderr[-3000:])
    assert refused["status"] == 503 and int(refused["retry_after"]) > 0
    assert "Please try again" in refused["body"] and refused["email"] in refused["body"]
    assert "Database unavailable (sqlite" in finished.stderr
    assert result["after"] == [200] * 5  # space is back: writes work again, same process
    check = sqlite3.connect(database)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    members = check.execute("SELECT count(*) FROM members_member").fetchone()[0]
    check.close()
    # Every acknowledged sign-up is there; the refused one is not; nothing half-written.
    assert members == result["acknowledged"] + 5 == result["members"]
