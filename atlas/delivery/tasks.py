"""Background work for delivery. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.delivery import engine


@task()
def prepare_send_task(send_id: int) -> int:
    """Fill the ledger batch by batch, waking a worker for each batch as soon as it exists.
    A copy of this task finds the lease held and leaves the work to the first."""
    if not engine.claim_preparation(send_id):
        return 0
    batches = 0
    try:
        while (batch_id := engine.prepare_next_batch(send_id)) is not None:
            engine.wake(batch_id)
            batches += 1
    finally:
        engine.release_preparation(send_id)  # paused, cancelled or failed: free it at once
    return batches


@task()
def deliver_batch_task(batch_id: int) -> int:
    return engine.deliver_batch(batch_id)
