"""Member imports staff start from a page: checked by a worker first, run once confirmed.

The workflow the admin's import page and the newsroom's members page both use:

1. `start_import(file, name=..., newsletters=..., labels=..., confirmed=..., user=...)` keeps the
   upload under an unguessable name and queues its dry run (status `checking`);
2. a worker runs `import_members_task(id)`: the dry run (`import_members(..., dry_run=True)`)
   stores its report (`dry_run_report`, status `checked`), or why the file was refused (`failed`);
3. `confirm_import(member_import)` queues the real import (`queued`); the worker runs it with
   progress (`rows_done`, `heartbeat_at`) and stores the report (`done`);
4. `cancel_import(member_import)` drops a checked import and its file.

`run_import` is safe to run twice and from several workers: it works only on an import it could
claim. The uploaded list is deleted once the import is done, failed or cancelled.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from atlas.lib.queue import wake
from atlas.lib.storage import private_storage
from atlas.members.importing import ImportFileError, ImportReport, import_members
from atlas.members.models import MemberImport, Newsletter

logger = logging.getLogger(__name__)

# A worker that sent no progress for this long has stopped: another may take the import over.
LEASE = timedelta(minutes=10)
UNFINISHED = (MemberImport.Status.CHECKING, MemberImport.Status.QUEUED, MemberImport.Status.RUNNING)


def start_import(
    file: File,
    *,
    name: str,
    newsletters: list[Newsletter],
    labels: list[str],
    confirmed: bool,
    user: Any = None,
) -> MemberImport:
    """Keep the upload and queue its dry run; nothing is imported before `confirm_import`."""
    stored = private_storage().save(f"imports/{secrets.token_urlsafe(24)}.csv", file)
    member_import = MemberImport.objects.create(
        file=stored,
        original_name=(name or "upload.csv")[:255],
        options={
            "newsletters": [newsletter.pk for newsletter in newsletters],
            "labels": [label.strip() for label in labels if label.strip()],
            "confirmed": confirmed,
        },
        status=MemberImport.Status.CHECKING,
        created_by=user if getattr(user, "pk", None) else None,
    )
    transaction.on_commit(lambda: enqueue(member_import.pk))
    return member_import


def confirm_import(member_import: MemberImport) -> bool:
    """Queue a checked import; False if it was not waiting (already confirmed, or failed)."""
    queued = MemberImport.objects.filter(
        pk=member_import.pk, status=MemberImport.Status.CHECKED
    ).update(status=MemberImport.Status.QUEUED, heartbeat_at=None)
    if queued:
        transaction.on_commit(lambda: enqueue(member_import.pk))
    return bool(queued)


def cancel_import(member_import: MemberImport) -> bool:
    """Drop a checked import and its file; False if it was not waiting for confirmation."""
    if member_import.status != MemberImport.Status.CHECKED:
        return False
    finish(member_import, MemberImport.Status.CANCELLED, error="Cancelled: nothing was imported.")
    return True


@task()
def import_members_task(import_id: int) -> None:
    """What a worker runs: the dry run or the import (safe to run twice)."""
    run_import(import_id)


def enqueue(import_id: int) -> None:
    # Else the import stays queued; its page says a worker must be running.
    wake(import_members_task, import_id, what=f"member import {import_id}")


def run_import(import_id: int) -> None:
    """The task's body: the dry run of a new import, or the import of a confirmed one."""
    member_import = claim(import_id)
    if member_import is None:
        return
    dry_run = member_import.status == MemberImport.Status.CHECKING
    options = member_import.options
    try:
        with member_import.file.open("rb") as binary_file:
            report = import_members(
                binary_file,
                newsletters=list(Newsletter.objects.filter(pk__in=options.get("newsletters", []))),
                labels=options.get("labels", []),
                confirmed=options.get("confirmed", False),
                dry_run=dry_run,
                progress=lambda rows: record_progress(import_id, rows),
            )
    except ImportFileError as error:
        finish(member_import, MemberImport.Status.FAILED, error=str(error))
        return
    except Exception:
        written = "nothing was imported" if dry_run else "the rows before it were imported"
        message = f"The import stopped on an unexpected error (see the worker's log); {written}."
        finish(member_import, MemberImport.Status.FAILED, error=message)
        raise
    if dry_run:
        MemberImport.objects.filter(pk=import_id).update(
            status=MemberImport.Status.CHECKED,
            dry_run_report=report.as_dict(),
            rows_total=report.rows,
            rows_done=0,
        )
        return
    finish(member_import, MemberImport.Status.DONE, report=report.as_dict())


def claim(import_id: int) -> MemberImport | None:
    """Take a new or confirmed import, or one whose worker stopped sending progress."""
    now = timezone.now()
    stale = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - LEASE)
    checking = Q(status=MemberImport.Status.CHECKING) & stale
    queued = Q(status=MemberImport.Status.QUEUED)
    abandoned = Q(status=MemberImport.Status.RUNNING, heartbeat_at__lt=now - LEASE)
    with transaction.atomic():
        member_import = MemberImport.objects.filter(pk=import_id).first()
        if member_import is None:
            return None
        dry_run = member_import.status == MemberImport.Status.CHECKING
        new_status = MemberImport.Status.CHECKING if dry_run else MemberImport.Status.RUNNING
        won = MemberImport.objects.filter(checking | queued | abandoned, pk=import_id).update(
            status=new_status, heartbeat_at=now, rows_done=0
        )
    if not won:
        return None
    member_import.refresh_from_db()
    return member_import


def record_progress(import_id: int, rows: int) -> None:
    MemberImport.objects.filter(pk=import_id).update(rows_done=rows, heartbeat_at=timezone.now())


def finish(
    member_import: MemberImport,
    status: str,
    *,
    error: str = "",
    report: dict[str, Any] | None = None,
) -> None:
    """Record the outcome and delete the uploaded list: personal data we no longer need."""
    if member_import.file.name:
        member_import.file.storage.delete(member_import.file.name)
    member_import.file.name = ""
    member_import.status = status
    member_import.error = error
    member_import.report = report or {}
    member_import.finished_at = timezone.now()
    member_import.save(update_fields=["file", "status", "error", "report", "finished_at"])


def reports(member_import: MemberImport) -> tuple[ImportReport | None, ImportReport | None]:
    """The import's dry-run report and final report, where there are."""
    dry_run = member_import.dry_run_report
    final = member_import.report
    return (
        ImportReport.from_dict(dry_run) if dry_run else None,
        ImportReport.from_dict(final) if final else None,
    )
