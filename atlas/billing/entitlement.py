"""Who is paying: one decision from a member's subscriptions and grants, stored per member, and
the entitlement rule billing registers with members (`members/hooks.py`).

- `trialing` and `active` subscriptions are paid (until the end of the period when they are set
  to cancel then); `past_due` is paid for the publication's grace period from the start of the
  period whose payment failed; `canceled`, `unpaid`, `incomplete`, `incomplete_expired` and
  `paused` are not.
- A live grant (complimentary or gift) is paid until it ends.
- A member billing has never seen keeps the plan staff or an import stored (`Member.tier`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from atlas.billing.models import (
    BillingSettings,
    Grant,
    MemberAccess,
    PaidSubscription,
    PostTier,
)
from atlas.members import services as member_services
from atlas.members.hooks import Plan, StoredTier
from atlas.members.models import Member
from atlas.publishing.models import Post

PAID_STATUSES = (PaidSubscription.Status.TRIALING, PaidSubscription.Status.ACTIVE)


@dataclass(frozen=True)
class Source:
    """One thing that gives a member access, and when it ends by time alone (None: it does not)."""

    kind: str
    tier_id: int | None
    tier_name: str
    until: datetime | None


@dataclass(frozen=True)
class Decision:
    paying: bool
    source: str = MemberAccess.Source.FREE
    name: str = "Free"
    tier_ids: frozenset[int] = field(default_factory=frozenset)
    paid_until: datetime | None = None
    recheck_at: datetime | None = None


def subscription_source(
    subscription: PaidSubscription, grace: timedelta, now: datetime
) -> Source | None:
    """What a subscription gives now, as Stripe last described it."""
    until: datetime | None = subscription.ends_at
    if subscription.status == PaidSubscription.Status.PAST_DUE:
        until = grace_end(subscription, grace, now)
    elif subscription.status not in PAID_STATUSES:
        return None
    if until is not None and until <= now:
        return None
    tier_name = subscription.tier.name if subscription.tier else "Paid"
    return Source(MemberAccess.Source.PAID, subscription.tier_id, tier_name, until)


def grace_end(subscription: PaidSubscription, grace: timedelta, now: datetime) -> datetime:
    """When a past_due subscription stops giving access: the grace period from the start of the
    period whose payment failed (or its set end, if sooner)."""
    anchor = subscription.current_period_start or subscription.current_period_end
    end = (anchor or now) + grace
    ends_at = subscription.ends_at
    return min(end, ends_at) if ends_at else end


def grant_source(grant: Grant, now: datetime) -> Source | None:
    if grant.revoked_at or grant.starts_at > now or (grant.ends_at and grant.ends_at <= now):
        return None
    return Source(grant.kind, grant.tier_id, grant.tier.name, grant.ends_at)


def decide(
    subscriptions: Iterable[PaidSubscription],
    grants: Iterable[Grant],
    grace: timedelta,
    now: datetime,
) -> Decision:
    grants = list(grants)
    sources = [
        source
        for source in [
            *(subscription_source(each, grace, now) for each in subscriptions),
            *(grant_source(each, now) for each in grants),
        ]
        if source is not None
    ]
    later_starts = [grant.starts_at for grant in grants if grant.starts_at > now]
    ends = [source.until for source in sources if source.until is not None]
    recheck_at = min([*ends, *later_starts], default=None)
    if not sources:
        return Decision(paying=False, recheck_at=recheck_at)
    kinds = {source.kind for source in sources}
    kind = next(
        each
        for each in (MemberAccess.Source.PAID, Grant.Kind.COMPLIMENTARY, Grant.Kind.GIFT)
        if each in kinds
    )
    names = sorted({source.tier_name for source in sources if source.kind == kind})
    name = ", ".join(names)
    if kind != MemberAccess.Source.PAID:
        name = f"{name} ({MemberAccess.Source(kind).label.lower()})"
    open_ended = any(source.until is None for source in sources)
    return Decision(
        paying=True,
        source=kind,
        name=name,
        tier_ids=frozenset(source.tier_id for source in sources if source.tier_id),
        paid_until=None if open_ended else max(ends),
        recheck_at=recheck_at,
    )


STORED_TIER = {
    MemberAccess.Source.FREE: Member.Tier.FREE,
    MemberAccess.Source.PAID: Member.Tier.PAID,
    MemberAccess.Source.COMPLIMENTARY: Member.Tier.COMPED,
    MemberAccess.Source.GIFT: Member.Tier.COMPED,
}


def recompute(member_id: int, reason: str = "billing") -> Decision | None:
    """Work out a member's access again and store it (and `Member.tier`). The member's row is
    locked meanwhile, so concurrent changes to their subscriptions end in the last state."""
    now = timezone.now()
    grace = timedelta(days=BillingSettings.current().past_due_grace_days)
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None:
            return None
        subscriptions = PaidSubscription.objects.filter(member_id=member_id).select_related("tier")
        grants = Grant.objects.filter(member_id=member_id, revoked_at__isnull=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )
        decision = decide(subscriptions, grants.select_related("tier"), grace, now)
        access, _ = MemberAccess.objects.update_or_create(
            member_id=member_id,
            defaults={
                "paying": decision.paying,
                "source": decision.source,
                "name": decision.name,
                "paid_until": decision.paid_until,
                "recheck_at": decision.recheck_at,
                "computed_at": now,
            },
        )
        access.tiers.set(sorted(decision.tier_ids))
        member_services.set_tier(
            member_id, STORED_TIER[MemberAccess.Source(decision.source)], reason=reason
        )
    return decision


def recheck_due() -> int:
    """Periodic: work out again the access of members one of whose plans ended by time (a
    grace period, a canceled period, a gift)."""
    due = MemberAccess.objects.filter(recheck_at__lte=timezone.now()).values_list(
        "member_id", flat=True
    )[:500]
    return sum(recompute(member_id, reason="expired") is not None for member_id in list(due))


# The entitlement rule ----------------------------------------------------------------------


def _live(access: MemberAccess, now: datetime) -> bool:
    return access.paying and (access.paid_until is None or access.paid_until > now)


def stored_access(member: Member) -> MemberAccess | None:
    try:
        return member.billing_access
    except MemberAccess.DoesNotExist:
        return None


def post_tier_ids(post: Post) -> set[int]:
    return set(PostTier.objects.filter(post=post).values_list("tier_id", flat=True))


class BillingEntitlement:
    """Members' entitlement rule, answered from `MemberAccess` (one row per member)."""

    fallback = StoredTier()

    def plan(self, member: Member) -> Plan:
        access = stored_access(member)
        if access is None:
            return self.fallback.plan(member)
        if not _live(access, timezone.now()):
            return Plan(paying=False, name="Free")
        slugs = frozenset(access.tiers.values_list("slug", flat=True))
        return Plan(paying=True, name=access.name, tiers=slugs)

    def may_read(self, member: Member, post: Post) -> bool:
        access = stored_access(member)
        if access is None:
            return self.fallback.may_read(member, post) and not post_tier_ids(post)
        if not _live(access, timezone.now()):
            return False
        wanted = post_tier_ids(post)
        return not wanted or access.tiers.filter(pk__in=wanted).exists()

    def full_text_readers(self, post: Post, member_ids: Collection[int]) -> set[int]:
        ids = list(member_ids)
        now = timezone.now()
        wanted = post_tier_ids(post)
        live = MemberAccess.objects.filter(member_id__in=ids, paying=True).filter(
            Q(paid_until__isnull=True) | Q(paid_until__gt=now)
        )
        if wanted:
            live = live.filter(tiers__in=wanted)
        readers = set(live.values_list("member_id", flat=True))
        if not wanted:  # members billing has never seen keep their stored plan
            readers |= set(
                Member.objects.filter(pk__in=ids, billing_access__isnull=True)
                .exclude(tier=Member.Tier.FREE)
                .values_list("pk", flat=True)
            )
        return readers

    def paying_for(self, tier_ids: Collection[int]) -> QuerySet[Any, int]:
        now = timezone.now()
        return (
            MemberAccess.objects.filter(paying=True, tiers__in=list(tier_ids))
            .filter(Q(paid_until__isnull=True) | Q(paid_until__gt=now))
            .values_list("member_id", flat=True)
        )
