"""Re-permission: one confirmation email to members an import left pending, and who answered.

Members imported without a confirmation their old platform recorded are `pending`: nothing is
sent to them. Staff may ask each of them once, through the outbox (`request_permission`); the
email's link is the ordinary confirmation link, so confirming activates the member and their
pending subscriptions exactly as a sign-up does. `permission_summary` says who confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from atlas.members import outbox
from atlas.members.models import Member, PermissionRequest

TEMPLATE = "members/email/repermission"
BATCH_SIZE = 500


@dataclass
class PermissionOutcome:
    """What `request_permission` did with the members it was given."""

    queued: int = 0
    already_asked: int = 0
    not_pending: int = 0  # active, gone, or not from an import: never asked


@dataclass
class PermissionSummary:
    asked: int = 0
    confirmed: int = 0
    waiting: int = 0
    confirmed_members: list[tuple[str, Any]] = field(default_factory=list)  # (email, when)


def askable(members: QuerySet[Member]) -> QuerySet[Member]:
    """The members of `members` that may be asked: imported, pending, never asked before."""
    return members.filter(
        status=Member.Status.PENDING, source="import", permission_request__isnull=True
    )


def request_permission(members: QuerySet[Member], user: Any = None) -> PermissionOutcome:
    """Queue one re-permission email to each pending imported member of `members`, once ever."""
    outcome = PermissionOutcome()
    total = members.count()
    asked = members.filter(permission_request__isnull=False).count()
    ids = list(askable(members).values_list("pk", flat=True))
    outcome.already_asked = asked
    outcome.not_pending = total - asked - len(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            chunk = askable(Member.objects.filter(pk__in=ids[start : start + BATCH_SIZE]))
            for member in chunk.select_for_update(of=("self",)):
                email = outbox.queue(member.email, TEMPLATE, member=member, link="confirm")
                PermissionRequest.objects.create(
                    member=member, email=email, requested_by=user if getattr(user, "pk", None)
                    else None,
                )  # fmt: skip
                outcome.queued += 1
    return outcome


def permission_summary(listed: int = 100) -> PermissionSummary:
    """How many were asked, how many confirmed since (the latest `listed` of them named)."""
    requests = PermissionRequest.objects.all()
    confirmed = requests.filter(member__confirmed_at__gte=F("requested_at"))
    latest = confirmed.select_related("member").order_by("-member__confirmed_at")[:listed]
    summary = PermissionSummary(asked=requests.count(), confirmed=confirmed.count())
    summary.waiting = requests.filter(member__status=Member.Status.PENDING).count()
    summary.confirmed_members = [
        (request.member.email, request.member.confirmed_at) for request in latest
    ]
    return summary
