"""`atlas run`: everything a newsroom needs on one machine, in one command, until Ctrl-C: the
web server and a worker, supervised (atlas/runtime/supervisor.py: a worker that exits is started
again; when the web server exits, everything stops)."""

from __future__ import annotations

import os
import socket
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
from atlas.runtime.management.commands.serve import port_taken
from atlas.runtime.supervisor import Child, Supervisor

SERVER_START_SECONDS = 30
ATLAS = [sys.executable, "-m", "atlas"]


class Command(BaseCommand):
    help = "Migrate, load the demo on an empty database, then run the web server and a worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-demo", action="store_true", help="Start with an empty publication."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = os.environ.get("ATLAS_HOST", "127.0.0.1")
        if port_taken(host, options["port"]):  # before anything starts, a worker included
            self.stderr.write(
                f"Port {options['port']} on {host} is already in use by another server: stop "
                "it, or choose another port (PORT=8080 make run)."
            )
            raise SystemExit(1)
        self.link_to_port(options["port"])
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        password = self.load_demo_when_empty(options["no_demo"])
        port = options["port"]
        supervisor = Supervisor(
            [
                Child("web server", [*ATLAS, "serve", "--port", str(port)], essential=True),
                Child("worker", [*ATLAS, "worker"]),
            ]
        )
        supervisor.handle_signals()  # Ctrl-C stops the children in order (they have sessions)
        supervisor.start()
        self.wait_for_server(port, supervisor)
        if not supervisor.stopping.is_set():
            self.stdout.write("\n" + self.style.SUCCESS(box(self.welcome(port, password))) + "\n")
        status = supervisor.run()
        if status:
            raise SystemExit(status)

    @staticmethod
    def link_to_port(port: int) -> None:
        """Links in mail and feeds name the port this run serves on (the web server and worker
        inherit it), unless ATLAS_PUBLIC_URL names the site's address."""
        if "ATLAS_PUBLIC_URL" not in os.environ:
            os.environ["PORT"] = str(port)
            settings.ATLAS_PUBLIC_URL = f"http://127.0.0.1:{port}"

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
    def wait_for_server(port: int, supervisor: Supervisor) -> None:
        """Until the web server accepts connections, so the box comes after its start-up lines."""
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline and not supervisor.stopping.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    time.sleep(0.5)  # let the workers' own start-up lines pass too
                    return
            except OSError:
                time.sleep(0.2)

    @staticmethod
    def mail_destination() -> str:
        if settings.EMAIL_BACKEND == "atlas.lib.smtp.CapturedEmailBackend":
            return f"written to {settings.EMAIL_FILE_PATH}"
        return f"sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
