"""The delivery engine: prepare the ledger, claim batches with leases, send, record, recover.

The ledger (Delivery rows) is the truth; the task queue only wakes workers with batch IDs.
Rules that make "nothing lost, nothing doubled" hold:
- a batch is sent by the one worker holding its lease (a conditional update claims it);
- outcomes are committed in small groups (`ledger.GROUP_SIZE` messages or `GROUP_SECONDS`),
  and before the worker stops or lets the batch go, so a killed worker leaves at most one group
  of messages unrecorded (they are sent again, same Message-ID);
- before each message the worker checks it still holds the lease, so a worker that stalled
  past its lease stops instead of racing the worker that took over;
- leases expire, and a periodic job returns expired batches to the pool.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_tasks import task

from atlas.delivery import ledger, stalls
from atlas.delivery.ledger import Attempt, Outcomes
from atlas.delivery.models import Batch, Delivery, DeliverySettings, Send
from atlas.delivery.rendering import MessageFactory, Recipient
from atlas.delivery.transport import Transport, dkim_keys, open_transport
from atlas.lib import pagecache
from atlas.lib.smtp import ConnectionLost, RecipientError, Reply
from atlas.members.hooks import full_text_readers, paying_for
from atlas.members.models import (
    Member,
    MemberEvent,
    Newsletter,
    Subscription,
    Suppression,
    email_digest,
)
from atlas.publishing.models import Post
from atlas.runtime import stopping

logger = logging.getLogger(__name__)

PREPARATION_PAUSE = 0.05  # seconds between two prepared batches, on SQLite
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 5, 15, 60)]
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
# The database locked or gone: no batch's fault, so never counted against one.
DATABASE_TROUBLE = (OperationalError, InterfaceError)
stop_requested = stopping.requested


def lease() -> timedelta:
    return timedelta(seconds=settings.ATLAS_DELIVERY_LEASE_SECONDS)


# Preparation -------------------------------------------------------------------------------


def subscribed_members(
    newsletter_ids: list[int], audience: str, label_ids: list[int], tier_ids: Iterable[int] = ()
) -> QuerySet[Member]:
    """Active members subscribed to one of the newsletters, narrowed by audience (with the
    audience "tiers", to the members paying for one of `tier_ids`) and labels, each annotated
    with the first of those newsletters (`newsletter`)."""
    subscribed = Subscription.objects.filter(
        member=OuterRef("pk"),
        newsletter_id__in=newsletter_ids,
        status=Subscription.Status.ACTIVE,
    ).order_by("newsletter_id")
    members = Member.objects.filter(status=Member.Status.ACTIVE).annotate(
        newsletter=Subquery(subscribed.values("newsletter_id")[:1])
    )
    members = members.filter(newsletter__isnull=False)
    if label_ids:
        members = members.filter(
            Exists(Member.labels.through.objects.filter(member=OuterRef("pk"), label__in=label_ids))
        )
    if audience == Send.Audience.FREE:
        members = members.filter(tier=Member.Tier.FREE)
    elif audience == Send.Audience.PAID:
        members = members.exclude(tier=Member.Tier.FREE)
    elif audience == Send.Audience.TIERS:
        members = members.filter(pk__in=paying_for(list(tier_ids)))
    return members


def recipients_after(send: Send, member_id: int, limit: int) -> list[tuple[int, str, str, int]]:
    """(member id, email, tier, newsletter id) of the next subscribers, in member order."""
    # Walk the member table in primary-key order and test each member's subscription with a
    # correlated lookup: every batch then costs the same, however long the list is.
    members = subscribed_members(
        list(send.newsletters.values_list("pk", flat=True)),
        send.audience,
        list(send.labels.values_list("pk", flat=True)),
        send.tier_ids,
    ).filter(pk__gt=member_id)
    # `newsletter` is subscribed_members's annotation, which the type checker cannot see.
    rows = members.order_by("pk").values_list("pk", "email", "tier", "newsletter")  # type: ignore[misc]
    return list(rows[:limit])


def claim_preparation(send_id: int) -> bool:
    """Become the one task filling this send's ledger, unless another one holds the lease
    (a copy enqueued by `recover` while the first is still at work) or it is complete."""
    now = timezone.now()
    return bool(
        Send.objects.filter(pk=send_id, prepared=False)
        .filter(Q(preparing_until__isnull=True) | Q(preparing_until__lt=now))
        .update(preparing_until=now + lease())
    )


def release_preparation(send_id: int) -> None:
    Send.objects.filter(pk=send_id).update(preparing_until=None)


def prepare_next_batch(send_id: int) -> int | None:
    """Add the next batch of recipients to the ledger; None when the ledger is complete.

    The recipients are read before the write transaction, which then only checks that nobody
    advanced the send meanwhile and inserts: on SQLite a transaction holds the one write lock
    from its start, and holding it through the read starved the workers sending the batches
    already prepared (the first message of a 100,000-recipient send waited 3.6 s)."""
    while True:
        send = Send.objects.get(pk=send_id)
        if send.prepared or send.status not in (Send.Status.PREPARING, Send.Status.SENDING):
            return None
        size = DeliverySettings.current().batch_size
        rows = recipients_after(send, send.prepared_through, size)
        with transaction.atomic():
            locked = Send.objects.select_for_update().get(pk=send_id)
            if (locked.prepared_through, locked.prepared, locked.status) != (
                send.prepared_through,
                send.prepared,
                send.status,
            ):
                continue  # another preparation (a retried task) moved on: read again
            return _add_batch(locked, rows)


def _add_batch(send: Send, rows: list[tuple[int, str, str, int]]) -> int | None:
    if not rows:
        send.prepared = True
        send.preparing_until = None
        send.status = Send.Status.SENDING
        send.save(update_fields=["prepared", "preparing_until", "status"])
        transaction.on_commit(lambda: finish_if_done(send.pk))
        return None
    batch = Batch.objects.create(send=send)
    entitled = _entitlement(send, [row[0] for row in rows])
    ledger.add_deliveries(
        send.pk,
        batch.pk,
        [
            (member_id, newsletter_id, email, entitled(member_id))
            for member_id, email, tier, newsletter_id in rows
        ],
    )
    send.prepared_through = rows[-1][0]
    send.preparing_until = timezone.now() + lease()  # renewed with every batch
    if send.status == Send.Status.PREPARING:
        send.status = Send.Status.SENDING
        send.started_at = timezone.now()
    send.save(update_fields=["prepared_through", "preparing_until", "status", "started_at"])
    return batch.pk


def _entitlement(send: Send, member_ids: list[int]) -> Callable[[int], bool]:
    """Who of this batch gets the post in full: everyone, unless it is for paying members (then
    the entitlement rule decides, in one query for the batch)."""
    if send.post.visibility != Post.Visibility.PAID:
        return lambda member_id: True
    readers = full_text_readers(send.post, member_ids)
    return readers.__contains__


# Claiming and sending ----------------------------------------------------------------------


def claim_batch(batch_id: int) -> Batch | None:
    now = timezone.now()
    claimable = Q(status=Batch.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ) | Q(status=Batch.Status.CLAIMED, lease_until__lt=now)
    with transaction.atomic():
        won = Batch.objects.filter(claimable, pk=batch_id).update(
            status=Batch.Status.CLAIMED, worker=WORKER_ID, lease_until=now + lease()
        )
    if not won:
        return None
    batch = Batch.objects.select_related("send", "send__post").get(pk=batch_id)
    Batch.objects.filter(pk=batch_id).update(attempts=batch.attempts + 1)
    return batch


def renew_lease(batch: Batch) -> bool:
    """Extend our lease; False if we lost it (it expired and another worker took it)."""
    return bool(
        Batch.objects.filter(pk=batch.pk, status=Batch.Status.CLAIMED, worker=WORKER_ID).update(
            lease_until=timezone.now() + lease()
        )
    )


def release(batch: Batch, delay: timedelta | None = None) -> None:
    Batch.objects.filter(pk=batch.pk, worker=WORKER_ID, status=Batch.Status.CLAIMED).update(
        status=Batch.Status.PENDING,
        lease_until=None,
        next_attempt_at=timezone.now() + delay if delay else None,
    )


def deliver_batch(batch_id: int) -> int:
    """Send one batch; return how many messages were accepted. Safe to call twice."""
    batch = claim_batch(batch_id)
    if batch is None:
        return 0
    send = batch.send
    if send.status != Send.Status.SENDING:
        release(batch)
        return 0
    with _stop_on_sigterm():
        attempt = Attempt(batch, Outcomes(batch.pk))
        try:
            return _send_rows(attempt, send)
        except DATABASE_TROUBLE:
            raise  # not this batch's fault: its lease expires and it is taken up again
        except Exception as error:
            logger.exception("Batch %s failed", batch.pk)
            delay = stalls.batch_failed(attempt, error)
            if delay is not None:
                wake(batch.pk, at=timezone.now() + delay if delay else None)
            return attempt.accepted


def _due_rows(batch: Batch) -> list[Delivery]:
    return list(
        Delivery.objects.filter(batch=batch)
        .filter(
            Q(state=Delivery.State.PENDING)
            | Q(state=Delivery.State.DEFERRED, retry_at__lte=timezone.now())
        )
        .order_by("pk")
    )


def _send_rows(attempt: Attempt, send: Send) -> int:
    batch, outcomes = attempt.batch, attempt.outcomes
    rows = _due_rows(batch)
    if not rows:
        _close_batch(batch)
        return 0
    still_wanted = _still_wanted(send, rows)
    factory = MessageFactory(send, dkim_keys())
    names = newsletter_names()
    connection_smtp = open_transport()
    pace = _pace(DeliverySettings.current().messages_per_minute)
    try:
        connection_smtp.open()
    except ConnectionLost as error:
        _connection_failed(batch, send, str(error))
        return 0
    Send.objects.filter(pk=send.pk).update(connection_errors=0)
    last_renewal = time.monotonic()
    # Each message is built before the one before it is handed over, so that the transport can
    # announce its envelope ahead (`SmtpConnection.submit`).
    held: tuple[Delivery, bytes] | None = None
    try:
        for row in rows:
            if stop_requested.is_set() or _send_halted(send.pk):
                if held is not None:  # built and announced: finish it
                    _hand_over(attempt, connection_smtp, factory, held, send)
                _drain(attempt, connection_smtp, send)
                outcomes.flush()
                release(batch)
                return attempt.accepted
            if time.monotonic() - last_renewal > lease().total_seconds() / 4:
                outcomes.flush()
                if not renew_lease(batch):
                    logger.warning("Lost the lease on batch %s; stopping", batch.pk)
                    return attempt.accepted
                last_renewal = time.monotonic()
            attempt.current = row
            if not send.is_test and row.member_id not in still_wanted:
                outcomes.add(row, Delivery.State.SUPPRESSED, None, "No longer subscribed")
                continue
            recipient = Recipient(
                email=row.email,
                member_id=row.member_id or 0,
                newsletter_id=row.newsletter_id,
                newsletter_name=names.get(row.newsletter_id, DEFAULT_NEWSLETTER_NAME),
                full_text=row.full_text,
            )
            data = _build(outcomes, factory, recipient, row)
            if data is None:
                continue
            if held is not None:
                _hand_over(attempt, connection_smtp, factory, held, send, next_recipient=row.email)
                pace()
            held = (row, data)
        if held is not None:
            _hand_over(attempt, connection_smtp, factory, held, send)
            pace()
        _drain(attempt, connection_smtp, send)
        attempt.current = None
    except ConnectionLost as error:
        outcomes.flush()
        _connection_failed(batch, send, str(error))
        return attempt.accepted
    finally:
        # Also on the way out of an error: what the server acknowledged is recorded.
        with contextlib.suppress(ConnectionLost):
            _drain(attempt, connection_smtp, send)
        outcomes.flush()
        connection_smtp.close()
    Send.objects.filter(pk=send.pk).update(last_progress_at=timezone.now())
    _close_batch(batch)
    return attempt.accepted


def _build(
    outcomes: Outcomes, factory: MessageFactory, recipient: Recipient, row: Delivery
) -> bytes | None:
    """The message's bytes; None when it cannot be built: an error tied to this one recipient
    (its address, what is written for them) fails it alone, with the reason."""
    try:
        return factory.build(recipient, row.message_id(factory.domain))
    except DATABASE_TROUBLE:
        raise
    except Exception as error:
        logger.warning("Could not build the message for delivery %s: %r", row.pk, error)
        detail = f"Could not build the message: {type(error).__name__}: {error}"
        outcomes.add(row, Delivery.State.FAILED, None, detail)
        return None


def _hand_over(
    attempt: Attempt,
    smtp: Transport,
    factory: MessageFactory,
    built: tuple[Delivery, bytes],
    send: Send,
    next_recipient: str = "",
) -> None:
    """Hand one built message over, then record the replies the transport knows by now (this
    message's, or, pipelined, the one before it); an address the session cannot carry fails
    this recipient alone."""
    row, data = built
    attempt.current = row
    outcomes = attempt.outcomes
    try:
        replies = smtp.submit(factory.sender, row.email, data, row, next_recipient=next_recipient)
    except RecipientError as error:
        outcomes.add(row, Delivery.State.FAILED, None, f"Not sent: {error}")
        return
    # A message in flight counts towards the group, so that a worker killed now leaves no
    # more than `GROUP_SIZE` acknowledged messages unrecorded, as before.
    outcomes.in_flight = int(all(tagged is not row for tagged, _ in replies))
    _record(attempt, replies, send)


def _drain(attempt: Attempt, smtp: Transport, send: Send) -> None:
    replies = smtp.drain()
    attempt.outcomes.in_flight = 0
    _record(attempt, replies, send)


def _record(attempt: Attempt, replies: list[tuple[Delivery, Reply]], send: Send) -> None:
    for row, reply in replies:
        attempt.accepted += _record_reply(row, reply, send, attempt.outcomes)


def _record_reply(row: Delivery, reply: Reply, send: Send, outcomes: Outcomes) -> int:
    """Hold the outcome the server gave this message; 1 if it accepted it."""
    if reply.accepted:
        outcomes.add(row, Delivery.State.SENT, reply.code, "", sent=True)
        return 1
    if reply.temporary:
        _defer(row, send, reply.code, reply.summary(), outcomes)
        if reply.code == 421:  # the server is closing this connection
            raise ConnectionLost(reply.summary())
        return 0
    outcomes.add(row, Delivery.State.FAILED, reply.code, reply.summary())
    if reply.hard_bounce:
        mark_bounced(row.member_id, reply.summary())
    return 0


DEFAULT_NEWSLETTER_NAME = "our newsletter"
_names: dict[str, Any] = {"version": None, "names": {}}


def newsletter_names() -> dict[int | None, str]:
    """Every newsletter's name, read again whenever the content version moved (a renamed
    newsletter replaces it), so that footers never carry an old name."""
    version = pagecache.content_version()
    if _names["version"] != version:
        _names["names"] = dict(Newsletter.objects.values_list("pk", "name"))
        _names["version"] = version
    names: dict[int | None, str] = _names["names"]
    return names


def forget_newsletter_names() -> None:
    """Read the names again at the next batch, whatever the content version says."""
    _names["version"] = None


def _still_wanted(send: Send, rows: list[Delivery]) -> set[int]:
    """Members of these rows who may still receive this send (one query).

    Asked as the preparation asks (`subscribed_members`: each member's subscription looked up by
    its key), within the batch's range of member IDs: joined to the subscriptions instead, on
    PostgreSQL without statistics yet (a list just imported), the plan walked every subscriber
    of the newsletter for each batch, ~0.1 s a batch at 20,000 subscribers and growing."""
    member_ids = [row.member_id for row in rows if row.member_id]
    if not member_ids:
        return set()
    newsletter_ids = list(send.newsletters.values_list("pk", flat=True))
    members = subscribed_members(newsletter_ids, Send.Audience.ALL, []).filter(
        pk__in=member_ids, pk__gte=min(member_ids), pk__lte=max(member_ids)
    )
    return set(members.order_by().values_list("pk", flat=True))


def _defer(row: Delivery, send: Send, code: int, detail: str, outcomes: Outcomes) -> None:
    age = timezone.now() - (send.started_at or send.created_at)
    if age > DeliverySettings.current().retry_for:
        outcomes.add(row, Delivery.State.FAILED, code, f"Gave up after retrying: {detail}")
        return
    delay = RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS) - 1)]
    retry_at = timezone.now() + delay
    outcomes.add(row, Delivery.State.DEFERRED, code, detail, retry_at=retry_at)


def _close_batch(batch: Batch) -> None:
    """Done when every row is terminal; otherwise back to the pool until the next retry."""
    next_retry = (
        Delivery.objects.filter(batch=batch, state=Delivery.State.DEFERRED)
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first()
    )
    pending = Delivery.objects.filter(batch=batch, state=Delivery.State.PENDING).exists()
    if pending:
        release(batch)
    elif next_retry is not None:
        Batch.objects.filter(pk=batch.pk, worker=WORKER_ID).update(
            status=Batch.Status.PENDING, lease_until=None, next_attempt_at=next_retry
        )
    else:
        Batch.objects.filter(pk=batch.pk, worker=WORKER_ID).update(
            status=Batch.Status.DONE, lease_until=None
        )
        finish_if_done(batch.send_id)


def finish_if_done(send_id: int) -> None:
    unfinished = Batch.objects.filter(send_id=send_id).exclude(status=Batch.Status.DONE).exists()
    if not unfinished:
        Send.objects.filter(pk=send_id, status=Send.Status.SENDING, prepared=True).update(
            status=Send.Status.DONE, finished_at=timezone.now()
        )


def _connection_failed(batch: Batch, send: Send, reason: str) -> None:
    logger.warning("SMTP connection failed for batch %s: %s", batch.pk, reason)
    errors = send.connection_errors + 1
    Send.objects.filter(pk=send.pk).update(connection_errors=errors)
    release(batch, delay=timedelta(seconds=min(60, 2**errors)))
    if errors >= DeliverySettings.current().pause_after_connection_errors:
        Send.objects.filter(pk=send.pk, status=Send.Status.SENDING).update(
            status=Send.Status.PAUSED,
            status_reason=f"Paused after {errors} connection errors in a row: {reason}"[:300],
        )


_halt_checked = {"at": 0.0, "halted": False}


def _send_halted(send_id: int) -> bool:
    """Paused or cancelled by staff (checked at most every half second)."""
    now = time.monotonic()
    if now - _halt_checked["at"] > 0.5:
        status = Send.objects.filter(pk=send_id).values_list("status", flat=True).first()
        _halt_checked.update(at=now, halted=status != Send.Status.SENDING)
    return bool(_halt_checked["halted"])


def _pace(per_minute: int) -> Any:
    if not per_minute:
        return lambda: None
    interval = 60.0 / per_minute
    state = {"next": time.monotonic()}

    def wait() -> None:
        state["next"] += interval
        delay = state["next"] - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    return wait


class _stop_on_sigterm:
    """While a batch is sent, SIGTERM finishes the message in hand, then stops."""

    def __enter__(self) -> None:
        self.installed = threading.current_thread() is threading.main_thread()
        if self.installed:
            self.previous = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum: int, frame: Any) -> None:
        stop_requested.set()
        if callable(self.previous):
            self.previous(signum, frame)

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            signal.signal(signal.SIGTERM, self.previous)


# Bounces and complaints --------------------------------------------------------------------


def mark_bounced(member_id: int | None, detail: str) -> None:
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    if member is None:
        return
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(status=Member.Status.BOUNCED)
        Suppression.objects.update_or_create(
            email_digest=email_digest(member.email), defaults={"reason": "bounced"}
        )
        MemberEvent.objects.create(
            member=member, kind=MemberEvent.Kind.BOUNCED, detail={"why": detail[:200]}
        )


# Recovery (periodic) -----------------------------------------------------------------------


def recover() -> int:
    """Wake work that no worker holds: expired leases, retries now due, unprepared sends."""
    now = timezone.now()
    window = DeliverySettings.current().resume_window
    woken = 0
    for send in Send.objects.filter(status__in=[Send.Status.SENDING, Send.Status.PREPARING]):
        last = send.last_progress_at or send.started_at or send.created_at
        if now - last > window and _has_work(send):
            Send.objects.filter(pk=send.pk, status=send.status).update(
                status=Send.Status.WAITING,
                status_reason=f"No progress since {last:%Y-%m-%d %H:%M} UTC; resume or cancel.",
            )
            continue
        # Only when no task holds the preparation: a long one renews its lease batch by batch.
        if not send.prepared and (send.preparing_until is None or send.preparing_until < now):
            prepare_send_task.enqueue(send.pk)
            woken += 1
    # A batch's wake-up may have been lost (a queue restart); wake it again after a while.
    forgotten = now - 2 * lease()
    due = Batch.objects.filter(
        Q(status=Batch.Status.CLAIMED, lease_until__lt=now)
        | Q(status=Batch.Status.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(woken_at__isnull=True) | Q(woken_at__lt=forgotten) | Q(next_attempt_at__isnull=False)),
        send__status=Send.Status.SENDING,
    ).values_list("pk", flat=True)[:1000]
    for batch_id in list(due):
        wake(batch_id)
        woken += 1
    return woken


def wake(batch_id: int, at: Any = None) -> None:
    """Ask a worker to send this batch (now, or at `at`)."""
    Batch.objects.filter(pk=batch_id).update(woken_at=timezone.now())
    task = deliver_batch_task.using(run_after=at) if at else deliver_batch_task
    task.enqueue(batch_id)


def _has_work(send: Send) -> bool:
    return (
        not send.prepared
        or Batch.objects.filter(send=send).exclude(status=Batch.Status.DONE).exists()
    )


# The tasks that wake workers, beside the work they run (arguments are IDs; safe to run twice) --


@task()
def prepare_send_task(send_id: int) -> int:
    """Fill the ledger batch by batch, waking a worker for each batch as soon as it exists.
    A copy of this task finds the lease held and leaves the work to the first."""
    if not claim_preparation(send_id):
        return 0
    batches = 0
    try:
        while (batch_id := prepare_next_batch(send_id)) is not None:
            wake(batch_id)
            batches += 1
            _let_writers_in()
    finally:
        release_preparation(send_id)  # paused, cancelled or failed: free it at once
    return batches


def _let_writers_in() -> None:
    """On SQLite, pause a moment between two batches: a writer waiting for the one write lock
    polls for it (SQLite's busy handler sleeps), and a preparation that took it back at once
    starved the workers recording outcomes (a few dozen messages a second while it ran)."""
    if connection.vendor == "sqlite":
        time.sleep(PREPARATION_PAUSE)


@task()
def deliver_batch_task(batch_id: int) -> int:
    return deliver_batch(batch_id)
