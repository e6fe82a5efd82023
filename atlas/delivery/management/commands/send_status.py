"""`atlas send_status [SEND]`: a send's progress, live, with the figures staff see."""

from __future__ import annotations

import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from atlas.delivery import services
from atlas.delivery.models import Send


class Command(BaseCommand):
    help = "Show a send's progress (the latest send when none is given)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("send", nargs="?", type=int)
        parser.add_argument("--once", action="store_true", help="Print once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        send = (
            Send.objects.filter(pk=options["send"]).first()
            if options["send"]
            else Send.objects.filter(is_test=False).first()
        )
        if send is None:
            raise CommandError("No such send." if options["send"] else "Nothing has been sent yet.")
        console = Console(file=cast(IO[str], self.stdout))  # it writes like a text file
        if options["once"] or not send.is_active:
            console.print(self.summary(send))
            return
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}/min"), TimeElapsedColumn()]  # fmt: skip
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(send.subject[:40], total=None, rate=0)
            while True:
                send.refresh_from_db()
                figures = services.figures(send)
                progress.update(task, total=figures.total or None, completed=figures.done,
                                rate=figures.per_minute)  # fmt: skip
                if not send.is_active:
                    break
                time.sleep(1)
        console.print(self.summary(send))

    @staticmethod
    def summary(send: Send) -> str:
        figures = services.figures(send)
        lines = [
            f"Send {send.pk}: {send.subject} — {send.get_status_display()}"
            + (f" ({send.status_reason})" if send.status_reason else ""),
            f"  total {figures.total}  sent {figures.sent}  pending {figures.pending}  "
            f"deferred {figures.deferred}  failed {figures.failed}  "
            f"suppressed {figures.suppressed}  bounced later {figures.bounced}  "
            f"complaints {figures.complained}",
            f"  rate {figures.per_minute}/min"
            + (f", about {figures.eta_minutes} min to go" if figures.eta_minutes else ""),
        ]
        lines += [f"  last error: {email}: {detail}" for email, detail in figures.last_errors]
        return "\n".join(lines)
