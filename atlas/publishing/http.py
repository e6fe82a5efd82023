"""Response headers for public pages: shareable by caches, revalidated by ETag."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view's successful responses as the same for every anonymous reader.

    Signed-in visitors get `private` responses: whatever is personal never enters a shared
    cache, and the page cache only stores responses marked `public`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            patch_cache_control(response, private=True, no_cache=True)
            # A signed-in reader's page changes with them (access, comments, their name), not
            # only with the post: nothing to revalidate against, never a 304 from the post's date.
            response.headers.pop("Last-Modified", None)
        else:
            patch_cache_control(
                response, public=True, max_age=settings.ATLAS_CACHE_MAX_AGE, must_revalidate=True
            )
        return response

    return wrapper


def private_page(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
