"""Moving in with paying readers: link the Stripe subscriptions that members imported from Ghost
or Substack already have (`Member.stripe_customer_id`) to tiers, by price.

It only reads from Stripe: nobody is charged again, no customer is created. Subscriptions found
this way get no welcome email (nor a cancellation email for one that had already ended). A member
with a customer but no live subscription is free. Prices Atlas does not know leave the
subscription paid without a tier and are listed in the report: link them to a tier (the admin's
Prices, or `billing_sync --price PRICE=TIER`) and run it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone
from django_tasks import task

from atlas.billing import entitlement, notices, subscriptions
from atlas.billing.models import Notice, SyncRun
from atlas.billing.stripe_api import StripeDict, as_dict, client, object_id, price_of
from atlas.members.models import Member

Progress = Callable[[dict[str, Any]], None]


def all_subscriptions() -> Iterator[StripeDict]:
    listing = client().v1.subscriptions.list(params={"status": "all", "limit": 100})
    for subscription in listing.auto_paging_iter():
        yield as_dict(subscription)


def subscriptions_of_customer(customer_id: str) -> Iterator[StripeDict]:
    listing = client().v1.subscriptions.list(
        params={"customer": customer_id, "status": "all", "limit": 100}
    )
    for subscription in listing.auto_paging_iter():
        yield as_dict(subscription)


def link_live(member: Member) -> int:
    """Link the live subscriptions Stripe holds for the member's customer (a member imported
    with one, before `billing_sync` ran); return how many are live."""
    if not member.stripe_customer_id:
        return 0
    live = 0
    for state in subscriptions_of_customer(member.stripe_customer_id):
        if state.get("status") in subscriptions.LIVE_STATUSES:
            link(state, member.pk)
            live += 1
    return live


def customers_of_members() -> dict[str, int]:
    return dict(
        Member.objects.exclude(stripe_customer_id="").values_list("stripe_customer_id", "pk")
    )


def run(progress: Progress | None = None) -> dict[str, Any]:
    """Link every member's existing subscriptions; return the report."""
    members = customers_of_members()
    seen_members: set[int] = set()
    unknown_prices: Counter[str] = Counter()
    report: dict[str, Any] = {"subscriptions": 0, "linked": 0, "unknown_customers": 0}
    for state in all_subscriptions():
        report["subscriptions"] += 1
        member_id = members.get(object_id(state.get("customer")))
        if member_id is None:
            report["unknown_customers"] += 1
            continue
        linked = link(state, member_id)
        report["linked"] += linked.subscription.member_id == member_id
        seen_members.add(member_id)
        if linked.subscription.tier_id is None:
            unknown_prices[object_id(price_of(state)) or "(none)"] += 1
        if progress and report["subscriptions"] % 100 == 0:
            progress(report)
    for member_id in set(members.values()) - seen_members:
        entitlement.recompute(member_id, reason="no subscription at Stripe")
    paying = Member.objects.filter(pk__in=list(members.values()), billing_access__paying=True)
    report["members_with_customer"] = len(members)
    report["paying_members"] = paying.count()
    report["free_members"] = len(members) - report["paying_members"]
    report["unknown_prices"] = dict(unknown_prices.most_common())
    return report


def link(state: StripeDict, member_id: int) -> subscriptions.Synced:
    """Link one subscription of a member's customer. One that Atlas's checkout did not start
    came from an earlier platform: no "welcome", no cancellation email for an old end, whether
    its row is new or a webhook stored it first."""
    from_earlier_platform = not subscriptions.started_by_checkout(state)
    if from_earlier_platform:
        notices.skip(Notice.Kind.WELCOME, state["id"], member_id)
        if state.get("status") in ("canceled", "incomplete_expired") or state.get(
            "cancel_at_period_end"
        ):
            notices.skip(Notice.Kind.CANCELED, state["id"], member_id)
    return subscriptions.store(
        state, timezone.now(), member_id=member_id, linked_by_sync=from_earlier_platform
    )


def run_recorded(run_id: int) -> None:
    """Run a sync started from the newsroom, keeping its progress and report on its row."""
    started = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING
    )
    if not started:
        return

    def progress(report: dict[str, Any]) -> None:
        SyncRun.objects.filter(pk=run_id).update(report=dict(report))

    try:
        report = run(progress)
    except Exception as error:
        SyncRun.objects.filter(pk=run_id).update(
            status=SyncRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    SyncRun.objects.filter(pk=run_id).update(
        status=SyncRun.Status.DONE, report=report, finished_at=timezone.now()
    )


@task()
def sync_task(run_id: int) -> None:
    run_recorded(run_id)
