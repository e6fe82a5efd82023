"""The site-wide outbox: every transactional email (members', discussions') is a row before it
is a message, sent by a worker, safe to retry.

`queue()` writes an OutboundEmail and, after the commit, wakes a worker with its ID. The
worker claims the row with a lease (a conditional update), renders the template set, creates
any single-use link at that moment (so its lifetime starts when it is sent), and sends it
through Django's email backend. A row whose worker died is picked up again once its lease
expires, by the periodic `send_queued()`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from atlas.lib.email import build_message
from atlas.lib.queue import wake
from atlas.lib.smtp import RecipientError
from atlas.members.hooks import system_sender
from atlas.members.links import create_link
from atlas.members.models import Member, OutboundEmail
from atlas.publishing.models import Publication

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
LINK_ROUTES = {
    "sign_in": "members:sign_in_link",
    "confirm": "members:confirm_link",
    "change_email": "members:change_email_link",
}


def queue(to: str, template: str, member: Member | None = None, **context: Any) -> OutboundEmail:
    """Record an email to send; a worker sends it after the surrounding transaction commits."""
    email = OutboundEmail.objects.create(to=to, template=template, context=context, member=member)
    transaction.on_commit(lambda: _wake_worker(email.pk))
    return email


def _wake_worker(email_id: int) -> None:
    wake(send_email_task, email_id, what=f"email {email_id}")  # else the periodic catch-up


def claim(email_id: int) -> OutboundEmail | None:
    """Take the row for sending, unless another worker holds it or it is done."""
    now = timezone.now()
    claimable = Q(status=OutboundEmail.Status.QUEUED) | Q(
        status=OutboundEmail.Status.SENDING, lease_until__lt=now
    )
    with transaction.atomic():
        won = (
            OutboundEmail.objects.filter(claimable, pk=email_id)
            .filter(attempts__lt=MAX_ATTEMPTS)
            .update(status=OutboundEmail.Status.SENDING, lease_until=now + LEASE)
        )
    if not won:
        return None
    return OutboundEmail.objects.select_related("member").get(pk=email_id)


@task()
def send_email_task(email_id: int) -> bool:
    """What `queue()` wakes a worker with: the row's ID (safe to run twice)."""
    return send(email_id)


def send(email_id: int) -> bool:
    """Send one queued email; True when it went out now."""
    email = claim(email_id)
    if email is None:
        return False
    if email.context.get("link") and email.member is None:
        # A link for nobody: a sign-in asked for an address that is no member's (asked like any
        # other, so that its timing tells nothing), or a member deleted since. Nothing to keep.
        logger.info("Email %s not sent: its link is for no member", email.pk)
        OutboundEmail.objects.filter(pk=email.pk).delete()
        return False
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=email.attempts + 1)
    try:
        message = build_message(
            email.template,
            render_context(email),
            to=email.to,
            from_email=system_sender(),
            message_id=f"<atlas.{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{_domain()}>",
            unsubscribe_url=email.context.get("unsubscribe_url") or None,
        )
        message.send()
    except Exception as error:
        # An address no server here can take fails at once; anything else is tried again.
        failed = isinstance(error, RecipientError) or email.attempts + 1 >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED if failed else OutboundEmail.Status.QUEUED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            lease_until=None,
        )
        logger.warning("Email %s to a member failed: %s", email.pk, error)
        return False
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers["Message-ID"],
        lease_until=None,
    )
    return True


# How often the catch-up looks, and how old an email must be for it: a sign-in link whose
# wake-up was lost (Redis away) goes out within about twice this. Each email is claimed before
# it is sent, so the catch-up and a woken worker never both send one.
CATCH_UP_SECONDS = 10.0


def send_queued(older_than: timedelta = timedelta(seconds=CATCH_UP_SECONDS)) -> int:
    """Periodic catch-up: send what no worker took (a lost wake-up, a dead worker, a retry)."""
    now = timezone.now()
    due = OutboundEmail.objects.filter(
        Q(status=OutboundEmail.Status.QUEUED, created_at__lt=now - older_than)
        | Q(status=OutboundEmail.Status.SENDING, lease_until__lt=now),
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)[:500]
    return sum(send(email_id) for email_id in list(due))


def render_context(email: OutboundEmail) -> dict[str, Any]:
    publication = Publication.current()
    context: dict[str, Any] = {**email.context, "publication": publication, "member": email.member}
    purpose = email.context.get("link")
    if purpose and email.member is not None:
        token = create_link(
            email.member,
            purpose,
            email=email.to,
            next_path=email.context.get("next_path", ""),
        )
        context["link_url"] = publication.absolute(reverse(LINK_ROUTES[purpose], args=[token]))
    context["account_url"] = publication.absolute(reverse("members:account"))
    return context


def subject_of(email: OutboundEmail) -> str:
    """The email's subject as its reader saw it, for staff pages (no link is made for this)."""
    context = {**email.context, "publication": Publication.current(), "member": email.member}
    try:
        return " ".join(render_to_string(f"{email.template}_subject.txt", context).split())
    except TemplateDoesNotExist:
        return email.template.rpartition("/")[2].replace("_", " ").capitalize()


def _domain() -> str:
    return Publication.current().base_url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
