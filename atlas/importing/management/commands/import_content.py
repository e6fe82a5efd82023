"""`atlas import_content FILE`: import a publication's posts, pages, tags, authors, images,
comments and old addresses from Ghost, WordPress, Substack or beehiiv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from atlas.importing.services import READERS, ExportError, import_content


class Command(BaseCommand):
    help = (
        "Import posts and pages with their authors, tags, images, comments and old addresses "
        "(301 redirects) from a Ghost JSON export, a WordPress WXR file, a Substack export zip "
        "or a beehiiv posts CSV. Importing the same file again creates no duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the export file")
        parser.add_argument(
            "--from",
            dest="platform",
            choices=sorted(READERS),
            help="the platform (detected from the file when not given)",
        )
        parser.add_argument(
            "--images",
            type=Path,
            metavar="DIR|ZIP",
            help="a folder or zip with the old site's images (Ghost's content folder, "
            "WordPress's uploads); images not in it are downloaded",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and check everything, print what would happen, write nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Cannot read {path}: no such file.")
        progress = Progress(
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("posts"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        task_id = progress.add_task("import", total=None)
        try:
            with progress:
                report = import_content(
                    path,
                    platform=options["platform"],
                    images=options["images"],
                    dry_run=options["dry_run"],
                    progress=lambda done, total: progress.update(
                        task_id, completed=done, total=total
                    ),
                )
        except ExportError as error:
            raise CommandError(f"Cannot import {path}: {error}") from error
        self.stdout.write(report.as_text())
