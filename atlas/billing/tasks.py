"""Background work for billing. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.billing import checkout, sync, webhooks


@task()
def sync_task(run_id: int) -> None:
    sync.run_recorded(run_id)


@task()
def process_event_task(event_id: int) -> bool:
    return webhooks.process(event_id)


@task()
def cancel_subscriptions_task(subscription_ids: list[str]) -> None:
    checkout.cancel_at_stripe(subscription_ids)
