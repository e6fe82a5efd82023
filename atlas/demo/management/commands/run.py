"""`atlas run`: everything a newsroom needs on one machine, in one command, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from atlas.demo.services import load_demo
from atlas.publishing.models import Post


class Command(BaseCommand):
    help = "Migrate, load the demo on an empty database, then run the web server and a worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-demo", action="store_true", help="Start with an empty publication."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.load_demo_when_empty(options["no_demo"], options["port"])
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "atlas", "serve", "--port", str(options["port"])]
            ),
            subprocess.Popen([sys.executable, "-m", "atlas", "worker"]),
        ]
        self.stdout.write(
            self.style.SUCCESS(f"Atlas is running at http://127.0.0.1:{options['port']}/")
            + f"  (data in {settings.VAR_DIR}; mail is written to {self.mail_destination()})"
            + "\nPress Ctrl-C to stop."
        )
        self.wait(processes)

    def load_demo_when_empty(self, skip: bool, port: int) -> None:
        admin_url = f"http://127.0.0.1:{port}/admin/"
        if Post.objects.exists() or skip:
            self.stdout.write(
                f"Staff sign-in: {admin_url} (the demo editor's password was printed at the first "
                "start; `atlas changepassword editor` or `atlas createsuperuser` make a new one)."
            )
            return
        self.stdout.write("Empty database: loading the demo publication...")
        result = load_demo()
        self.stdout.write(
            self.style.WARNING(
                f"Staff sign-in: {admin_url}  user: {result.editor_username}  "
                f"password: {result.editor_password}  (shown once)"
            )
        )

    @staticmethod
    def mail_destination() -> str:
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            return settings.EMAIL_FILE_PATH
        return f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"

    def wait(self, processes: list[subprocess.Popen]) -> None:
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            self.stderr.write("A process stopped; shutting down the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping...")
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
