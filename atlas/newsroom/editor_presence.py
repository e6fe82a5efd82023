"""Who has a post open in the editor: each open editor says so every few seconds (with its
autosave or a heartbeat); an entry older than PRESENCE_SECONDS has left.

Kept in the shared cache (Redis, or the file cache on one machine): a heartbeat that loses a
race with another is written again at the next beat, so the picture converges within seconds.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

PRESENCE_SECONDS = 45


def _key(post_id: int) -> str:
    return f"atlas:editor-presence:{post_id}"


def here(post_id: int, user: Any) -> list[str]:
    """Record that `user` has the post open; return the names of the others who have it open."""
    now = time.time()
    present: dict[str, tuple[str, float]] = {
        user_id: (name, seen)
        for user_id, (name, seen) in (cache.get(_key(post_id)) or {}).items()
        if now - seen < PRESENCE_SECONDS
    }
    present[str(user.pk)] = (user.get_full_name() or user.get_username(), now)
    cache.set(_key(post_id), present, timeout=PRESENCE_SECONDS * 2)
    return sorted(name for user_id, (name, _) in present.items() if user_id != str(user.pk))


def gone(post_id: int, user: Any) -> None:
    """The editor closed the post."""
    present = cache.get(_key(post_id)) or {}
    if present.pop(str(user.pk), None) is not None:
        cache.set(_key(post_id), present, timeout=PRESENCE_SECONDS * 2)
