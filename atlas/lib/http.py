"""Request helpers: the client's address, bots and prefetches, safe redirects, same-origin posts,
CSRF checks for forms on cached pages, the endpoint behind an email's unsubscribe link,
conditional GETs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.http import ConditionalGetMiddleware
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

# The shapes of a WSGI application, for the layers in front of Django (wsgi.py).
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


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


# Not a person: crawlers, link previewers, monitors, the link scanners of mail systems.
BOT_MARKERS = (
    "bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "embedly", "whatsapp",
    "telegram", "discord", "skype", "bitly", "headless", "lighthouse", "pingdom", "uptime",
    "monitor", "curl", "wget", "python-", "python/", "go-http", "java/", "okhttp", "axios",
    "node-fetch", "libwww", "httpclient", "scrapy", "feed", "rss", "mastodon", "bluesky",
    "vercel", "validator", "wrk", "apachebench", "k6/", "scanner", "phantomjs", "outbrain",
    # the link scanners mail systems run on every link of a message
    "barracuda", "proofpoint", "mimecast", "safelinks", "urldefense", "trendmicro", "forcepoint",
    "symantec", "sophos", "fortiguard",
)  # fmt: skip


def is_bot(user_agent: str) -> bool:
    lowered = user_agent.lower()
    return not lowered or any(marker in lowered for marker in BOT_MARKERS)


def is_prefetch(environ: Mapping[str, Any]) -> bool:
    purposes = (environ.get("HTTP_PURPOSE", ""), environ.get("HTTP_SEC_PURPOSE", ""),
                environ.get("HTTP_X_MOZ", ""), environ.get("HTTP_X_PURPOSE", ""))  # fmt: skip
    return any("prefetch" in value.lower() or "preview" in value.lower() for value in purposes)


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


UnsubscribeView = Callable[..., HttpResponse]


def unsubscribe_link(view: UnsubscribeView) -> Callable[[HttpRequest, str], HttpResponse]:
    """The view behind an email's unsubscribe link, which its List-Unsubscribe header names.

    RFC 8058: a mail provider unsubscribes a reader with one POST of `List-Unsubscribe=One-Click`
    to the link, with no session and no CSRF token, and reads only the status. The view is then
    called with `one_click=True`: it must unsubscribe at once, and any answer below 400 becomes
    a short text. Readers who open the link get the view's own page (and its form, which the
    view checks with `csrf_ok`)."""

    @never_cache
    @csrf_exempt  # mail providers post here without a session or a token
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def endpoint(request: HttpRequest, token: str) -> HttpResponse:
        one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
        response = view(request, token, one_click=one_click)
        if one_click and response.status_code < 400:
            return HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8")
        return response

    return endpoint


def framed_by_own_pages(response: HttpResponse) -> HttpResponse:
    """A page our own pages show in a frame (previews): framing from this site only."""
    response["X-Frame-Options"] = "SAMEORIGIN"
    replace = getattr(response, "_csp_replace", None) or {}
    response._csp_replace = {**replace, "frame-ancestors": [SELF]}  # type: ignore[attr-defined]
    return response


def email_as_page(response: HttpResponse, image_origin: str) -> HttpResponse:
    """An email shown as a web page in a frame (a preview): its inline styles are the email's
    own; its images come from the site's public address (or the media's); it runs nothing."""
    framed_by_own_pages(response)
    response._csp_replace = {  # type: ignore[attr-defined]
        **response._csp_replace,  # type: ignore[attr-defined]
        "style-src": [UNSAFE_INLINE],
        "img-src": [SELF, image_origin, *settings.MEDIA_ORIGINS],
        "script-src": [NONE],
    }
    return response


class ConditionalGetWithoutTokenETags(ConditionalGetMiddleware):
    """Django's conditional GETs, except that a page which hands out a CSRF token gets no ETag.

    Django masks the token afresh in every response (against BREACH), so such a page (a signed-in
    member's article, with its discussion's forms) never has the same bytes twice: its ETag, the
    MD5 of the whole page, could never match, and cost ~50 µs on every request. (A signed-in
    reader's page carries no Last-Modified either: `publishing.http.public_page`.)"""

    def needs_etag(self, response: HttpResponseBase) -> bool:
        # get_token() makes CsrfViewMiddleware (inside this one) send the CSRF cookie.
        if settings.CSRF_COOKIE_NAME in response.cookies:
            return False
        return super().needs_etag(response)
