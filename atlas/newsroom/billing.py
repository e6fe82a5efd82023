"""The newsroom's paid pages (`/newsroom/tiers/`): tiers and their prices, plans given by staff,
the paid numbers with CSV, and the link to existing Stripe subscriptions (billing_sync)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from atlas.billing import numbers, services
from atlas.billing.forms import GrantForm, TierForm
from atlas.billing.models import BillingSettings, Grant, SyncRun, Tier
from atlas.billing.stripe_api import configured
from atlas.billing.sync import sync_task
from atlas.lib.queue import wake
from atlas.newsroom.access import staff_view
from atlas.newsroom.views import page

RANGES = {"30": 30, "90": 90, "365": 365}


@staff_view("billing.view_tier")
def tiers(request: HttpRequest) -> HttpResponse:
    live = Q(subscriptions__status__in=["trialing", "active", "past_due"])
    listed = Tier.objects.annotate(
        subscribers=Count("subscriptions", filter=live)
    ).prefetch_related("prices")
    context = {
        "tiers": listed,
        "configured": configured(),
        "currency": BillingSettings.current().currency,
        "last_sync": SyncRun.objects.first(),
        "can_edit": request.user.has_perm("billing.change_tier"),
    }
    return page(request, "newsroom/billing/tiers.html", context)


@staff_view("billing.change_tier")
@require_http_methods(["GET", "POST"])
def tier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    tier = get_object_or_404(Tier, pk=pk) if pk else Tier(kind=Tier.Kind.PAID)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        problems = services.save_tier(form.save(commit=False))
        for problem in problems:
            messages.warning(request, problem)
        if not problems:
            messages.success(request, f"{form.instance.name} is saved.")
        return redirect("newsroom:billing_tiers")
    return page(request, "newsroom/billing/tier_form.html", {"form": form, "tier": tier})


@staff_view("billing.view_paidsubscription")
def paid_numbers(request: HttpRequest) -> HttpResponse:
    start, end = _range(request)
    per_tier = numbers.tier_series(start, end)
    context = {
        "figures": numbers.figures(start, end),
        "series": numbers.series(start, end),
        "tier_names": list(per_tier),
        "tier_days": _by_day(per_tier),
        "start": start,
        "end": end,
        "days": request.GET.get("days", "30"),
    }
    return page(request, "newsroom/billing/numbers.html", context)


@staff_view("billing.view_paidsubscription")
def paid_numbers_csv(request: HttpRequest) -> HttpResponse:
    start, end = _range(request)
    response = HttpResponse(
        "".join(numbers.csv_lines(start, end)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="paid-{start}-{end}.csv"'
    return response


def _by_day(per_tier: dict[str, list[numbers.Point]]) -> list[tuple[date, list[numbers.Point]]]:
    """Newest day first: the day, and each tier's point that day (in the tiers' order)."""
    columns = list(per_tier.values())
    days = [point.day for point in columns[0]] if columns else []
    return [(day, [column[index] for column in columns]) for index, day in enumerate(days)][::-1]


def _range(request: HttpRequest) -> tuple[date, date]:
    return numbers.since(RANGES.get(request.GET.get("days", ""), 30))


@staff_view("billing.add_grant")
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.give(data["email"], data["tier"], kind=data["kind"], ends_at=data["until"],
                      note=data["note"], by=request.user)  # fmt: skip
        messages.success(request, f"{data['tier'].name} given to {data['email'].display_email}.")
        return redirect("newsroom:billing_grants")
    listed = Grant.objects.live().select_related("member", "tier", "created_by")[:500]
    return page(request, "newsroom/billing/grants.html", {"form": form, "grants": listed})


@staff_view("billing.change_grant")
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant, pk=pk)
    services.revoke(grant)
    messages.success(request, f"The plan of {grant.member.display_email} is revoked.")
    return redirect("newsroom:billing_grants")


@staff_view("billing.change_tier")
@require_POST
def stripe_sync(request: HttpRequest) -> HttpResponse:
    """The button for `atlas billing_sync`: runs in the background, its report on the tiers page."""
    if not configured():
        messages.error(request, "Stripe is not configured.")
        return redirect("newsroom:billing_tiers")
    running = SyncRun.objects.filter(status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING])
    if running.filter(created_at__gte=_recent()).exists():
        messages.info(request, "A link with Stripe is already running.")
        return redirect("newsroom:billing_tiers")
    with transaction.atomic():
        run = SyncRun.objects.create(created_by_id=request.user.pk)
        transaction.on_commit(lambda: _start(run))
    messages.success(request, "Linking existing Stripe subscriptions; the report appears here.")
    return redirect("newsroom:billing_tiers")


def _start(run: SyncRun) -> None:
    """Wake a worker for the run; when none can be woken, the run ends at once, saying so."""
    if not wake(sync_task, run.pk, what=f"Stripe link run {run.pk}"):
        SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
            status=SyncRun.Status.FAILED,
            error="No worker could be reached (the task queue is down). Try again shortly.",
            finished_at=timezone.now(),
        )


def _recent() -> datetime:
    return timezone.now() - timedelta(hours=1)


urlpatterns = [
    path("", tiers, name="billing_tiers"),
    path("new/", tier_edit, name="billing_tier_new"),
    path("<int:pk>/", tier_edit, name="billing_tier_edit"),
    path("numbers/", paid_numbers, name="billing_numbers"),
    path("numbers.csv", paid_numbers_csv, name="billing_numbers_csv"),
    path("plans-given/", grants, name="billing_grants"),
    path("plans-given/<int:pk>/revoke/", grant_revoke, name="billing_grant_revoke"),
    path("stripe-sync/", stripe_sync, name="billing_sync"),
]
