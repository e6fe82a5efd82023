"""Background work for members. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.members import outbox


@task()
def send_email_task(email_id: int) -> bool:
    return outbox.send(email_id)


@task()
def import_members_task(import_id: int) -> None:
    from atlas.members.admin_import import run_import

    run_import(import_id)
