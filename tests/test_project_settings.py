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
from atlas.runtime import checks
from atlas.runtime.checks import is_patched
from tests.factories import database_url


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
    if is_patched(tuple(sys.version_info[:3])):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout
    else:  # this interpreter is the one issue: every other check passes
        assert "atlas.runtime.W001" in result.stderr
        assert "1 issue" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("version", "patched"),
    [
        ((3, 11, 7), False), ((3, 11, 14), False), ((3, 11, 15), True), ((3, 12, 12), False),
        ((3, 12, 13), True), ((3, 13, 11), False), ((3, 13, 12), True), ((3, 14, 2), False),
        ((3, 14, 3), True), ((3, 15, 0), True),
    ],
)  # fmt: skip
def test_the_deploy_check_knows_which_pythons_have_the_email_fixes(
    version: tuple[int, int, int], patched: bool
) -> None:
    assert is_patched(version) is patched


def test_the_deploy_check_names_the_python_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks.sys, "version_info", (3, 11, 7, "final", 0))
    [warning] = checks.patched_python()
    assert warning.id == "atlas.runtime.W001" and "3.11.15" in (warning.hint or "")
    monkeypatch.setattr(checks.sys, "version_info", (3, 13, 12, "final", 0))
    assert checks.patched_python() == []


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


@pytest.mark.slow
def test_production_cookies_are_host_only(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    )
    production = atlas(
        "shell", "-c", code, ATLAS_ENV="production", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org", ATLAS_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert production.stdout.split()[-3:] == ["__Host-sessionid", "__Host-csrftoken", "True"]
    local = atlas("shell", "-c", code, ATLAS_VAR_DIR=str(tmp_path))  # plain HTTP: no prefix
    assert local.stdout.split()[-3:] == ["sessionid", "csrftoken", "False"]


@pytest.mark.slow
def test_postgresql_connections_come_from_a_pool_of_the_size_asked(
    tmp_path: Path, db: object
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's")
    url = database_url()
    script = (
        "from django.db import connection; connection.ensure_connection(); "
        "print(type(connection.pool).__name__, getattr(connection.pool, 'max_size', None), "
        "connection.settings_dict['CONN_MAX_AGE'])"
    )
    printed = atlas(
        "shell", "-c", script, ATLAS_VAR_DIR=str(tmp_path), DATABASE_URL=url,
        ATLAS_DB_POOL_SIZE="3",
    )  # fmt: skip
    assert printed.stdout.split()[-3:] == ["ConnectionPool", "3", "0"], printed.stderr
    without = atlas("shell", "-c", script, ATLAS_VAR_DIR=str(tmp_path), DATABASE_URL=url)
    assert "ConnectionPool" not in without.stdout


@pytest.mark.slow
def test_postgresql_prepares_a_statement_run_again_unless_turned_off(
    tmp_path: Path, db: object
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    url = database_url()
    script = (
        "from django.contrib.auth.models import Group; from django.db import connection; "
        "[Group.objects.filter(name=f'g{i}').exists() for i in range(3)]; "
        "cursor = connection.cursor(); "
        'cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '
        "'%auth_group%'\"); print('prepared', cursor.fetchone()[0])"
    )
    printed = atlas("shell", "-c", script, ATLAS_VAR_DIR=str(tmp_path), DATABASE_URL=url)
    assert printed.stdout.split()[-2:] == ["prepared", "1"], printed.stderr
    off = atlas(
        "shell", "-c", script, ATLAS_VAR_DIR=str(tmp_path), DATABASE_URL=url,
        ATLAS_DB_PREPARED_STATEMENTS="0",
    )  # fmt: skip
    assert off.stdout.split()[-2:] == ["prepared", "0"], off.stderr
