"""Background work for members. Arguments are IDs; every task is safe to run twice."""

from django_tasks import task

from atlas.members import mail


@task()
def send_email_task(email_id: int) -> bool:
    return mail.send(email_id)


@task()
def import_members_task(import_id: int) -> None:
    from atlas.members.import_runs import run_import  # it enqueues this task

    run_import(import_id)
