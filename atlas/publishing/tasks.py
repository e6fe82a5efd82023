"""Background work for publishing. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.publishing import services


@task()
def publish_due_posts_task() -> list[int]:
    return services.publish_due_posts()
