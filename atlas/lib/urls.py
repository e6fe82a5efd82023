"""Reversing URLs once per process: `reverse()` costs ~10 µs, and an article page needs a
dozen links to posts, authors, tags and forms (~0.13 ms against ~0.02 ms, bench/fast_paths).

It relies on how Django's `reverse()` quotes an argument (`SAFE` below, from
django.urls.resolvers) and that a pattern's one argument lands in one place:
tests/test_lib_urls.py compares it with reverse() for every kind of slug, so a Django upgrade
that changes either fails there."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

MARKER = "atlas-argument-marker"
# What reverse() leaves unquoted in a path (django.urls.resolvers: RFC 3986 sub-delims, ...).
SAFE = "!$&'()*+,;=/~:@"


@cache
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)


@cache
def _around(name: str, prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[MARKER]).split(MARKER)
    return before, after


def url_for(name: str) -> str:
    """reverse(name) for a URL without arguments."""
    return _reversed(name, get_script_prefix())


def url_with_slug(name: str, slug: str) -> str:
    """reverse(name, args=[slug]), for patterns whose one argument is a slug."""
    before, after = _around(name, get_script_prefix())
    return before + quote(slug, safe=SAFE) + after
