"""Members around `atlas restore` (runtime/backup.py): consents withdrawn since the backup stay
withdrawn, and the outbox does not send again what it may already have sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from atlas.members import services
from atlas.members.models import (
    Member,
    Newsletter,
    OutboundEmail,
    Subscription,
    Suppression,
    email_digest,
)

HOW = "kept across a restore"


def keep_consents(backup_time: datetime) -> dict[str, list[list[str]]]:
    """From the database being replaced: unsubscribes and suppressions since the backup."""
    unsubscribed = Subscription.objects.filter(
        status=Subscription.Status.UNSUBSCRIBED, changed_at__gte=backup_time
    ).values_list("member__email_lower", "newsletter__slug")
    suppressed = Suppression.objects.filter(created_at__gte=backup_time).values_list(
        "email_digest", "reason"
    )
    return {
        "unsubscribed": [list(pair) for pair in unsubscribed],
        "suppressed": [list(pair) for pair in suppressed],
    }


def after_restore(kept: object, backup_time: datetime) -> str:
    held = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
    ).update(
        status=OutboundEmail.Status.FAILED, lease_until=None,
        last_error=f"Held by a restore: queued before the backup of {backup_time:%Y-%m-%d %H:%M}"
        " UTC, it may have gone out since.",
    )  # fmt: skip
    outbox = f"Outbox: {held} queued emails from before the backup held (marked failed)."
    if not isinstance(kept, dict):
        return (
            f"{outbox} The replaced database could not be read: unsubscribes recorded after "
            "the backup are not known and must be applied again by hand."
        )
    withdrawn = reapply_unsubscribes(kept["unsubscribed"]) + reapply_suppressions(
        dict(kept["suppressed"])
    )
    return f"{outbox} Consents withdrawn since the backup, kept: {withdrawn}."


def reapply_unsubscribes(pairs: list[list[str]]) -> int:
    newsletters = {newsletter.slug: newsletter for newsletter in Newsletter.objects.all()}
    members = Member.objects.in_bulk([email for email, _ in pairs], field_name="email_lower")
    count = 0
    for email_lower, slug in pairs:
        member, newsletter = members.get(email_lower), newsletters.get(slug)
        if member is not None and newsletter is not None:
            services.unsubscribe(member, newsletter, how=HOW)
            count += 1
    return count


def reapply_suppressions(reasons: dict[str, str]) -> int:
    """Suppressed since the backup: deleted accounts are deleted again, the others stopped."""
    Suppression.objects.bulk_create(
        [Suppression(email_digest=digest, reason=reason) for digest, reason in reasons.items()],
        ignore_conflicts=True,
    )
    count = 0
    for member in Member.objects.only("pk", "email", "status", "user_id").iterator():
        reason = reasons.get(email_digest(member.email))
        if reason is not None:
            withdraw(member, reason)
            count += 1
    return count


def withdraw(member: Member, reason: str) -> Any:
    if reason == Suppression.Reason.DELETED:
        return services.delete_member(member)
    Subscription.objects.filter(member=member, status__in=["active", "pending"]).update(
        status=Subscription.Status.UNSUBSCRIBED, changed_at=timezone.now()
    )
    status = reason if reason in Member.Status.values else Member.Status.UNSUBSCRIBED
    Member.objects.filter(pk=member.pk).update(status=status, updated_at=timezone.now())
    Suppression.objects.filter(email_digest=email_digest(member.email)).update(reason=reason)
    return None
