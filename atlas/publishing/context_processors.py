from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from atlas.lib import pagecache
from atlas.publishing.models import Publication


@cache
def site_urls() -> dict[str, str]:
    """The addresses every page links to, reversed once per process."""
    names = ["home", "archive", "corrections", "feed_rss", "feed_atom", "feed_json"]
    urls = {name: reverse(f"publishing:{name}") for name in names}
    # The reader's links in the site's header (base.html).
    urls.update({name: reverse(f"members:{name}") for name in ["account", "sign_in", "subscribe"]})
    return urls


def publication(request: HttpRequest) -> dict[str, object]:
    return {"publication": current_publication(request), "site_urls": site_urls()}


def current_publication(request: HttpRequest) -> Publication:
    """The publication, read once per request."""
    if not hasattr(request, "_publication"):
        request._publication = held_publication()  # type: ignore[attr-defined]
    return request._publication  # type: ignore[attr-defined]


# Every page needs the publication: each process holds it until the site's content version
# moves (a saved change, in any process: see signals.py), or this process saves one itself.
_held: tuple[str, Publication] | None = None


def held_publication() -> Publication:
    global _held
    version = pagecache.content_version()
    held = _held
    if held is None or held[0] != version:
        held = _held = (version, Publication.current())
    return held[1]


def forget_publication(**kwargs: Any) -> None:
    global _held
    _held = None
