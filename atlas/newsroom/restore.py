"""Newsletter sends around `atlas restore` (runtime/backup.py): none fires again by itself.

A send that was under way when the backup was made may have finished since; one scheduled for a
moment now past may have gone out. After a restore, the first waits in the newsroom for staff to
check and resume or cancel it; the second is cancelled (start it again by hand if it never left).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from atlas.delivery.models import Send
from atlas.publishing.models import Post


def keep_nothing(backup_time: datetime) -> None:
    return None


def hold_sends(kept: object, backup_time: datetime) -> str:
    now = timezone.now()
    when = f"{backup_time:%Y-%m-%d %H:%M} UTC"
    waiting = Send.objects.filter(
        status__in=[Send.Status.PREPARING, Send.Status.SENDING, Send.Status.PAUSED]
    ).update(
        status=Send.Status.WAITING,
        status_reason=f"Restored from the backup of {when}: part of it may have gone out since. "
        "Check, then resume or cancel.",
    )
    cancelled = (
        Send.objects.filter(status=Send.Status.SCHEDULED)
        .filter(Q(post__status=Post.Status.PUBLISHED) | Q(post__published_at__lte=now))
        .update(
            status=Send.Status.CANCELLED,
            finished_at=now,
            status_reason=f"Restored from the backup of {when}: its moment had passed, so it may "
            "have gone out. Start it again if it did not.",
        )
    )
    return (
        f"Sends: {waiting} under way wait for a decision; {cancelled} scheduled for a moment "
        "now past cancelled."
    )
