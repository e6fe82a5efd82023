"""`atlas backup FILE`: the database and the media in one tar file, while the site runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from atlas.runtime.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write the database (SQLite online backup, or pg_dump) and the media to one tar file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="Where to write it, e.g. atlas-2026-12-04.tar")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            manifest = write_backup(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {manifest.engine} database and {manifest.media_files} media files "
            f"as of {manifest.created_at} to {file}."
        )
