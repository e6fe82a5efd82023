"""Sponsors: the month calendar is their home; campaigns are booked and edited from it, and each
has its report (by day and placement, a chart, CSV, a link to share with the sponsor)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from atlas.newsroom.access import staff_view
from atlas.newsroom.forms import https_urls
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page
from atlas.publishing.context_processors import current_publication
from atlas.sponsors import calendar, reports, services
from atlas.sponsors.models import Campaign, Sponsor, SponsorSettings
from atlas.sponsors.placement import today_for, web_block
from atlas.sponsors.tokens import report_token

STATUS_ACTIONS = {
    "pause": (Campaign.Status.PAUSED, "Paused."),
    "resume": (Campaign.Status.SCHEDULED, "Resumed: it runs on its dates."),
    "end": (Campaign.Status.ENDED, "Ended."),
}


@staff_view(Permission.SPONSORS)
@require_safe
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = today_for(current_publication(request))
    first = calendar.parse_month(request.GET.get("month"), today)
    drafts = Campaign.objects.filter(status=Campaign.Status.DRAFT).select_related("sponsor")
    context = {
        "month": calendar.month_view(first, today),
        "drafts": list(drafts.order_by("starts_on")[:20]),
        "can_book": request.user.has_perm(Permission.CAMPAIGN_ADD),
    }
    return page(request, "newsroom/sponsors/calendar.html", context)


class CampaignForm(forms.ModelForm):
    new_sponsor = forms.CharField(
        required=False,
        max_length=120,
        label="Or a new sponsor",
        help_text="Type a name to add a sponsor that is not in the list.",
    )

    field_order = ["sponsor", "new_sponsor"]

    class Meta:
        model = Campaign
        formfield_callback = https_urls
        fields = [
            "sponsor", "headline", "body", "call_to_action", "destination_url", "image",
            "image_alt", "status", "starts_on", "ends_on", "placement", "tags", "newsletters",
            "weight", "exclusive", "impression_cap", "send_cap",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "tags": forms.CheckboxSelectMultiple,
            "newsletters": forms.CheckboxSelectMultiple,
            "body": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "status": "Draft: not on the calendar. Scheduled: runs on its dates.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].required = False
        self.fields["destination_url"].widget.attrs["placeholder"] = "https://"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("new_sponsor", "").strip()
        if not data.get("sponsor") and not name:
            self.add_error("sponsor", "Choose the sponsor, or type a new one's name.")
        elif name and Sponsor.objects.filter(name__iexact=name).exists():
            self.add_error("new_sponsor", "This sponsor exists: choose it in the list.")
        return data

    @transaction.atomic
    def save(self, commit: bool = True) -> Campaign:
        name = self.cleaned_data.get("new_sponsor", "").strip()
        if name:
            self.instance.sponsor = Sponsor.objects.create(name=name)
        return super().save(commit)


@staff_view(Permission.SPONSORS)
def campaign_edit(request: HttpRequest, campaign_id: int | None = None) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id) if campaign_id else None
    needed = Permission.CAMPAIGN_CHANGE if campaign else Permission.CAMPAIGN_ADD
    can_save = request.user.has_perm(needed)
    initial = {}
    if campaign is None:
        starts = request.GET.get("starts_on", "")
        initial = {"starts_on": starts if _is_date(starts) else "",
                   "ends_on": starts if _is_date(starts) else "",
                   "status": Campaign.Status.SCHEDULED}  # fmt: skip
    form = CampaignForm(request.POST or None, request.FILES or None, instance=campaign,
                        initial=initial)  # fmt: skip
    if request.method == "POST":
        if not can_save:
            return HttpResponse("Your role cannot change campaigns.", status=403)
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Saved “{saved.headline}”.")
            month = saved.starts_on.strftime("%Y-%m")
            return redirect(f"{reverse('newsroom:sponsors')}?month={month}")
    preview = None
    if campaign is not None:
        preview = web_block(campaign, SponsorSettings.current().shown_label, preview=True)
    context = {
        "campaign": campaign,
        "form": form,
        "can_save": can_save,
        "preview": preview,
        "can_change": request.user.has_perm(Permission.CAMPAIGN_CHANGE),
    }
    return page(request, "newsroom/sponsors/campaign.html", context)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@staff_view(Permission.CAMPAIGN_CHANGE)
@require_POST
def campaign_status(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    action = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown action.")
    else:
        services.set_status(campaign, action[0])
        messages.success(request, action[1])
    return redirect("newsroom:campaign", campaign_id=campaign.pk)


def _campaign(campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("sponsor"), pk=campaign_id)


@staff_view(Permission.SPONSORS)
@require_safe
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    share_path = reverse("sponsors:shared_report", args=[report_token(campaign)])
    context = {
        "campaign": campaign,
        "report": reports.build_report(campaign),
        "chart_url": reverse("newsroom:campaign_chart", args=[campaign.pk]),
        "csv_url": reverse("newsroom:campaign_csv", args=[campaign.pk]),
        "share_url": current_publication(request).absolute(share_path),
    }
    return page(request, "newsroom/sponsors/report.html", context)


@staff_view(Permission.SPONSORS)
@require_safe
def campaign_csv(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return reports.csv_response(reports.build_report(_campaign(campaign_id)))


@staff_view(Permission.SPONSORS)
@require_safe
def campaign_chart(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return reports.chart_response(reports.build_report(_campaign(campaign_id)))


@staff_view(Permission.CAMPAIGN_CHANGE)
@require_POST
def campaign_revoke(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _campaign(campaign_id).revoke_report_link()
    messages.success(request, "The old report link no longer works; share the new one.")
    return redirect("newsroom:campaign_report", campaign_id=campaign_id)
