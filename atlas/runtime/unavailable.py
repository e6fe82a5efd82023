"""When the database is locked or unreachable: 503 with Retry-After, never the generic 500.

Django calls `server_error` (the project's `handler500`) for any exception a view or a
middleware did not handle, inside the `except` block, so the exception is still at hand. A
database that is busy (SQLite's write lock held past the busy timeout) or unreachable
(PostgreSQL down, restarting or refusing connections) answers 503 with `Retry-After`: a page
that says to try again and shows a form's text back to its writer (with a button that sends it
again), or JSON for the scripts that asked for JSON (the editor's autosave). The page is rendered
without the database (no context processors, no request context). One log line names the
database as the cause; no traceback.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.request import RawPostDataException
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The site is busy for a moment and nothing was saved. Please try again in a few seconds."
# SQLite raises OperationalError for mistakes in SQL too ("no such table"): those stay 500s.
SQLITE_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open", "disk is full")
# Form fields sent back with "Send again" but not shown: the form's own machinery.
NOT_SHOWN = {"csrfmiddlewaretoken", "next", "page", "parent", "sort", "explicit", "resolve",
             "version", "website"}  # fmt: skip


def database_unavailable(error: BaseException | None) -> bool:
    """True for a database that is busy or cannot be reached, as opposed to a bug."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if connections["default"].vendor == "sqlite":
        text = str(error).lower()
        return any(marker in text for marker in SQLITE_TRANSIENT)
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's handler500."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and database_unavailable(error):
        return unavailable(request, error)
    return defaults.server_error(request)


def unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    vendor = connections["default"].vendor
    logger.error(
        "Database unavailable (%s, %s: %s): answered 503 to %s %s",
        vendor, type(error).__name__, str(error).strip().splitlines()[0] if str(error) else "",
        request.method, request.path,
    )  # fmt: skip
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(
            {"ok": False, "error": MESSAGE, "retry_after": RETRY_AFTER_SECONDS}, status=503
        )
    else:
        shown, sent_again = form_fields(request)
        context = {
            "message": MESSAGE,
            "action": request.path,
            "shown": shown,
            "sent_again": sent_again,
        }
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # type: ignore[attr-defined]  # the line above says it all
    return response


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )


def form_fields(request: HttpRequest) -> tuple[list[dict[str, object]], list[tuple[str, str]]]:
    """What a POST carried: the writer's text to show (name, label, value, multi-line) and
    every other field to send again unchanged. Passwords are never shown nor sent again."""
    if request.method != "POST":
        return [], []
    try:
        data = request.POST
    except (RawPostDataException, UnreadablePostError, RequestDataTooBig, TooManyFieldsSent):
        return [], []
    shown: list[dict[str, object]] = []
    sent_again: list[tuple[str, str]] = []
    for name, values in data.lists():
        if "password" in name.lower():
            continue
        for value in values:
            if name in NOT_SHOWN or name.startswith("utm_") or not value.strip() or value.isdigit():
                sent_again.append((name, value))
                continue
            label = "Your text" if name == "body" else name.replace("_", " ").capitalize()
            multiline = "\n" in value or len(value) > 120
            shown.append({"name": name, "label": label, "value": value, "multiline": multiline})
    return shown, sent_again
