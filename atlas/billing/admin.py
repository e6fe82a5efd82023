"""Billing in the admin: tiers (saved through the service, which creates Stripe prices), grants,
and read-only views of subscriptions, events and checkouts for support."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from atlas.billing import entitlement, services, webhooks
from atlas.billing.models import (
    BillingSettings,
    CheckoutSession,
    Grant,
    PaidSubscription,
    PostTier,
    Price,
    Tier,
    WebhookEvent,
)
from atlas.lib.singleton import SingletonAdmin


class PostTierInline(admin.TabularInline):
    """On the post editor: which paid tiers open a post for paying members."""

    model = PostTier
    extra = 0
    verbose_name = "paid tier that may read it"
    verbose_name_plural = "Paid tiers that may read it (none: every paid tier)"
    autocomplete_fields = ["tier"]


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    fields = ["interval", "amount", "currency", "stripe_price_id", "active", "created_by_atlas"]
    readonly_fields = [
        "interval",
        "amount",
        "currency",
        "stripe_price_id",
        "active",
        "created_by_atlas",
    ]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "monthly_amount",
        "yearly_amount",
        "trial_days",
        "visible",
        "archived",
    ]
    list_filter = ["kind", "visible", "archived"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["stripe_product_id"]
    inlines = [PriceInline]

    def save_model(
        self, request: HttpRequest, obj: Tier, form: forms.ModelForm, change: bool
    ) -> None:
        for problem in services.save_tier(obj):
            messages.warning(request, problem)


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    """Prices Atlas created, and prices of earlier platforms linked to a tier for billing_sync."""

    list_display = [
        "stripe_price_id",
        "tier",
        "interval",
        "amount",
        "currency",
        "active",
        "created_by_atlas",
    ]
    list_filter = ["tier", "interval", "active", "created_by_atlas"]
    search_fields = ["stripe_price_id"]
    fields = ["tier", "stripe_price_id"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Price, form: forms.ModelForm, change: bool
    ) -> None:
        """Adding a price links an existing Stripe price to a tier (its amount read from Stripe)."""
        linked = services.link_price(obj.tier, obj.stripe_price_id)
        obj.pk = linked.pk


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["member", "tier", "kind", "starts_at", "ends_at", "revoked_at", "note"]
    list_filter = ["kind", "tier"]
    search_fields = ["member__email_lower", "note"]
    raw_id_fields = ["member"]
    readonly_fields = ["created_by", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(
        self, request: HttpRequest, obj: Grant, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)
        entitlement.recompute(obj.member_id, reason=f"{obj.kind} plan saved")

    @admin.action(description="Revoke the chosen plans")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        for grant in queryset:
            services.revoke(grant)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PaidSubscription)
class PaidSubscriptionAdmin(ReadOnly):
    list_display = [
        "stripe_id",
        "member",
        "tier",
        "status",
        "interval",
        "amount",
        "current_period_end",
        "cancel_at_period_end",
    ]
    list_filter = ["status", "tier", "interval", "cancel_at_period_end", "linked_by_sync"]
    search_fields = ["stripe_id", "stripe_customer_id", "member__email_lower"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = [
        "created",
        "type",
        "stripe_id",
        "status",
        "attempts",
        "deliveries",
        "unknown_customer",
    ]
    list_filter = ["status", "type", "unknown_customer"]
    search_fields = ["stripe_id", "stripe_customer_id", "stripe_subscription_id"]
    actions = ["retry"]

    @admin.action(description="Process the chosen events again now")
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        failed = queryset.filter(status=WebhookEvent.Status.FAILED)
        done = sum(webhooks.process(event_id) for event_id in failed.values_list("pk", flat=True))
        messages.info(request, f"{done} event(s) processed.")


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnly):
    list_display = ["created_at", "email", "tier", "interval", "status", "created_member"]
    list_filter = ["status", "tier"]
    search_fields = ["email", "stripe_id"]


@admin.register(BillingSettings)
class BillingSettingsAdmin(SingletonAdmin):
    pass
