"""Background work for delivery. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.delivery import engine


@task()
def prepare_send_task(send_id: int) -> int:
    """Fill the ledger batch by batch, waking a worker for each batch as soon as it exists."""
    batches = 0
    while (batch_id := engine.prepare_next_batch(send_id)) is not None:
        engine.wake(batch_id)
        batches += 1
    return batches


@task()
def deliver_batch_task(batch_id: int) -> int:
    return engine.deliver_batch(batch_id)
