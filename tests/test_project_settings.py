"""Safe by default: DEBUG off, a private local secret, `check --deploy` clean in production."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from atlas.lib.secrets import load_or_create_secret_key


def atlas(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("ATLAS_DEBUG", "SECRET_KEY")
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "atlas", *arguments],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.slow
def test_debug_is_off_unless_asked(tmp_path: Path) -> None:
    printed = atlas(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        ATLAS_VAR_DIR=str(tmp_path),
    )
    assert printed.stdout.strip().endswith("False"), printed.stderr
    asked = atlas(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        ATLAS_VAR_DIR=str(tmp_path),
        ATLAS_DEBUG="1",
    )
    assert asked.stdout.strip().endswith("True")


@pytest.mark.slow
def test_production_passes_the_deploy_check(tmp_path: Path) -> None:
    result = atlas(
        "check", "--deploy", "--fail-level", "WARNING",
        ATLAS_ENV="production", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org", ATLAS_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = atlas(
        "check",
        ATLAS_ENV="production",
        ALLOWED_HOSTS="news.example.org",
        ATLAS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_secret_key_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    first = load_or_create_secret_key(path)
    assert load_or_create_secret_key(path) == first and len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_database_runs_as_configured() -> None:

    if connection.vendor == "postgresql":
        assert connection.Database.__name__ == "psycopg"  # psycopg 3
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
