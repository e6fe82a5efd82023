"""Member imports: upload a list, read the check's report (the platform detected, what would
happen, every problem by line), confirm, and follow the import while a worker runs it. The
workflow is the members app's (`members.import_runs`); these pages only drive it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST, require_safe

from atlas.members import import_runs
from atlas.members.admin_import import ImportForm
from atlas.members.models import MemberImport
from atlas.newsroom.access import staff_view
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page


@staff_view(Permission.MEMBER_IMPORT)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        member_import = form.start(request.user)
        return redirect("newsroom:member_import", import_id=member_import.pk)
    context = {"form": form, "recent": MemberImport.objects.select_related("created_by")[:10]}
    return page(request, "newsroom/members/import_start.html", context)


@staff_view(Permission.MEMBER_IMPORT)
@require_safe
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    member_import = get_object_or_404(MemberImport.objects.select_related("created_by"),
                                      pk=import_id)  # fmt: skip
    dry_run, report = import_runs.reports(member_import)
    total = member_import.rows_total
    context = {
        "member_import": member_import,
        "dry_run": dry_run,
        "report": report,
        "unfinished": member_import.status in import_runs.UNFINISHED,
        "percent": round(100 * member_import.rows_done / total) if total else 0,
    }
    return page(request, "newsroom/members/import.html", context)


@staff_view(Permission.MEMBER_IMPORT)
@require_safe
def import_progress(request: HttpRequest, import_id: int) -> JsonResponse:
    """What the page polls while a worker checks or imports the list."""
    member_import = get_object_or_404(MemberImport, pk=import_id)
    return JsonResponse(
        {
            "status": member_import.status,
            "state": member_import.get_status_display(),
            "done": member_import.rows_done,
            "total": member_import.rows_total,
            "finished": member_import.status not in import_runs.UNFINISHED,
        }
    )


@staff_view(Permission.MEMBER_IMPORT)
@require_POST
def import_decide(request: HttpRequest, import_id: int) -> HttpResponse:
    """Confirm the checked import (a worker runs it), or cancel it (the file is deleted)."""
    member_import = get_object_or_404(MemberImport, pk=import_id)
    action = request.POST.get("action")
    if action == "confirm" and import_runs.confirm_import(member_import):
        messages.success(request, "Importing: a worker is on it. This page follows it.")
    elif action == "cancel" and import_runs.cancel_import(member_import):
        messages.success(request, "Cancelled: nothing was imported, and the file is deleted.")
    else:
        messages.warning(request, "This import is not waiting for a decision.")
    return redirect("newsroom:member_import", import_id=member_import.pk)
