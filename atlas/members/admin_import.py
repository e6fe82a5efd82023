"""Staff import members from a CSV file (run by a worker, with progress) and export them.

Wiring, in `atlas/members/admin.py`: `MemberAdmin.actions = [export_csv]` and
`MemberAdmin.get_urls` returning `import_urls(self) + super().get_urls()`; the task
`import_members_task(import_id)` calls `run_import`.
"""

from __future__ import annotations

import io
import logging
import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django_tasks import task

from atlas.members.exporting import csv_chunks
from atlas.members.importing import (
    ImportFileError,
    ImportReport,
    import_members,
    read_rows,
    scan_file,
)
from atlas.members.models import Member, MemberImport, Newsletter
from atlas.members.services import default_newsletters
from atlas.publishing.services import staff_user

logger = logging.getLogger(__name__)

# A worker that sent no progress for this long has stopped: another may take the import over.
LEASE = timedelta(minutes=10)


@admin.action(description="Export selected members as CSV", permissions=["view"])
def export_csv(model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]) -> Any:
    logger.info("%s exported members as CSV", request.user)
    response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    filename = f"members-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The import pages, under the member changelist's URL."""

    def start(request: HttpRequest) -> HttpResponse:
        return import_view(request, model_admin)

    def status(request: HttpRequest, pk: int) -> HttpResponse:
        return import_status_view(request, model_admin, pk)

    wrap = model_admin.admin_site.admin_view
    return [
        path("import/", wrap(start), name="members_member_import"),
        path("import/<int:pk>/", wrap(status), name="members_member_import_status"),
    ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A Substack, beehiiv, Ghost or Mailchimp export, or a list with an email "
        "column (and a name column), saved as UTF-8.",
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the default newsletters.",
    )
    labels = forms.CharField(
        required=False, max_length=300, help_text="Comma-separated; added to every member."
    )
    confirmed = forms.BooleanField(
        required=False,
        label="These readers already confirmed their address",
        help_text="Tick only if they confirmed with your previous provider (double opt-in): "
        "they are imported as active. Otherwise they are pending, and the import sends nothing.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            self.line_count = scan_file(upload)
            text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
            try:
                read_rows(text)  # a file without an email column fails now, not in the worker
            finally:
                text.detach()  # leave the upload open
                upload.seek(0)
        except ImportFileError as error:
            raise ValidationError(str(error)) from error
        return upload

    def options(self) -> dict[str, Any]:
        newsletters = list(self.cleaned_data["newsletters"]) or default_newsletters()
        labels = [name.strip() for name in self.cleaned_data["labels"].split(",")]
        return {
            "newsletters": [newsletter.pk for newsletter in newsletters],
            "labels": [name for name in labels if name],
            "confirmed": self.cleaned_data["confirmed"],
        }


def import_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        member_import = start_import(form, request)
        return redirect("admin:members_member_import_status", pk=member_import.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import members",
        "form": form,
        "recent_imports": MemberImport.objects.all()[:10],
    }
    return TemplateResponse(request, "admin/members/import.html", context)


def import_status_view(
    request: HttpRequest, model_admin: admin.ModelAdmin, pk: int
) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    member_import = get_object_or_404(MemberImport, pk=pk)
    report = ImportReport.from_dict(member_import.report) if member_import.report else None
    unfinished = member_import.status in (MemberImport.Status.QUEUED, MemberImport.Status.RUNNING)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Import of {member_import.original_name}",
        "member_import": member_import,
        "report_text": report.as_text() if report else "",
        "unfinished": unfinished,
    }
    return TemplateResponse(request, "admin/members/import_status.html", context)


def start_import(form: ImportForm, request: HttpRequest) -> MemberImport:
    """Keep the upload under an unguessable name and queue the import for a worker."""
    upload = form.cleaned_data["file"]
    name = default_storage.save(f"imports/{secrets.token_urlsafe(24)}.csv", upload)
    member_import = MemberImport.objects.create(
        file=name,
        original_name=(upload.name or "upload.csv")[:255],
        options=form.options(),
        rows_total=max(form.line_count - 1, 0),  # less the header line
        created_by=staff_user(request.user),
    )
    transaction.on_commit(lambda: enqueue_import(member_import.pk))
    return member_import


def enqueue_import(import_id: int) -> None:
    try:
        import_members_task.enqueue(import_id)
    except Exception:  # the import stays queued; its page says a worker must be running
        logger.exception("Could not enqueue member import %s", import_id)


@task()
def import_members_task(import_id: int) -> None:
    """What `start_import` wakes a worker with: the import's ID (safe to run twice)."""
    run_import(import_id)


def run_import(import_id: int) -> None:
    """The task's body. Safe to run twice: it works only on an import it could claim."""
    if not claim(import_id):
        return
    member_import = MemberImport.objects.get(pk=import_id)
    options = member_import.options
    newsletters = list(Newsletter.objects.filter(pk__in=options.get("newsletters", [])))
    try:
        with member_import.file.open("rb") as binary_file:
            text = io.TextIOWrapper(binary_file, encoding="utf-8-sig", newline="")
            report = import_members(
                text,
                newsletters=newsletters,
                labels=options.get("labels", []),
                confirmed=options.get("confirmed", False),
                progress=lambda rows: record_progress(import_id, rows),
            )
    except ImportFileError as error:
        finish(member_import, MemberImport.Status.FAILED, error=str(error))
        return
    except Exception:
        finish(member_import, MemberImport.Status.FAILED,
               error="The import stopped on an unexpected error (see the worker's log); "
               "the rows before it were imported.")  # fmt: skip
        raise
    finish(member_import, MemberImport.Status.DONE, report=report.as_dict())


def claim(import_id: int) -> bool:
    """Take a queued import, or one whose worker stopped sending progress."""
    now = timezone.now()
    claimable = Q(status=MemberImport.Status.QUEUED) | Q(
        status=MemberImport.Status.RUNNING, heartbeat_at__lt=now - LEASE
    )
    return bool(
        MemberImport.objects.filter(claimable, pk=import_id).update(
            status=MemberImport.Status.RUNNING, heartbeat_at=now, rows_done=0
        )
    )


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
        default_storage.delete(member_import.file.name)
    member_import.file = ""
    member_import.status = status
    member_import.error = error
    member_import.report = report or {}
    member_import.finished_at = timezone.now()
    member_import.save(update_fields=["file", "status", "error", "report", "finished_at"])
