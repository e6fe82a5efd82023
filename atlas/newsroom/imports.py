"""Moving in (/newsroom/import/): upload an export, read the dry run, confirm, follow progress.

The work is `atlas.importing.runs`: a worker checks the file (nothing written), staff confirm,
a worker imports. Pages refresh themselves while a worker is busy (no JavaScript needed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from atlas.importing import runs
from atlas.importing.models import ContentImport
from atlas.importing.report import PLATFORM_NAMES, ContentReport, Tally
from atlas.importing.services import READERS
from atlas.newsroom.access import staff_view
from atlas.newsroom.views import page

PERMISSION = "importing.add_contentimport"
MAX_UPLOAD_BYTES = 2_000_000_000
EXPORT_SUFFIXES = (".json", ".xml", ".wxr", ".zip", ".csv")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="Ghost: the JSON export (Settings → Labs → Export). WordPress: the XML file "
        "from Tools → Export. Substack: the zip from Settings → Exports. beehiiv: the posts CSV.",
    )
    images = forms.FileField(
        required=False,
        label="Images (optional)",
        help_text="A zip of the old site's images: Ghost's content folder or WordPress's "
        "wp-content/uploads. Images not in it are downloaded from the old site.",
    )
    platform = forms.ChoiceField(
        required=False,
        label="Platform",
        choices=[
            ("", "Detect it from the file"),
            *[(name, PLATFORM_NAMES.get(name, name)) for name in READERS],
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:  # read out with the field (the template gives the help this id)
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(EXPORT_SUFFIXES):
            raise ValidationError("Upload a .json, .xml, .zip or .csv export.")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                "That file is larger than 2 GB: import it with atlas import_content."
            )
        return upload

    def clean_images(self) -> UploadedFile | None:
        images: UploadedFile | None = self.cleaned_data.get("images")
        if images and not (images.name or "").lower().endswith(".zip"):
            raise ValidationError("Images come as one .zip file.")
        return images


@staff_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content_import = runs.start_import(
            upload, name=upload.name or "export", images=form.cleaned_data.get("images"),
            platform=form.cleaned_data["platform"], user=request.user,
        )  # fmt: skip
        return redirect("newsroom:import_detail", pk=content_import.pk)
    recent = ContentImport.objects.select_related("created_by")[:10]
    return page(request, "newsroom/imports/start.html", {"form": form, "recent": recent})


@staff_view(PERMISSION)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    content_import = get_object_or_404(ContentImport, pk=pk)
    dry_run, report = runs.reports(content_import)
    context = {
        "content_import": content_import,
        "dry_run": dry_run,
        "dry_run_rows": rows(dry_run),
        "report": report,
        "report_rows": rows(report),
        "unfinished": content_import.status in runs.UNFINISHED,
        "waiting": content_import.status == ContentImport.Status.CHECKED,
    }
    return page(request, "newsroom/imports/detail.html", context)


@staff_view(PERMISSION)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    content_import = get_object_or_404(ContentImport, pk=pk)
    if request.POST.get("action") == "confirm" and runs.confirm_import(content_import):
        messages.success(request, "Importing now: this page follows its progress.")
    elif request.POST.get("action") == "cancel" and runs.cancel_import(content_import):
        messages.info(request, "Cancelled: nothing was imported, and the files are deleted.")
    return redirect("newsroom:import_detail", pk=pk)


def rows(report: ContentReport | None) -> list[tuple[str, Tally]]:
    if report is None:
        return []
    return [("Posts", report.posts), ("Pages", report.pages), ("Tags", report.tags),
            ("Authors", report.authors), ("Comments", report.comments),
            ("Redirects", report.redirects)]  # fmt: skip
