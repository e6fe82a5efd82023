"""Staff manage the list: search, filters, labels, notes, history, counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from atlas.lib.singleton import SingletonAdmin
from atlas.members.admin_import import ask_permission, export_csv, import_urls
from atlas.members.models import (
    Label,
    Member,
    MemberEvent,
    MembershipSettings,
    Newsletter,
    OutboundEmail,
    PermissionRequest,
    Subscription,
)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_default", "position", "active_members"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Newsletter]:
        return (
            super()
            .get_queryset(request)
            .annotate(active_count=Count("subscriptions", filter=Q(subscriptions__status="active")))
        )

    @admin.display(description="Active members", ordering="active_count")
    def active_members(self, newsletter: Newsletter) -> int:
        return newsletter.active_count  # type: ignore[attr-defined]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(MembershipSettings)
class MembershipSettingsAdmin(SingletonAdmin):
    pass


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["newsletter", "status", "changed_at"]
    readonly_fields = ["changed_at"]


class EventInline(admin.TabularInline):
    model = MemberEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "detail")
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = "history"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NewsletterFilter(admin.SimpleListFilter):
    title = "newsletter"
    parameter_name = "newsletter"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(newsletter.pk), newsletter.name) for newsletter in Newsletter.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Member]) -> QuerySet[Member]:
        newsletter_id = self.value()
        if not newsletter_id:
            return queryset
        return queryset.filter(
            subscriptions__newsletter_id=newsletter_id, subscriptions__status="active"
        )


ORIGIN_FIELDS = (
    "created_at", "confirmed_at", "source", "signup_page", "referrer",
    "utm_source", "utm_medium", "utm_campaign", "stripe_customer_id", "user",
)  # fmt: skip


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "status", "tier", "source", "utm_source", "created_at"]
    list_filter = [
        "status",
        NewsletterFilter,
        "tier",
        "source",
        "labels",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["email_lower", "name"]
    date_hierarchy = "created_at"
    filter_horizontal = ["labels"]
    inlines = [SubscriptionInline, EventInline]
    readonly_fields = ORIGIN_FIELDS
    fieldsets = [
        (None, {"fields": ["email", "name", "comment_name", "status", "tier"]}),
        ("Staff", {"fields": ["labels", "notes"]}),
        ("Where they came from", {"fields": ORIGIN_FIELDS}),
    ]
    show_full_result_count = False  # counting a large filtered list on every page is slow
    actions = [export_csv, ask_permission]

    def get_urls(self) -> list[Any]:
        return import_urls(self) + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra_context = {**(extra_context or {}), "member_counts": member_counts()}
        return super().changelist_view(request, extra_context)


def member_counts() -> dict[str, Any]:
    """Headline numbers, each one indexed query."""
    week_ago = timezone.now() - timedelta(days=7)
    return {
        "total": Member.objects.count(),
        "active": Member.objects.filter(status=Member.Status.ACTIVE).count(),
        "new_this_week": Member.objects.filter(created_at__gte=week_ago).count(),
        "newsletters": [
            (newsletter.name, newsletter.subscriptions.filter(status="active").count())
            for newsletter in Newsletter.objects.all()
        ],
    }


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The local outbox: every transactional email, its state and last error."""

    list_display = ["created_at", "to", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PermissionRequest)
class PermissionRequestAdmin(admin.ModelAdmin):
    """Who was asked to confirm after an import, and who did."""

    list_display = ["member", "requested_at", "confirmed", "member_status"]
    list_filter = ["member__status", ("requested_at", admin.DateFieldListFilter)]
    search_fields = ["member__email_lower"]
    list_select_related = ["member"]
    readonly_fields = ["member", "email", "requested_at", "requested_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(boolean=True, description="Confirmed")
    def confirmed(self, request_row: PermissionRequest) -> bool:
        return request_row.confirmed

    @admin.display(description="Status now", ordering="member__status")
    def member_status(self, request_row: PermissionRequest) -> str:
        return request_row.member.get_status_display()
