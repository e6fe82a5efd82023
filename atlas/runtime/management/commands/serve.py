"""`atlas serve`: the production web server (granian, WSGI), workers sized to the cores."""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# Threads per worker: enough that requests waiting (on SQLite's write lock, a database or a
# service across the network) never hold up the cached pages behind them. With one, a write
# waiting on a locked SQLite stalled every cached page of its worker for seconds
# (bench/lock_reads). Granian starts threads as requests need them; in interleaved runs, eight
# served cached pages as fast as one (bench/README.md). Two per core and one more is as many as
# granian takes without warning of contention (5 on 2 cores, 9 on 4).
DEFAULT_THREADS = 2 * (os.cpu_count() or 1) + 1


def port_taken(host: str, port: int) -> bool:
    """Whether another server already listens on host:port. Granian binds with SO_REUSEPORT,
    which would quietly share the port with another server that did too: ask first."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def granian_log_config() -> str:
    """Granian's own logging (its access log names every path) through the filter that keeps
    tokens out of logs (atlas.lib.secret_links.py), as a file for `--log-config`."""
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_secrets": {"()": "atlas.lib.secret_links.RedactSecrets"}},
        "formatters": {
            "generic": {"format": "[%(levelname)s] %(message)s"},
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "console": {**handler, "formatter": "generic", "filters": ["redact_secrets"]},
            "access": {**handler, "formatter": "access", "filters": ["redact_secrets"]},
        },
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
    path = Path(settings.VAR_DIR) / "granian-logging.json"
    path.write_text(json.dumps(config, indent=1))
    return str(path)


class Command(BaseCommand):
    help = "Serve Atlas over HTTP with granian (WSGI): static files, page cache and Django."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("ATLAS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ATLAS_WEB_WORKERS", "0")) or os.cpu_count() or 1,
            help="Worker processes (default: ATLAS_WEB_WORKERS, else one per core).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ATLAS_WEB_THREADS", "0")) or DEFAULT_THREADS,
            help="Threads per worker (default: ATLAS_WEB_THREADS, else 2 per core + 1), so "
            "that a request "
            "waiting on the database never holds up the cached pages.",
        )
        parser.add_argument("--access-log", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if port_taken(options["host"], options["port"]):
            self.stderr.write(
                f"Port {options['port']} on {options['host']} is already in use by another "
                "server: stop it, or choose another with --port (or PORT)."
            )
            raise SystemExit(1)
        arguments = [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", options["host"],
            "--port", str(options["port"]),
            "--workers", str(options["workers"]),
            "--blocking-threads", str(options["threads"]),
            "--backlog", "2048",
            "--respawn-failed-workers",
            "--workers-kill-timeout", "30",
            "--log-level", "warning",
        ]  # fmt: skip
        if options["access_log"]:
            arguments.append("--access-log")
        arguments += ["--log-config", granian_log_config()]
        arguments.append("atlas.wsgi:application")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"Atlas at http://{options['host']}:{options['port']}/ "
            f"({options['workers']} workers, {database})"
        )
        sys.stdout.flush()
        os.execv(sys.executable, arguments)
