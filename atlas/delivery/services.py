"""Sending a post as a newsletter: start, test, pause, resume, cancel, and live figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from atlas.delivery import engine, rendering
from atlas.delivery.models import Batch, Delivery, Send
from atlas.lib.queue import wake
from atlas.members.addresses import normalize_email
from atlas.members.models import Label, MemberEvent, Newsletter
from atlas.publishing.models import Post
from atlas.publishing.services import save_post


class SendRefused(ValueError):
    """The send cannot start; the message says why."""


def render_send(send: Send) -> None:
    """Render the newsletter once for this send (and a teaser when the post is gated)."""
    send.full_text, send.full_html = rendering.render_parts(send, full=True)
    if send.post.visibility != Post.Visibility.PUBLIC:
        send.teaser_text, send.teaser_html = rendering.render_parts(send, full=False)


def start_send(
    post: Post,
    newsletters: Iterable[Newsletter],
    *,
    audience: str = Send.Audience.ALL,
    labels: Iterable[Label] = (),
    tier_ids: Iterable[int] = (),
    user: Any = None,
    when_live: bool = False,
) -> Send:
    """Create a send; it starts now, or when the post goes live (`when_live`)."""
    newsletters = list(newsletters)
    if not newsletters:
        raise SendRefused("Choose at least one newsletter.")
    tier_ids = sorted(set(tier_ids)) if audience == Send.Audience.TIERS else []
    if audience == Send.Audience.TIERS and not tier_ids:
        raise SendRefused("Choose at least one plan for this audience.")
    if post.sends.exclude(status__in=[Send.Status.CANCELLED]).filter(is_test=False).exists():
        raise SendRefused("This post has already been sent (or is being sent).")
    if not when_live and post.status == Post.Status.SCHEDULED:
        when_live = True
    with transaction.atomic():
        send = Send.objects.create(
            post=post,
            subject=post.title,
            audience=audience,
            tier_ids=tier_ids,
            created_by=user if getattr(user, "pk", None) else None,
            status=Send.Status.SCHEDULED if when_live else Send.Status.PREPARING,
        )
        send.newsletters.set(newsletters)
        send.labels.set(list(labels))
        if not when_live:
            begin(send)
    return send


def publish_for_sending(post: Post, user: Any = None) -> None:
    """ "Web and email": a draft goes live now (a scheduled post keeps its time)."""
    if post.status == Post.Status.DRAFT:
        post.status = Post.Status.PUBLISHED
        post.published_at = None
        save_post(post, user, note="Published to send as a newsletter")


def begin(send: Send) -> None:
    """Render and start preparing the ledger (after the commit)."""
    send.refresh_from_db()
    render_send(send)
    send.status = Send.Status.PREPARING
    send.save(
        update_fields=["full_text", "full_html", "teaser_text", "teaser_html", "status", "subject"]
    )
    # Else the periodic catch-up (engine.recover) prepares it.
    transaction.on_commit(lambda: wake(engine.prepare_send_task, send.pk, what=f"send {send.pk}"))


def start_scheduled_sends(sender: Any, post_id: int, **kwargs: Any) -> None:
    """A post went live: its sends waiting for that moment start now (once: conditional)."""
    for send in Send.objects.filter(post_id=post_id, status=Send.Status.SCHEDULED):
        with transaction.atomic():
            won = Send.objects.filter(pk=send.pk, status=Send.Status.SCHEDULED).update(
                status=Send.Status.PREPARING
            )
            if won:
                begin(send)


def cancel_scheduled_sends(sender: Any, post_id: int, **kwargs: Any) -> None:
    """A scheduled post went back to a draft: the sends waiting for it are cancelled, so the post
    can be sent again when it is published."""
    Send.objects.filter(post_id=post_id, status=Send.Status.SCHEDULED).update(
        status=Send.Status.CANCELLED, finished_at=timezone.now()
    )


def count_recipients(
    newsletters: Iterable[Newsletter],
    audience: str = Send.Audience.ALL,
    labels: Iterable[Label] = (),
    tier_ids: Iterable[int] = (),
) -> int:
    """How many members a send to these newsletters would reach now (suppressed ones aside)."""
    newsletter_ids = [newsletter.pk for newsletter in newsletters]
    if not newsletter_ids:
        return 0
    return engine.subscribed_members(
        newsletter_ids, audience, [label.pk for label in labels], tier_ids
    ).count()


def test_send(post: Post, addresses: Iterable[str], user: Any = None) -> Send:
    """Send the newsletter for `post` to a few addresses now, outside the real send."""
    emails = [normalize_email(address) for address in addresses]
    if not emails:
        raise SendRefused("Give at least one address for the test.")
    with transaction.atomic():
        send = Send.objects.create(
            post=post, subject=f"[Test] {post.title}", is_test=True,
            created_by=user if getattr(user, "pk", None) else None, status=Send.Status.SENDING,
            started_at=timezone.now(), prepared=True,
        )  # fmt: skip
        render_send(send)
        send.save()
        batch = Batch.objects.create(send=send)
        Delivery.objects.bulk_create(
            Delivery(send=send, batch=batch, email=email, full_text=True) for email in emails
        )
        transaction.on_commit(lambda: engine.wake(batch.pk))
    return send


def pause(send: Send, reason: str = "Paused by staff") -> bool:
    return bool(
        Send.objects.filter(
            pk=send.pk, status__in=[Send.Status.SENDING, Send.Status.PREPARING]
        ).update(status=Send.Status.PAUSED, status_reason=reason[:300])
    )


def resume(send: Send) -> bool:
    """Continue a paused send, or one waiting for a decision after an outage."""
    resumed = Send.objects.filter(
        pk=send.pk, status__in=[Send.Status.PAUSED, Send.Status.WAITING]
    ).update(
        status=Send.Status.SENDING, status_reason="", connection_errors=0,
        last_progress_at=timezone.now(),
    )  # fmt: skip
    if resumed:
        Batch.objects.filter(send=send, status=Batch.Status.PENDING).update(next_attempt_at=None)
        transaction.on_commit(engine.recover)
    return bool(resumed)


def cancel(send: Send) -> bool:
    """Stop for good: what is not sent yet is not sent."""
    with transaction.atomic():
        cancelled = (
            Send.objects.filter(pk=send.pk)
            .exclude(status__in=[Send.Status.DONE, Send.Status.CANCELLED])
            .update(status=Send.Status.CANCELLED, finished_at=timezone.now())
        )
    return bool(cancelled)


@dataclass
class SendFigures:
    total: int
    sent: int
    pending: int
    deferred: int
    failed: int
    suppressed: int
    per_minute: int
    eta_minutes: float | None
    bounced: int
    complained: int
    last_errors: list[tuple[str, str]]

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.suppressed

    @property
    def delivered(self) -> int:
        """Accepted by the receiving server and not bounced afterwards."""
        return self.sent - self.bounced


def figures(send: Send) -> SendFigures:
    counts = dict(
        Delivery.objects.filter(send=send).values_list("state").annotate(count=Count("pk"))
    )
    sent_last_minute = Delivery.objects.filter(
        send=send, state=Delivery.State.SENT, sent_at__gte=timezone.now() - timedelta(minutes=1)
    ).count()
    pending = counts.get(Delivery.State.PENDING, 0) + counts.get(Delivery.State.DEFERRED, 0)
    errors = list(
        Delivery.objects.filter(
            send=send, state__in=[Delivery.State.FAILED, Delivery.State.DEFERRED]
        )
        .order_by("-pk")
        .values_list("email", "detail")[:5]
    )
    return SendFigures(
        total=sum(counts.values()),
        sent=counts.get(Delivery.State.SENT, 0),
        pending=counts.get(Delivery.State.PENDING, 0),
        deferred=counts.get(Delivery.State.DEFERRED, 0),
        failed=counts.get(Delivery.State.FAILED, 0),
        suppressed=counts.get(Delivery.State.SUPPRESSED, 0),
        per_minute=sent_last_minute,
        bounced=Delivery.objects.filter(send=send, bounced=True).count(),
        complained=Delivery.objects.filter(send=send, complained=True).count(),
        eta_minutes=round(pending / sent_last_minute, 1) if pending and sent_last_minute else None,
        last_errors=errors,
    )


@dataclass(frozen=True)
class SendOutcome:
    """A send and how its deliveries ended."""

    send: Send
    delivered: int
    failed: int
    bounced: int
    complained: int


def send_performance(
    start: datetime | None = None, end: datetime | None = None, post: Post | None = None
) -> list[SendOutcome]:
    """The latest 50 real sends (created in [start, end), or of one post) with their delivery
    outcome: delivered, failed, bounced, complained. One query."""
    sends = Send.objects.filter(is_test=False).select_related("post")
    if start is not None:
        sends = sends.filter(created_at__gte=start)
    if end is not None:
        sends = sends.filter(created_at__lt=end)
    if post is not None:
        sends = sends.filter(post=post)
    sent = Q(deliveries__state=Delivery.State.SENT)
    annotated = sends.annotate(
        delivered=Count("deliveries", filter=sent & Q(deliveries__bounced=False)),
        failed=Count("deliveries", filter=Q(deliveries__state=Delivery.State.FAILED)),
        bounced=Count("deliveries", filter=Q(deliveries__bounced=True)),
        complained=Count("deliveries", filter=Q(deliveries__complained=True)),
    ).order_by("-created_at")[:50]
    return [
        SendOutcome(send, send.delivered, send.failed, send.bounced, send.complained)
        for send in annotated
    ]


@dataclass(frozen=True)
class SendSummary:
    """A send's outcome in counts (from its ledger): what lists of sends show."""

    total: int = 0
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    pending: int = 0
    bounced: int = 0
    complained: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.suppressed

    @property
    def delivered(self) -> int:
        """Accepted by the receiving server and not bounced afterwards."""
        return self.sent - self.bounced


def summaries(send_ids: Iterable[int]) -> dict[int, SendSummary]:
    """The summary of each send, in one grouped query over their ledgers."""
    rows = (
        Delivery.objects.filter(send_id__in=list(send_ids))
        .values("send_id")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(state=Delivery.State.SENT)),
            failed=Count("pk", filter=Q(state=Delivery.State.FAILED)),
            suppressed=Count("pk", filter=Q(state=Delivery.State.SUPPRESSED)),
            pending=Count("pk", filter=Q(state__in=[Delivery.State.PENDING,
                                                    Delivery.State.DEFERRED])),
            bounced=Count("pk", filter=Q(bounced=True)),
            complained=Count("pk", filter=Q(complained=True)),
        )
        .order_by()
    )  # fmt: skip
    return {row.pop("send_id"): SendSummary(**row) for row in rows}


def unsubscribes_after(send: Send, window: timedelta = timedelta(days=2)) -> int:
    """Recipients of `send` who unsubscribed within `window` of its start: the readers it lost."""
    start = send.started_at or send.created_at
    recipients = Delivery.objects.filter(send=send).values("member_id")
    return (
        MemberEvent.objects.filter(
            kind__in=[MemberEvent.Kind.UNSUBSCRIBED, MemberEvent.Kind.UNSUBSCRIBED_ALL],
            created_at__gte=start,
            created_at__lt=start + window,
            member_id__in=recipients,
        )
        .values("member_id")
        .distinct()
        .count()
    )
