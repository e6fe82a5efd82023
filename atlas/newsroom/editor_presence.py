"""Who has a post open in the editor: each open editor says so every few seconds (with its
autosave or a heartbeat); an entry older than PRESENCE_SECONDS has left.

Each open editor is a tab: the page names one when it is drawn (`new_tab`), and its scripts
send it back with every heartbeat. The same person's other tabs are shown too ("you, in another
tab"): a second tab of one writer can overwrite the first as surely as a colleague can.

Kept in the shared cache (Redis, or the file cache on one machine): a heartbeat that loses a
race with another is written again at the next beat, so the picture converges within seconds.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django.core.cache import cache

PRESENCE_SECONDS = 45
_TAB = re.compile(r"[0-9a-f]{16}")


def _key(post_id: int) -> str:
    return f"atlas:editor-presence:{post_id}"


def new_tab() -> str:
    """A name for the editor tab about to be drawn."""
    return secrets.token_hex(8)


def valid_tab(tab: str) -> str:
    """`tab` as a page sent it, or "" when it is not one `new_tab` could have made."""
    return tab if _TAB.fullmatch(tab) else ""


def here(post_id: int, user: Any, tab: str = "") -> list[str]:
    """Record that `user` has the post open in `tab`; return who else has it open: the others'
    names, then "you, in another tab" (or "in N other tabs") for the user's other tabs."""
    now = time.time()
    present: dict[str, tuple[str, float]] = {
        entry: (name, seen)
        for entry, (name, seen) in (cache.get(_key(post_id)) or {}).items()
        if now - seen < PRESENCE_SECONDS
    }
    mine = f"{user.pk}:{tab}"
    present[mine] = (user.get_full_name() or user.get_username(), now)
    cache.set(_key(post_id), present, timeout=PRESENCE_SECONDS * 2)
    own = f"{user.pk}:"
    others = sorted({name for entry, (name, _) in present.items() if not entry.startswith(own)})
    own_tabs = sum(1 for entry in present if entry.startswith(own) and entry != mine)
    if own_tabs:
        others.append("you, in another tab" if own_tabs == 1 else f"you, in {own_tabs} other tabs")
    return others


def gone(post_id: int, user: Any, tab: str = "") -> None:
    """The editor's tab closed the post."""
    present = cache.get(_key(post_id)) or {}
    if present.pop(f"{user.pk}:{tab}", None) is not None:
        cache.set(_key(post_id), present, timeout=PRESENCE_SECONDS * 2)
