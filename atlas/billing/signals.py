"""When a member is deleted, their subscriptions stop being charged (at Stripe, after the
commit, by a task that takes the subscriptions' ids)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from atlas.billing.checkout import cancel_subscriptions_task
from atlas.billing.models import PaidSubscription
from atlas.lib.queue import wake
from atlas.members.models import Member

LIVE = ["trialing", "active", "past_due", "incomplete", "unpaid", "paused"]


@receiver(pre_delete, sender=Member, dispatch_uid="atlas-billing-member-deleted")
def cancel_on_delete(sender: Any, instance: Member, **kwargs: Any) -> None:
    ids = list(
        PaidSubscription.objects.filter(member=instance, status__in=LIVE).values_list(
            "stripe_id", flat=True
        )
    )
    if ids:
        transaction.on_commit(lambda: _cancel(ids))


def _cancel(ids: list[str]) -> None:
    """Through a worker; here and now when no worker can be woken (the member's row, and with
    it what would tell a catch-up, is gone)."""
    if not wake(cancel_subscriptions_task, ids, what="cancelling a deleted member's plans"):
        cancel_subscriptions_task.call(ids)
