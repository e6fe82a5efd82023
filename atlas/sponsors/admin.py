"""Staff screens: sponsors, campaigns (with their report and the calendar), settings, opt-outs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from atlas.lib.singleton import SingletonAdmin
from atlas.publishing.models import Publication
from atlas.sponsors import calendar, reports
from atlas.sponsors.models import (
    Campaign,
    SendSponsorship,
    Sponsor,
    SponsorSettings,
    SponsorshipOptOut,
)
from atlas.sponsors.placement import today_for, web_block
from atlas.sponsors.tokens import report_token

STATUS_COLOURS: dict[str, str] = {
    Campaign.Status.DRAFT: "#6b6e76",
    Campaign.Status.SCHEDULED: "#1a5fb4",
    Campaign.Status.RUNNING: "#26803a",
    Campaign.Status.PAUSED: "#a15c00",
    Campaign.Status.ENDED: "#3d3f45",
}


class CampaignInline(admin.TabularInline):
    model = Campaign
    fields = readonly_fields = ("headline", "status", "starts_on", "ends_on", "placement")
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_email", "campaign_count", "website"]
    search_fields = ["name", "contact_name", "contact_email", "notes"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "logo", "website"]}),
        ("Contact", {"fields": ["contact_name", "contact_email", "contact_phone", "notes"]}),
    ]
    inlines = [CampaignInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sponsor]:
        return super().get_queryset(request).annotate(campaign_count=Count("campaigns"))

    @admin.display(description="Campaigns", ordering="campaign_count")
    def campaign_count(self, sponsor: Sponsor) -> int:
        return sponsor.campaign_count  # type: ignore[attr-defined]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "headline", "sponsor", "status_badge", "starts_on", "ends_on", "placement", "weight",
        "exclusive", "report_link",
    ]  # fmt: skip
    list_filter = ["status", "placement", "exclusive", "sponsor", "tags", "newsletters"]
    list_select_related = ["sponsor"]
    search_fields = ["headline", "body", "sponsor__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["sponsor"]
    filter_horizontal = ["tags", "newsletters"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["block_preview"]
    actions = ["pause", "resume", "end", "revoke_report_links"]
    fieldsets = [
        (
            "Message",
            {
                "fields": [
                    "sponsor",
                    "headline",
                    "body",
                    "call_to_action",
                    "destination_url",
                    "image",
                    "image_alt",
                    "block_preview",
                ]
            },
        ),
        ("When", {"fields": ["status", "starts_on", "ends_on"]}),
        ("Where", {"fields": ["placement", "tags", "newsletters"]}),
        ("Rotation and limits", {"fields": ["weight", "exclusive", "impression_cap", "send_cap"]}),
    ]

    @admin.display(description="Status", ordering="status")
    def status_badge(self, campaign: Campaign) -> str:
        return format_html(
            '<strong style="color: {}">{}</strong>',
            STATUS_COLOURS[campaign.status],
            campaign.get_status_display(),
        )

    @admin.display(description="Report")
    def report_link(self, campaign: Campaign) -> str:
        return format_html(
            '<a href="{}">Report</a>', reverse("admin:sponsors_campaign_report", args=[campaign.pk])
        )

    @admin.display(description="How readers see it")
    def block_preview(self, campaign: Campaign) -> str:
        if not campaign.pk:
            return "Save the campaign to see it."
        block = web_block(campaign, SponsorSettings.current().shown_label, preview=True)
        return render_to_string("sponsors/block.html", {"block": block, "admin_preview": True})

    @admin.action(description="Pause the selected campaigns", permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.PAUSED)

    @admin.action(description="Resume the selected campaigns", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        # Scheduled: the clock makes it Running within a minute when its dates have come.
        self._set_status(request, queryset, Campaign.Status.SCHEDULED)

    @admin.action(description="End the selected campaigns now", permissions=["change"])
    def end(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.ENDED)

    @admin.action(description="Revoke their shared report links", permissions=["change"])
    def revoke_report_links(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        for campaign in queryset:
            campaign.revoke_report_link()
        self.message_user(request, f"Revoked the report links of {queryset.count()} campaign(s).")

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Campaign], status: str) -> None:
        count = 0
        for campaign in queryset:
            campaign.status = status
            campaign.save(update_fields=["status", "updated_at"])  # signals retire cached pages
            count += 1
        label = Campaign.Status(status).label.lower()
        self.message_user(request, f"{count} campaign(s) now {label}.", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("calendar/", view(self.calendar_view), name="sponsors_campaign_calendar"),
            path("<int:pk>/report/", view(self.report_view), name="sponsors_campaign_report"),
            path(
                "<int:pk>/report/report.csv",
                view(self.report_csv_view),
                name="sponsors_campaign_report_csv",
            ),
            path(
                "<int:pk>/report/chart.svg",
                view(self.report_chart_view),
                name="sponsors_campaign_report_chart",
            ),
            path(
                "<int:pk>/report/revoke/",
                view(require_POST(self.revoke_view)),
                name="sponsors_campaign_revoke",
            ),
            *super().get_urls(),
        ]

    def _viewable(self, request: HttpRequest, pk: int) -> Campaign:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Campaign.objects.select_related("sponsor"), pk=pk)

    def calendar_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = today_for(Publication.current())
        first = calendar.parse_month(request.GET.get("month"), today)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Sponsorship calendar, {first:%B %Y}",
            "month": calendar.month_view(first, today),
        }
        return TemplateResponse(request, "admin/sponsors/calendar.html", context)

    def report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._viewable(request, pk)
        share_path = reverse("sponsors:shared_report", args=[report_token(campaign)])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": campaign,
            "title": f"Report: {campaign}",
            "report": reports.build_report(campaign),
            "chart_url": reverse("admin:sponsors_campaign_report_chart", args=[pk]),
            "csv_url": reverse("admin:sponsors_campaign_report_csv", args=[pk]),
            "share_url": Publication.current().absolute(share_path),
            "can_revoke": self.has_change_permission(request, campaign),
        }
        return TemplateResponse(request, "admin/sponsors/report.html", context)

    def report_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return reports.csv_response(reports.build_report(self._viewable(request, pk)))

    def report_chart_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return reports.chart_response(reports.build_report(self._viewable(request, pk)))

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self._viewable(request, pk)
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        campaign.revoke_report_link()
        messages.success(request, "The old report link no longer works; share the new one.")
        return HttpResponseRedirect(reverse("admin:sponsors_campaign_report", args=[pk]))


@admin.register(SponsorSettings)
class SponsorSettingsAdmin(SingletonAdmin):
    fieldsets = [
        ("Label", {"fields": ["label"]}),
        (
            "Who sees sponsors, and where",
            {"fields": ["paid_members_see_no_sponsors", "show_at_end"]},
        ),
        (
            "House block",
            {
                "fields": [
                    "house_enabled",
                    "house_headline",
                    "house_body",
                    "house_call_to_action",
                    "house_url",
                ]
            },
        ),
    ]


@admin.register(SponsorshipOptOut)
class SponsorshipOptOutAdmin(admin.ModelAdmin):
    list_display = ["post", "reason", "created_by", "created_at"]
    search_fields = ["post__title", "reason"]
    autocomplete_fields = ["post"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class SponsorshipOptOutInline(admin.StackedInline):
    """For the post editor: "no sponsors on this post" (see the report for where it plugs in)."""

    model = SponsorshipOptOut
    fields = ["reason"]
    extra = 0
    max_num = 1
    verbose_name = "no sponsored or house block on this post"
    verbose_name_plural = "sponsorship"


@admin.register(SendSponsorship)
class SendSponsorshipAdmin(admin.ModelAdmin):
    """What each newsletter send carried: written by the send, read here."""

    list_display = ["send", "campaign", "chosen_at", "delivered", "counted_at"]
    list_filter = ["campaign__sponsor"]
    list_select_related = ["send", "campaign__sponsor"]
    search_fields = ["send__subject", "campaign__headline", "campaign__sponsor__name"]
    readonly_fields = ["send", "campaign", "chosen_at", "delivered", "counted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
