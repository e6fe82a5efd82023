"""The Content-Security-Policy header (django-csp), built once per process for each policy.

`CSPMiddleware` is django-csp's, but for one thing: the header's text is built from the policy's
parts (the settings, what a response updates or replaces) once per distinct set of parts and
kept, instead of on every response. Pages differ only by a few such sets (the accent's style
hash, the email previews' framing), and building one cost as much as a tenth of a signed-in
reader's article. A policy with a nonce is built every time, as before.

Pages we do not write that need inline code get a looser policy, for them only
(`InlineAllowedMiddleware`): third-party staff pages (django-rq's queue dashboard in the admin,
present when tasks go through Redis) carry inline scripts and styles in their own templates,
which we would have to override to give them nonces. Paths listed in
`ATLAS_CSP_INLINE_PREFIXES` get `'unsafe-inline'` for scripts and styles, and nothing else
changes; every other page keeps the strict policy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from csp import middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF, UNSAFE_INLINE
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase


class CSPMiddleware(middleware.CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            parts = self.get_policy_parts(request, response, report_only=report_only)
            policy = _policy(parts, report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(excluded)):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = middleware.CheckableLazyObject(  # type: ignore[attr-defined]
                self._csp_nonce_post_response
            )
        return response


def _policy(parts: middleware.PolicyParts, report_only: bool) -> str:
    if parts.nonce is not None:  # a new one for each response: nothing to keep
        return build_policy(
            parts.config, parts.update, parts.replace, parts.nonce, report_only=report_only
        )
    key = (_frozen(parts.config), _frozen(parts.update), _frozen(parts.replace))
    return _kept_policy(key, report_only)


@lru_cache(maxsize=128)
def _kept_policy(key: tuple[Hashable, ...], report_only: bool) -> str:
    config, update, replace = (_thawed(part) for part in key)
    return build_policy(config, update, replace, None, report_only=report_only)


@receiver(setting_changed)
def _forget_kept_policies(setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):  # the parts' defaults
        _kept_policy.cache_clear()


def _frozen(directives: dict[str, Any] | None) -> Hashable:
    if directives is None:
        return None
    frozen = []
    for name, value in sorted(directives.items()):
        if isinstance(value, set | frozenset):  # django-csp lists a set's sources sorted
            value = sorted(value)
        frozen.append((name, tuple(value) if isinstance(value, list | tuple) else value))
    return tuple(frozen)


def _thawed(frozen: Any) -> dict[str, Any] | None:
    if frozen is None:
        return None
    return {name: list(value) if isinstance(value, tuple) else value for name, value in frozen}


class InlineAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "ATLAS_CSP_INLINE_PREFIXES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.prefixes and request.path.startswith(self.prefixes):
            response._csp_replace = {  # type: ignore[attr-defined]
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
            }
        return response
