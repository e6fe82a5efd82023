from functools import cache

from django.http import HttpRequest
from django.urls import reverse

from atlas.publishing.models import Publication


@cache
def site_urls() -> dict[str, str]:
    """The addresses every page links to, reversed once per process."""
    names = ["home", "archive", "corrections", "feed_rss", "feed_atom", "feed_json"]
    return {name: reverse(f"publishing:{name}") for name in names}


def publication(request: HttpRequest) -> dict[str, object]:
    return {"publication": current_publication(request), "site_urls": site_urls()}


def current_publication(request: HttpRequest) -> Publication:
    """The publication, read once per request."""
    if not hasattr(request, "_publication"):
        request._publication = Publication.current()  # type: ignore[attr-defined]
    return request._publication  # type: ignore[attr-defined]
