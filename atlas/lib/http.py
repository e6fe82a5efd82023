"""Request helpers for reader forms: client address, safe redirects, same-origin posts, CSRF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    return address_of(request.META)


def address_of(environ: Mapping[str, Any]) -> str:
    """The reader's address in a WSGI environ; behind N trusted proxies, the Nth address from
    the right of X-Forwarded-For."""
    proxies = settings.ATLAS_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return environ.get("REMOTE_ADDR", "")


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """Only a path on this site: no other host, no scheme, no `//` or backslash tricks."""
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if any(character in candidate for character in "\r\n\t\\"):
        return default
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return default
    return candidate


def same_origin(request: HttpRequest) -> bool:
    """True when the browser says the form was posted from one of our own pages.

    Forms embedded in cached public pages carry no CSRF token (a token would need a cookie);
    for them the Origin header (or, failing that, the Referer) is the CSRF check.
    """
    own = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin == own
    referer = request.META.get("HTTP_REFERER", "")
    return referer == own or referer.startswith(own + "/")


def csrf_ok(request: HttpRequest) -> bool:
    """A valid CSRF token, or (forms on cached pages carry none) a same-origin browser post."""
    check = CsrfViewMiddleware(lambda request: HttpResponse())
    rejected = check.process_view(request, lambda request: HttpResponse(), (), {})
    return rejected is None or same_origin(request)
