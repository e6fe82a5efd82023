"""Links that carry secrets: their tokens stay out of logs and out of Referer headers.

Links in emails and on pages carry secrets in their paths: sign-in and confirmation links,
address changes, unsubscribe and reply-email opt-outs, previews, sponsor clicks and reports,
email clicks and opens, the inbound-mail address, the billing portal. Django logs paths
("Not Found: /signin/<token>/", "Forbidden (CSRF cookie not set.): ...") and so does the
web server's access log. The rule: **a URL parameter named `token` or `recipient` is a secret**
(name new ones so); every path of the URL configuration with one is redacted from the first
such parameter on (`/signin/[redacted]`). Also redacted: any path segment that looks like a
token (long, with a signature's colon or mixed case and digits) whether or not it resolves,
the query values of `SECRET_QUERY_PARAMETERS`, and Stripe Checkout session ids.

`RedactSecrets` is installed on the root handler (settings.LOGGING) and on the web server's
handlers (`atlas serve`), so it covers every logger, including those that do not propagate.
`SecretLinkReferrerMiddleware` sends `Referrer-Policy: same-origin` from every page reached
through such a link (unless the view chose a policy itself), so that its address never leaves
in a Referer header for another site (a sponsor, an image host). Not `no-referrer`: under it a
browser sends `Origin: null` with the page's own form (the sign-in button), which Django's CSRF
check refuses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

REDACTED = "[redacted]"
SECRET_URL_PARAMETERS = frozenset({"token", "recipient"})
SECRET_QUERY_PARAMETERS = ("session_id", "token", "key", "signature")
_PATH_CHARACTERS = r"[^\s\"'<>?#]"
_SEGMENT = re.compile(r"(?<=/)[\w:.=-]{24,}(?=[/\s\"'<>?#]|$)")
_QUERY = re.compile(
    r"([?&](?:" + "|".join(SECRET_QUERY_PARAMETERS) + r")=)[^&\s\"'<>#]+", re.IGNORECASE
)
_STRIPE_SESSION = re.compile(r"\bcs_(?:test|live)_[A-Za-z0-9]+")


def _static_prefix(pattern: URLPattern | URLResolver) -> str:
    """The part of a pattern before its first parameter."""
    text = str(pattern.pattern).lstrip("^")
    cut = min((index for index in (text.find("<"), text.find("(")) if index >= 0), default=-1)
    return text if cut < 0 else text[:cut]


def _secret_prefixes(patterns: list[URLPattern | URLResolver], above: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _secret_prefixes(pattern.url_patterns, above + _static_prefix(pattern))
        elif SECRET_URL_PARAMETERS & set(pattern.pattern.regex.groupindex):
            found.append("/" + above + _static_prefix(pattern))
    return found


@cache
def _secret_paths() -> re.Pattern[str]:
    prefixes = sorted(set(_secret_prefixes(get_resolver().url_patterns)), key=len, reverse=True)
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes if prefix != "/")
    return re.compile(f"({alternatives}){_PATH_CHARACTERS}+")


def _opaque_segment(match: re.Match[str]) -> str:
    """A signature's colon, or capitals and digits mixed (slugs are lowercase): a token."""
    segment = match.group(0)
    looks_signed = ":" in segment
    looks_random = any(c.isupper() for c in segment) and any(c.isdigit() for c in segment)
    return REDACTED if looks_signed or looks_random else segment


def redact(text: str) -> str:
    if apps.ready:  # the URL configuration can be read once the apps are loaded
        text = _secret_paths().sub(lambda match: match.group(1) + REDACTED, text)
    text = _SEGMENT.sub(_opaque_segment, text)
    text = _QUERY.sub(lambda match: match.group(1) + REDACTED, text)
    return _STRIPE_SESSION.sub("cs_" + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and its traceback) with the secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class SecretLinkReferrerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and SECRET_URL_PARAMETERS & set(match.kwargs):
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
