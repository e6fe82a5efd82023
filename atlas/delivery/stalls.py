"""Batches that keep failing: found after a few attempts, never retried forever.

An error tied to one recipient fails that recipient where it happens (engine `_send_one`). An
unexpected error escaping a batch is different: nobody knows yet whether it is the recipient in
hand or the whole send. The batch is tried again a few seconds later; after `STALL_LIMIT`
attempts in a row that failed before any progress, the recipient in hand is set aside (failed,
with the error) and the batch goes on without it. An error before any recipient (the send itself
is broken) pauses the send instead, and so do `SET_ASIDE_LIMIT` recipients set aside: then the
cause is rarely the recipients. Either way the send says why ("Batches failing: ...").
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from atlas.delivery.ledger import Attempt
from atlas.delivery.models import Batch, Delivery, Send

logger = logging.getLogger(__name__)

STALL_LIMIT = 3
SET_ASIDE_LIMIT = 10
SET_ASIDE = "Set aside"
REASON = "Batches failing"


def batch_failed(attempt: Attempt, error: Exception) -> timedelta | None:
    """Record an attempt that ended in an unexpected error and decide what comes next: the
    delay before the batch is tried again, or None when it must wait for staff."""
    batch = attempt.batch
    described = f"{type(error).__name__}: {error}"[:400]
    stalls = 1 if attempt.outcomes.committed else batch.stalls + 1
    delay: timedelta | None = timedelta(seconds=2**stalls)
    if stalls >= STALL_LIMIT:
        stalls = 0
        delay = timedelta(0)
        if attempt.current is None:
            _pause(batch.send_id, f"{REASON}: {described}")
            delay = None
        else:
            _set_aside(attempt.current, batch.send_id, described)
    Batch.objects.filter(pk=batch.pk, status=Batch.Status.CLAIMED).update(
        status=Batch.Status.PENDING,
        lease_until=None,
        stalls=stalls,
        last_error=described,
        next_attempt_at=timezone.now() + delay if delay is not None else None,
    )
    return delay


def _set_aside(row: Delivery, send_id: int, described: str) -> None:
    detail = f"{SET_ASIDE} after {STALL_LIMIT} failed attempts of its batch: {described}"
    Delivery.objects.filter(pk=row.pk).filter(
        Q(state=Delivery.State.PENDING) | Q(state=Delivery.State.DEFERRED)
    ).update(state=Delivery.State.FAILED, detail=detail[:500], attempts=row.attempts + 1)
    logger.warning("Delivery %s set aside: %s", row.pk, described)
    count = set_aside_count(send_id)
    reason = (
        f"{REASON}: {count} recipient{'s' if count != 1 else ''} set aside after repeated "
        f"errors (last: {described})"
    )[:300]
    if count >= SET_ASIDE_LIMIT:
        _pause(send_id, reason)
    else:
        Send.objects.filter(pk=send_id).update(status_reason=reason)


def set_aside_count(send_id: int) -> int:
    return Delivery.objects.filter(
        send_id=send_id, state=Delivery.State.FAILED, detail__startswith=SET_ASIDE
    ).count()


def _pause(send_id: int, reason: str) -> None:
    Send.objects.filter(pk=send_id, status=Send.Status.SENDING).update(
        status=Send.Status.PAUSED, status_reason=reason[:300]
    )
