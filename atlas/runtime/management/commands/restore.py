"""`atlas restore FILE`: put back a backup made by `atlas backup`, with nothing sent twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from atlas.runtime.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the database with a backup and put back its media. Stop the site first. Sends "
        "and queued emails from before the backup are held for a decision, never sent again by "
        "themselves; unsubscribes recorded since the backup are kept when the current database "
        "can still be read."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="A file written by `atlas backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, file: Path, yes: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if not yes and input("This replaces the whole database. Type 'restore' to go on: ") != (
            "restore"
        ):
            raise CommandError("Nothing was changed.")
        try:
            manifest = restore_backup(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest.created_at}.")
        for line in manifest.steps:
            self.stdout.write(f"  {line}")
