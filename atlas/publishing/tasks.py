"""Background work for publishing. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.publishing import services


@task()
def publish_due_posts_task(post_id: int | None = None) -> list[int]:
    """Publish what is due; if `post_id` is not due yet (a queue that woke early), ask again."""
    published = services.publish_due_posts()
    if post_id is not None:
        services.reschedule_if_early(post_id)
    return published
