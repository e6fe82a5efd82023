"""`atlas run`: everything a newsroom needs on one machine, in one command, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from atlas.demo.services import load_demo
from atlas.lib.console import box
from atlas.publishing.models import Post
from atlas.publishing.roles import OWNER

SERVER_START_SECONDS = 30


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
        password = self.load_demo_when_empty(options["no_demo"])
        port = options["port"]
        processes = [
            subprocess.Popen([sys.executable, "-m", "atlas", "serve", "--port", str(port)]),
            subprocess.Popen([sys.executable, "-m", "atlas", "worker"]),
        ]
        self.wait_for_server(port)
        self.stdout.write("\n" + self.style.SUCCESS(box(self.welcome(port, password))) + "\n")
        self.wait(processes)

    def load_demo_when_empty(self, skip: bool) -> str:
        """Load the demo into an empty database; the Owner's password when it was just made."""
        if Post.objects.exists() or skip:
            return ""
        self.stdout.write("Empty database: loading the demo publication...")
        return load_demo().owner_password

    def welcome(self, port: int, password: str) -> list[str]:
        """What to open and how to sign in: printed in a box once the server answers."""
        site = f"http://127.0.0.1:{port}/"
        owner = get_user_model().objects.filter(groups__name=OWNER, is_active=True).first()
        lines = ["Atlas is running.", "", f"Newsroom:  {site}newsroom/"]
        if owner is None:
            lines.append("Account:   none yet: `.venv/bin/atlas setup` makes the Owner's")
        else:
            lines.append(f"User:      {owner.get_username()}")
            if password:
                lines.append(f"Password:  {password}   (shown once: keep it)")
            else:
                lines.append("Password:  as printed at the first start; a new one with")
                lines.append(f"           .venv/bin/atlas changepassword {owner.get_username()}")
        lines += [
            f"Site:      {site}",
            f"Mail:      {self.mail_destination()}",
            f"Data:      {settings.VAR_DIR}",
            "",
            "Ctrl-C stops Atlas.",
        ]
        return lines

    @staticmethod
    def wait_for_server(port: int) -> None:
        """Until the web server accepts connections, so the box comes after its start-up lines."""
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    time.sleep(0.5)  # let the workers' own start-up lines pass too
                    return
            except OSError:
                time.sleep(0.2)

    @staticmethod
    def mail_destination() -> str:
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            return f"written to {settings.EMAIL_FILE_PATH}"
        return f"sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"

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
