"""Staff import members from a CSV file (checked, confirmed, then run by a worker) and export them.

Wiring, in `atlas/members/admin.py`: `MemberAdmin.actions = [export_csv, ask_permission]` and
`MemberAdmin.get_urls` returning `import_urls(self) + super().get_urls()`. The workflow itself
(dry run, confirmation, the worker's task) is `atlas.members.import_runs`.
"""

from __future__ import annotations

import io
import logging
from typing import Any, BinaryIO, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from atlas.members.exporting import csv_chunks
from atlas.members.import_formats import check_states
from atlas.members.import_runs import (
    UNFINISHED,
    cancel_import,
    confirm_import,
    reports,
    start_import,
)
from atlas.members.importing import ImportFileError, scan_file
from atlas.members.models import Member, MemberImport, Newsletter
from atlas.members.repermission import request_permission
from atlas.members.services import default_newsletters

logger = logging.getLogger(__name__)


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


@admin.action(
    description="Ask the selected pending imported members to confirm (one email each, once)",
    permissions=["change"],
)
def ask_permission(model_admin: Any, request: HttpRequest, queryset: QuerySet[Member]) -> None:
    outcome = request_permission(queryset, request.user)
    model_admin.message_user(
        request,
        f"Queued {outcome.queued:,} confirmation emails; {outcome.already_asked:,} already "
        f"asked; {outcome.not_pending:,} not pending imported members (not asked).",
        messages.SUCCESS,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A Substack, beehiiv, Ghost, Mailchimp, Kit, Buttondown or Atlas export, or a "
        "list with an email column (and a name column), saved as UTF-8.",
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the default newsletters. Rows of an Atlas export keep their own.",
    )
    labels = forms.CharField(
        required=False, max_length=300, help_text="Comma-separated; added to every member."
    )
    confirmed = forms.BooleanField(
        required=False,
        label="My previous platform confirmed its active readers",
        help_text="Tick only if it used double opt-in: readers it lists as active are imported "
        "as active. Readers it lists as pending, unsubscribed or bounced keep that state "
        "whatever you tick; without it everyone is pending, and the import sends nothing.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            scan_file(cast(BinaryIO, upload))
            text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
            try:
                check_states(text)  # refused now, not in the worker: no email or status column
            finally:
                text.detach()  # leave the upload open
                upload.seek(0)
        except ImportFileError as error:
            raise ValidationError(str(error)) from error
        return upload

    def start(self, user: Any) -> MemberImport:
        labels = [name.strip() for name in self.cleaned_data["labels"].split(",")]
        upload = self.cleaned_data["file"]
        return start_import(
            upload,
            name=upload.name or "upload.csv",
            newsletters=list(self.cleaned_data["newsletters"]) or default_newsletters(),
            labels=[name for name in labels if name],
            confirmed=self.cleaned_data["confirmed"],
            user=user,
        )


def import_view(request: HttpRequest, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        member_import = form.start(request.user)
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
    if request.method == "POST":
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        if request.POST.get("action") == "confirm" and confirm_import(member_import):
            messages.success(request, "The import is queued: a worker runs it now.")
        elif request.POST.get("action") == "cancel" and cancel_import(member_import):
            messages.info(request, "Cancelled: nothing was imported, and the file is deleted.")
        return redirect("admin:members_member_import_status", pk=pk)
    dry_run, report = reports(member_import)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Import of {member_import.original_name}",
        "member_import": member_import,
        "dry_run": dry_run,
        "dry_run_text": dry_run.as_text() if dry_run else "",
        "report_text": report.as_text() if report else "",
        "unfinished": member_import.status in UNFINISHED,
        "can_confirm": member_import.status == MemberImport.Status.CHECKED
        and model_admin.has_add_permission(request),
    }
    return TemplateResponse(request, "admin/members/import_status.html", context)
