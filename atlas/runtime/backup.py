"""`atlas backup` and `atlas restore`: one tar file with the database and the media.

The file holds `manifest.json` (when, which engine, which migrations), the database and
`media/`. SQLite is copied with its online backup API (a consistent snapshot while the site
runs); PostgreSQL with `pg_dump --format=custom`. A restore replaces the whole database, runs any
newer migrations, then lets each app take its restore steps (`runtime.hooks.restore_steps`):
consents withdrawn since the backup are carried over from the database being replaced when it
can still be read, and work that may already have happened after the backup (a send, a queued
email) is held for a human instead of firing again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from atlas.lib.pagecache import invalidate
from atlas.runtime.hooks import restore_steps

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup that cannot be made or restored, with a reason for the operator."""


@dataclass
class Manifest:
    created_at: str  # ISO 8601; the snapshot holds everything committed before this moment
    engine: str
    migrations: dict[str, str]  # app label -> latest applied migration
    media_files: int = 0
    format: int = FORMAT
    steps: list[str] = field(default_factory=list)  # what a restore did, for its report

    @property
    def backup_time(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app_label, name in sorted(MigrationLoader(connection).applied_migrations):
        latest[app_label] = max(latest.get(app_label, name), name)
    return latest


def write_backup(path: Path) -> Manifest:
    """Write the database and the media to `path` (a tar file), atomically."""
    path = path.resolve()
    manifest = Manifest(
        created_at=timezone.now().isoformat(), engine=engine(), migrations=applied_migrations()
    )
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        database_file = Path(work) / DATABASE_MEMBERS[manifest.engine]
        dump_database(database_file)
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest.media_files = len(media_files)
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_text(json.dumps(asdict(manifest), indent=2))
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_file, MANIFEST)
            archive.add(database_file, database_file.name)
            for media_file in media_files:
                archive.add(media_file, f"media/{media_file.relative_to(media).as_posix()}")
    os.replace(partial, path)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> Manifest:
    try:
        member = archive.extractfile(MANIFEST)
        if member is None:
            raise KeyError(MANIFEST)
        data = json.loads(member.read())
        manifest = Manifest(**data)
    except (KeyError, ValueError, TypeError) as error:
        raise BackupError("This file is not an Atlas backup (no readable manifest).") from error
    if manifest.format != FORMAT:
        raise BackupError(f"Backup format {manifest.format} is not known to this Atlas.")
    return manifest


def restore_backup(path: Path) -> Manifest:
    """Replace the database and add the media from `path`; return the manifest with the steps
    taken. The site should be stopped (workers included) while this runs."""
    with tarfile.open(path) as archive, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(archive)
        check_compatible(manifest)
        backup_time = manifest.backup_time
        kept = [(step, keep_from_current(step.keep, backup_time)) for step in restore_steps.items()]
        archive.extractall(work, filter="data")
        load_database(Path(work) / DATABASE_MEMBERS[manifest.engine])
        restore_media(Path(work) / "media")
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        manifest.steps = [step.apply(data, backup_time) for step, data in kept]
    invalidate()  # pages cached from the replaced database must not be served again
    return manifest


def check_compatible(manifest: Manifest) -> None:
    if manifest.engine != engine():
        raise BackupError(
            f"This backup holds a {manifest.engine} database; this site uses {engine()}."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    newer = [
        f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known
    ]
    if newer:
        raise BackupError(
            "This backup was made by a newer Atlas (unknown migrations: "
            f"{', '.join(sorted(newer))}); upgrade before restoring it."
        )


def keep_from_current(keep: Any, backup_time: datetime) -> object:
    """What an app keeps from the database being replaced; None when it cannot be read."""
    try:
        with transaction.atomic():
            return keep(backup_time)
    except DatabaseError as error:
        logger.warning("restore: the current database could not be read (%s)", error)
        return None


# The database, one engine at a time


def dump_database(target: Path) -> None:
    if engine() == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a consistent snapshot, even in WAL mode
        finally:
            copy.close()
            source.close()
    else:
        run_postgres(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                      f"--file={target}"])  # fmt: skip


def load_database(source_file: Path) -> None:
    connection.close()
    if engine() == "sqlite":
        source = sqlite3.connect(source_file)
        try:
            (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"The database in this backup is damaged: {verdict}")
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
            try:
                source.backup(target)  # page by page into the live file, under its write lock
            finally:
                target.close()
        finally:
            source.close()
    else:
        with tempfile.NamedTemporaryFile(suffix=".sql") as script:
            run_postgres(["pg_restore", "--no-owner", "--no-privileges",
                          f"--file={script.name}", str(source_file)], database=False)  # fmt: skip
            # One transaction: the old schema is dropped only if the backup loads whole.
            run_postgres(["psql", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
                          "-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public",
                          "-f", script.name])  # fmt: skip


def run_postgres(command: list[str], *, database: bool = True) -> None:
    options = settings.DATABASES["default"]
    environment = {**os.environ, "PGHOST": str(options.get("HOST") or ""),
                   "PGPORT": str(options.get("PORT") or ""), "PGUSER": options.get("USER") or "",
                   "PGPASSWORD": options.get("PASSWORD") or ""}  # fmt: skip
    if database:
        command = [*command, f"--dbname={options['NAME']}"]
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).")
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()[-2000:]}")


def restore_media(source: Path) -> None:
    """Files of the backup are put back; files added since are left (a post may use them)."""
    if not source.is_dir():
        return
    media = Path(settings.MEDIA_ROOT)
    for source_file in source.rglob("*"):
        if source_file.is_file():
            target = media / source_file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source_file, target)
