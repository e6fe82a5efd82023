"""Parts of pages that are the same for every reader, rendered once per process per content version.

A page rendered for each reader (a signed-in member's article; any page when the page cache is
off) is mostly the same for all of them: the article's head, header, corrections, related
stories, the site's footer. `fragment(key, render)` keeps such a part in this process's memory,
keyed by the content version (`atlas.lib.pagecache`): any change readers can see retires every
fragment, as it retires every cached page. Only what never depends on the reader may be kept
here: who they are, what they may read (a gated post is a different key), their session and its
CSRF token stay outside, rendered for each request.

Within a process, a change retires the fragments as soon as it is made (`pagecache.changed()`),
before it commits: a test that changes a post without committing sees it on the next page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from atlas.lib import pagecache

MAX_BYTES = 16 * 1024 * 1024  # per process; the oldest half goes when it is full

_lock = threading.Lock()
# (version, fragments): replaced whole when the version moves, so a reader never pairs one
# version with another's fragments.
_state: tuple[tuple[str, int] | None, dict[Hashable, Any]] = (None, {})
_size = 0


def fragment(key: tuple[Hashable, ...], render: Callable[[], str]) -> SafeString:
    """The HTML `render()` gives for `key`, rendered once per content version in this process."""
    return mark_safe(value(key, render, size=len))


def value(
    key: tuple[Hashable, ...],
    make: Callable[[], Any],
    size: Callable[[Any], int] = lambda _: 256,
    *,
    keep_none: bool = True,
) -> Any:
    """What `make()` gives for `key`, made once per content version in this process. The value is
    shared by every thread: whoever reads it must never change it. With `keep_none=False`, a
    None is made again each time (what is missing now may appear without a change of version)."""
    global _state, _size
    version = (pagecache.content_version(), pagecache.local_changes())
    held_version, kept = _state
    if held_version == version:
        found = kept.get(key, _MISSING)
        if found is not _MISSING:
            return found
    made = make()
    if made is None and not keep_none:
        return None
    with _lock:
        if _state[0] != version:
            _state, _size = (version, {}), 0
        _size += size(made)
        if _size > MAX_BYTES:  # more than memory allows: start afresh
            _state, _size = (version, {}), size(made)
        _state[1][key] = made
    return made


def forget() -> None:
    """Drop every fragment of this process (tests start each with none)."""
    global _state, _size
    with _lock:
        _state, _size = (None, {}), 0


_MISSING = object()
