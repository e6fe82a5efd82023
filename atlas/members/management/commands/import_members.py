"""`atlas import_members FILE`: import readers from a CSV export, with a progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from atlas.members.importing import (
    DEFAULT_BATCH_SIZE,
    MAX_BATCH_SIZE,
    ImportFileError,
    import_members,
    scan_file,
)
from atlas.members.models import Newsletter
from atlas.members.services import default_newsletters


class Command(BaseCommand):
    help = (
        "Import members from a CSV file: a Substack, beehiiv, Ghost, Mailchimp, Kit, Buttondown "
        "or Atlas export, or a plain list of addresses (email,name). Existing members are "
        "updated, never duplicated; suppressed addresses are skipped. No email is sent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
        parser.add_argument(
            "--newsletter", action="append", default=[], metavar="SLUG",
            help="subscribe to this newsletter (repeatable; default: the default newsletters)",
        )  # fmt: skip
        parser.add_argument(
            "--label", action="append", default=[], metavar="NAME",
            help="add this label to every imported member (repeatable)",
        )  # fmt: skip
        parser.add_argument(
            "--confirmed", action="store_true",
            help="the previous platform confirmed its active readers: import those as active "
            "(a row's own state wins: pending, unsubscribed and bounced rows stay so)",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true",
            help="read and check every row, print what would happen, write nothing",
        )  # fmt: skip
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
            help="rows per transaction",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not 1 <= options["batch_size"] <= MAX_BATCH_SIZE:
            raise CommandError(f"--batch-size must be between 1 and {MAX_BATCH_SIZE}.")
        newsletters = chosen_newsletters(options["newsletter"])
        try:
            with path.open("rb") as binary_file:
                lines = scan_file(binary_file)
            with row_progress(lines) as bar:
                report = import_members(
                    path,
                    newsletters=newsletters,
                    labels=options["label"],
                    confirmed=options["confirmed"],
                    dry_run=options["dry_run"],
                    progress=bar,
                    batch_size=options["batch_size"],
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        except ImportFileError as error:
            raise CommandError(f"Cannot import {path}: {error}") from error
        self.stdout.write(report.as_text())


def chosen_newsletters(slugs: list[str]) -> list[Newsletter]:
    if not slugs:
        return default_newsletters()
    found = {
        newsletter.slug: newsletter for newsletter in Newsletter.objects.filter(slug__in=slugs)
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        known = ", ".join(Newsletter.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"No newsletter {', '.join(missing)} (known: {known}).")
    return [found[slug] for slug in dict.fromkeys(slugs)]


@contextmanager
def row_progress(lines: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr counting rows; yields the callback that moves it."""
    progress = Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    task_id = progress.add_task("import", total=max(lines - 1, 1))  # less the header row
    with progress:
        yield lambda rows: progress.update(task_id, completed=rows)
