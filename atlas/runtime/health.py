"""`/healthz` and `/readyz` for load balancers and orchestrators, answered in front of Django.

- `/healthz`: the process answers (liveness); touches no database, no cache, no Django.
- `/readyz`: the process can serve (readiness): the database answers a query and the task
  queue is reachable (Redis when tasks go through RQ; the database otherwise). 200 with
  "ready", or 503 with `Retry-After` and which part failed.

In front of Django's middleware (which reads the publication from the database), so that
`/healthz` answers while the database is down and neither is ever cached or counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import redis
from django.conf import settings
from django.db import DatabaseError, connections

from atlas.lib.http import Environ, StartResponse, WSGIApp

logger = logging.getLogger(__name__)

QUEUE_TIMEOUT_SECONDS = 2.0


def database_problem() -> str:
    """This thread's connection answers a query; a broken one is closed for the next check."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connections["default"].close()
        return f"database: {type(error).__name__}"
    return ""


def queue_problem() -> str:
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_rq.RQBackend":
        return ""  # the database is the queue: checked above
    url = settings.RQ_QUEUES["default"]["URL"]
    client = redis.Redis.from_url(
        url, socket_connect_timeout=QUEUE_TIMEOUT_SECONDS, socket_timeout=QUEUE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return f"queue: {type(error).__name__}"
    finally:
        client.close()
    return ""


def readiness_problems() -> list[str]:
    return [problem for problem in (database_problem(), queue_problem()) if problem]


class HealthChecks:
    """WSGI middleware: answers the two paths itself, passes everything else on."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return self._answer(start_response, "200 OK", "ok\n")
        if path == "/readyz":
            problems = readiness_problems()
            if problems:
                logger.warning("Not ready: %s", ", ".join(problems))
                body = "not ready: " + ", ".join(problems) + "\n"
                return self._answer(start_response, "503 Service Unavailable", body)
            return self._answer(start_response, "200 OK", "ready\n")
        return self.app(environ, start_response)

    @staticmethod
    def _answer(start_response: StartResponse, status: str, text: str) -> list[bytes]:
        body = text.encode()
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ]
        if status.startswith("503"):
            headers.append(("Retry-After", "5"))
        start_response(status, headers)
        return [body]
