"""`atlas demo`: fill an empty database with the demo publication, and say how to sign in."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from atlas.demo.services import DemoResult, load_demo

NEWSROOM_URL = "http://127.0.0.1:8000/newsroom/"


class Command(BaseCommand):
    help = "Load the demo publication (staff, authors, tags, stories) into an empty database."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = load_demo(stdout=self.stdout)
        if not result.created:
            self.stdout.write(
                f"The database already has {result.existing_post_count} post(s); "
                "the demo was not loaded."
            )
            return
        self.stdout.write(self.style.SUCCESS(summary(result, time.monotonic() - started)))
        self.stdout.write(
            self.style.WARNING(
                f"Newsroom: {NEWSROOM_URL}  user: {result.owner_username}  "
                f"password: {result.owner_password} (shown once)"
            )
        )


def summary(result: DemoResult, seconds: float) -> str:
    return (
        f"Loaded the demo publication in {seconds:.1f} s: "
        f"{result.published_count} published stories ({result.correction_count} with a "
        f"correction or update), {result.draft_count} draft, {result.scheduled_count} scheduled; "
        f"{result.author_count} authors, {result.tag_count} tags; "
        f"{result.reader_count} members in 2 newsletters; {result.comment_count} comments."
    )
