"""Imports of posts staff start from the newsroom: checked by a worker first, run once confirmed.

1. `start_import(file, name=..., images=..., platform=..., user=...)` keeps the upload (and an
   optional zip of images) under unguessable names and queues the dry run (`checking`);
2. a worker runs `import_content_task(id)`: the dry run stores its report (`checked`), or the
   reason the file was refused (`failed`);
3. `confirm_import(content_import)` queues the import (`queued`); the worker runs it, recording
   progress (`items_done` of `items_total`, `heartbeat_at`), then the report (`done`);
4. `cancel_import(content_import)` drops a checked import and its files.

Safe to run twice and from several workers: a run works only on an import it could claim, and
an import is itself idempotent, so one resumed after a lost worker creates no duplicates.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from atlas.importing.models import ContentImport
from atlas.importing.report import ContentReport
from atlas.importing.services import ExportError, import_content
from atlas.lib.queue import wake
from atlas.lib.storage import local_path, private_storage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
UNFINISHED = (ContentImport.Status.CHECKING, ContentImport.Status.QUEUED,
              ContentImport.Status.RUNNING)  # fmt: skip


def start_import(
    file: File, *, name: str, images: File | None = None, platform: str = "", user: Any = None
) -> ContentImport:
    """Keep the upload and queue its dry run; nothing is imported before `confirm_import`."""
    suffix = Path(name).suffix.lower()[:8]
    storage = private_storage()
    stored = storage.save(f"imports/content/{secrets.token_urlsafe(24)}{suffix}", file)
    stored_images = (
        storage.save(f"imports/content/{secrets.token_urlsafe(24)}.zip", images) if images else ""
    )
    content_import = ContentImport.objects.create(
        file=stored, images=stored_images, original_name=name[:255], platform=platform,
        created_by=user if getattr(user, "pk", None) else None,
    )  # fmt: skip
    transaction.on_commit(lambda: enqueue(content_import.pk))
    return content_import


def confirm_import(content_import: ContentImport) -> bool:
    queued = ContentImport.objects.filter(
        pk=content_import.pk, status=ContentImport.Status.CHECKED
    ).update(status=ContentImport.Status.QUEUED, heartbeat_at=None)
    if queued:
        transaction.on_commit(lambda: enqueue(content_import.pk))
    return bool(queued)


def cancel_import(content_import: ContentImport) -> bool:
    if content_import.status != ContentImport.Status.CHECKED:
        return False
    finish(content_import, ContentImport.Status.CANCELLED, error="Cancelled: nothing was imported.")
    return True


@task()
def import_content_task(import_id: int) -> None:
    """What a worker runs: the dry run or the import (safe to run twice)."""
    run_import(import_id)


def enqueue(import_id: int) -> None:
    # Else it stays queued; its page says a worker must be running.
    wake(import_content_task, import_id, what=f"content import {import_id}")


def run_import(import_id: int) -> None:
    content_import = claim(import_id)
    if content_import is None:
        return
    dry_run = content_import.status == ContentImport.Status.CHECKING
    try:
        with ExitStack() as files:
            export = files.enter_context(local_path(content_import.file))
            images = (
                files.enter_context(local_path(content_import.images))
                if content_import.images
                else None
            )
            report = import_content(
                export,
                platform=content_import.platform or None,
                images=images,
                dry_run=dry_run,
                progress=lambda done, total: record_progress(import_id, done, total),
            )
    except ExportError as error:
        finish(content_import, ContentImport.Status.FAILED, error=str(error))
        return
    except Exception:
        written = "nothing was imported" if dry_run else "the posts before it were imported"
        message = f"The import stopped on an unexpected error (see the worker's log); {written}."
        finish(content_import, ContentImport.Status.FAILED, error=message)
        raise
    if dry_run:
        ContentImport.objects.filter(pk=import_id).update(
            status=ContentImport.Status.CHECKED, platform=report.platform,
            dry_run_report=report.as_dict(), items_done=0,
        )  # fmt: skip
        return
    finish(content_import, ContentImport.Status.DONE, report=report.as_dict())


def claim(import_id: int) -> ContentImport | None:
    now = timezone.now()
    stale = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - LEASE)
    claimable = (
        (Q(status=ContentImport.Status.CHECKING) & stale)
        | Q(status=ContentImport.Status.QUEUED)
        | Q(status=ContentImport.Status.RUNNING, heartbeat_at__lt=now - LEASE)
    )
    content_import = ContentImport.objects.filter(pk=import_id).first()
    if content_import is None:
        return None
    checking = content_import.status == ContentImport.Status.CHECKING
    won = ContentImport.objects.filter(claimable, pk=import_id).update(
        status=ContentImport.Status.CHECKING if checking else ContentImport.Status.RUNNING,
        heartbeat_at=now, items_done=0,
    )  # fmt: skip
    if not won:
        return None
    content_import.refresh_from_db()
    return content_import


def record_progress(import_id: int, done: int, total: int) -> None:
    ContentImport.objects.filter(pk=import_id).update(
        items_done=done, items_total=total, heartbeat_at=timezone.now()
    )


def finish(
    content_import: ContentImport, status: str, *, error: str = "",
    report: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """Record the outcome and delete the uploaded files."""
    for stored in (content_import.file, content_import.images):
        if stored.name:
            stored.storage.delete(stored.name)
    ContentImport.objects.filter(pk=content_import.pk).update(
        file="", images="", status=status, error=error, report=report or {},
        finished_at=timezone.now(),
    )  # fmt: skip
    content_import.refresh_from_db()


def reports(content_import: ContentImport) -> tuple[ContentReport | None, ContentReport | None]:
    dry_run, final = content_import.dry_run_report, content_import.report
    return (
        ContentReport.from_dict(dry_run) if dry_run else None,
        ContentReport.from_dict(final) if final else None,
    )
