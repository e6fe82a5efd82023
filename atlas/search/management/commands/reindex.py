"""`atlas reindex`: rebuild the search index (and "did you mean"'s words) from the posts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from atlas.search.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the search index from every post."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not self.stdout.isatty(),
        ) as bar:
            task = bar.add_task("Indexing posts", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            count = reindex(advance)
        self.stdout.write(f"Indexed {count} posts in {time.monotonic() - started:.1f} s.")
