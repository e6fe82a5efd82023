"""What a send got, read from its ledger (up to a whole list per send) and kept a little while.

A moving send's counts are kept for the progress bars' poll interval, a still one's longer; a
finished send changes only when late bounces arrive. The status is part of the key: pausing,
resuming or finishing reads the ledger again at once. Several staff watching one send cost one
read per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from atlas.delivery import services, tracking
from atlas.delivery.models import Send

FINISHED = (Send.Status.DONE, Send.Status.CANCELLED)
MOVING_SECONDS = 2
STILL_SECONDS = 60
FINISHED_SECONDS = 300


def kept_for(send: Send) -> int:
    if send.is_active:
        return MOVING_SECONDS
    return FINISHED_SECONDS if send.status in FINISHED else STILL_SECONDS


def key(kind: str, send: Send) -> str:
    """The send's id, status and creation time: a new database never meets an old entry."""
    return f"newsroom:send-{kind}:{send.pk}:{send.status}:{send.created_at.timestamp()}"


def summaries(sends: list[Send]) -> dict[int, services.SendSummary]:
    """Each send's summary: from the cache, else all the missing ones in one query."""
    keys = {send.pk: key("summary", send) for send in sends}
    cached = cache.get_many(list(keys.values())) if keys else {}
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [send for send in sends if send.pk not in found]
    computed = services.summaries([send.pk for send in missing]) if missing else {}
    for send in missing:
        found[send.pk] = computed.get(send.pk, services.SendSummary())
        cache.set(keys[send.pk], found[send.pk], kept_for(send))
    return found


def live_figures(send: Send) -> services.SendFigures:
    """The send's figures for its page and the progress bars."""
    figures = cache.get(key("figures", send))
    if figures is None:
        figures = services.figures(send)
        cache.set(key("figures", send), figures, kept_for(send))
    return figures


@dataclass(frozen=True)
class Reach:
    """What readers did with a send: unique opens and clicks (None before any is recorded, or
    without tracking), and unsubscribes within two days of its start."""

    opens: int | None
    clicks: int | None
    unsubscribes: int


def live_reach(send: Send) -> Reach:
    """Kept only for the poll interval, even once the send is done: opens keep coming."""
    reach = cache.get(key("reach", send))
    if reach is None:
        tracked = tracking.engagement([send.pk]).get(send.pk)
        reach = Reach(
            opens=tracked["opens"] if tracked else None,
            clicks=tracked["clicks"] if tracked else None,
            unsubscribes=services.unsubscribes_after(send) if send.started_at else 0,
        )
        cache.set(key("reach", send), reach, MOVING_SECONDS)
    return reach
