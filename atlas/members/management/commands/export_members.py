"""`atlas export_members [FILE|-]`: members as CSV, to a file or standard output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.members.exporting import export_members
from atlas.members.models import Member


class Command(BaseCommand):
    help = (
        "Export members as CSV (email, name, status, tier, newsletters, labels, dates, source). "
        "Cells a spreadsheet could run as formulas start with an apostrophe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", default="-", help="where to write (default -: standard output)"
        )
        parser.add_argument(
            "--status", action="append", choices=Member.Status.values, default=[],
            help="only members with this status (repeatable)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        members = Member.objects.all()
        if options["status"]:
            members = members.filter(status__in=options["status"])
        if options["file"] == "-":
            export_members(members, self.stdout)  # csv ends each line: the wrapper adds none
            return
        path = Path(options["file"])
        try:
            with path.open("w", encoding="utf-8", newline="") as file:
                count = export_members(members, file)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        self.stderr.write(f"Exported {count:,} members to {path}.")
