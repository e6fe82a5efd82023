"""Pages we do not write that need inline code: a looser Content-Security-Policy for them only.

Third-party staff pages (django-rq's queue dashboard in the admin, present when tasks go through
Redis) carry inline scripts and styles in their own templates, which we would have to override
to give them nonces. Paths listed in `ATLAS_CSP_INLINE_PREFIXES` get `'unsafe-inline'` for
scripts and styles, and nothing else changes; every other page keeps the strict policy.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
