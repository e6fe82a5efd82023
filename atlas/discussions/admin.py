"""Moderation for staff: the queue (held and reported comments), actions with reasons, bans,
a member's comment history, the audit trail, and the discussion settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from atlas.discussions import moderation
from atlas.discussions.models import (
    Comment,
    CommentingBan,
    DiscussionSettings,
    ModerationAction,
    PostDiscussion,
    Report,
)
from atlas.lib.singleton import SingletonAdmin

MODERATION_BUTTONS = [
    ("approve", "Approve"), ("hide", "Hide…"), ("delete_for_good", "Delete for good…"),
    ("pin", "Pin"), ("unpin", "Unpin"), ("dismiss_reports", "Dismiss reports"),
    ("ban_authors", "Ban the author…"),
]  # fmt: skip
BAN_LENGTHS = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30), "0": None}


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingletonAdmin):
    fieldsets = [
        (None, {"fields": ["mode"]}),
        (
            "Held for review",
            {"fields": ["hold_first_comment", "max_links", "blocked_terms", "reports_to_hold"]},
        ),
        (
            "Against spam",
            {"fields": ["minimum_account_age_hours", "comments_per_minute", "comments_per_day"]},
        ),
    ]


@admin.register(PostDiscussion)
class PostDiscussionAdmin(admin.ModelAdmin):
    list_display = ["post", "mode", "updated_at"]
    list_filter = ["mode"]
    search_fields = ["post__title"]
    autocomplete_fields = ["post"]


class AttentionFilter(admin.SimpleListFilter):
    """The moderation queue: held comments and comments with open reports (the default view)."""

    title = "queue"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Needs attention"), ("reported", "Open reports"), ("held", "Held")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        reported = Q(open_report_count__gt=0)  # annotated by CommentAdmin.get_queryset
        if self.value() == "yes":
            return queryset.filter(Q(status=Comment.Status.HELD) | reported)
        if self.value() == "reported":
            return queryset.filter(reported)
        if self.value() == "held":
            return queryset.filter(status=Comment.Status.HELD)
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "reporter",
        "reason",
        "note",
        "resolved_at",
        "resolved_by",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ModerationInline(admin.TabularInline):
    model = ModerationAction
    fk_name = "comment"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "actor", "reason")
    verbose_name_plural = "audit trail"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Reason (kept in the audit trail)")


class BanForm(ReasonForm):
    length = forms.ChoiceField(
        choices=[("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("0", "For good")],
        initial="7",
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "post_title", "status", "open_reports", "is_pinned",
                    "created_at"]  # fmt: skip
    list_display_links = ["excerpt"]
    list_filter = [AttentionFilter, "status", "is_pinned",
                   ("created_at", admin.DateFieldListFilter)]  # fmt: skip
    list_select_related = ["member", "post"]
    search_fields = ["body", "member__email_lower", "member__name", "member__comment_name",
                     "post__title"]  # fmt: skip
    date_hierarchy = "created_at"
    inlines = [ReportInline, ModerationInline]
    fields = readonly_fields = (
        "rendered", "author", "post_link", "status", "status_reason", "is_pinned", "created_at",
        "edited_at", "parent", "reply_to", "depth",
    )  # fmt: skip
    actions = [name for name, _ in MODERATION_BUTTONS]
    change_form_template = "admin/discussions/comment/change_form.html"
    change_list_template = "admin/discussions/comment/change_list.html"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
        return super().get_queryset(request).annotate(open_report_count=open_reports)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        waiting = Comment.objects.needing_attention().count()
        extra_context = {**(extra_context or {}), "waiting_count": waiting}
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:  # fmt: skip
        buttons = MODERATION_BUTTONS if self.has_change_permission(request) else []
        extra_context = {**(extra_context or {}), "moderation_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # comments are taken down with a reason (an action), never erased

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return comment.excerpt

    @admin.display(description="member", ordering="member__email_lower")
    def author(self, comment: Comment) -> str:
        if comment.member is None:
            return "Former member"
        history = reverse("admin:discussions_comment_changelist")
        return format_html(
            '{} <a href="{}?member__id__exact={}" title="Every comment by this member">'
            "(history)</a>",
            comment.member.display_name,
            history,
            comment.member_id,
        )

    @admin.display(description="post", ordering="post__title")
    def post_title(self, comment: Comment) -> str:
        return comment.post.title

    @admin.display(description="post")
    def post_link(self, comment: Comment) -> str:
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.post.title)

    @admin.display(description="open reports", ordering="open_report_count")
    def open_reports(self, comment: Comment) -> int:
        return comment.open_report_count  # type: ignore[attr-defined]

    @admin.display(description="text")
    def rendered(self, comment: Comment) -> str:
        return format_html('<div style="max-width:40rem">{}</div>', comment.body or "(no text)")

    @admin.action(description="Approve (publish; close reports)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset.exclude(status=Comment.Status.DELETED):
            moderation.approve(comment, request.user)
        self.message_user(request, "Approved.", messages.SUCCESS)

    @admin.action(description="Hide (with a reason)", permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        return self._with_reason(request, queryset, "hide", "Hide", moderation.hide)

    @admin.action(description="Delete for good (with a reason)", permissions=["change"])
    def delete_for_good(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        return self._with_reason(request, queryset, "delete_for_good", "Delete", moderation.delete)

    def _with_reason(self, request: HttpRequest, queryset: QuerySet, action: str,
                     verb: str, apply: Any) -> Any:  # fmt: skip
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for comment in queryset:
                apply(comment, request.user, form.cleaned_data["reason"])
            self.message_user(request, f"{verb}: {queryset.count()} comment(s).", messages.SUCCESS)
            return None
        return self._ask(request, queryset, action, f"{verb} comments", form)

    def _ask(self, request: HttpRequest, queryset: QuerySet, action: str, title: str,
             form: forms.Form) -> TemplateResponse:  # fmt: skip
        context = {**self.admin_site.each_context(request), "title": title, "form": form,
                   "comments": queryset, "action": action, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/discussions/comment/action_form.html", context)

    @admin.action(description="Pin to the top", permissions=["change"])
    def pin(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        pinned = [moderation.set_pinned(comment, request.user, True) for comment in queryset]
        refused = pinned.count(False)
        if refused:
            self.message_user(
                request, f"{refused} not pinned: only published top-level comments can be.",
                messages.WARNING,
            )  # fmt: skip

    @admin.action(description="Unpin", permissions=["change"])
    def unpin(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset.filter(is_pinned=True):
            moderation.set_pinned(comment, request.user, False)

    @admin.action(description="Dismiss reports (keep the comment)", permissions=["change"])
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            moderation.dismiss_reports(comment, request.user)

    @admin.action(description="Ban their authors from commenting", permissions=["change"])
    def ban_authors(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        form = BanForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._ask(request, queryset, "ban_authors", "Ban from commenting", form)
        length = BAN_LENGTHS[form.cleaned_data["length"]]
        until = timezone.now() + length if length else None
        comments = queryset.select_related("member")
        members = {comment.member for comment in comments if comment.member}
        for member in members:
            moderation.ban(member, request.user, form.cleaned_data["reason"], until)
        self.message_user(request, f"Banned {len(members)} member(s).", messages.SUCCESS)
        return None


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "comment", "reporter", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["comment__member", "reporter"]
    search_fields = ["note", "comment__body"]
    readonly_fields = ["comment", "reporter", "reason", "note", "created_at", "resolved_at",
                       "resolved_by"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CommentingBan)
class CommentingBanAdmin(admin.ModelAdmin):
    list_display = ["member", "until", "reason", "created_by", "created_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["member", "created_by"]
    search_fields = ["member__email_lower", "member__name", "reason"]
    raw_id_fields = ["member"]  # works for moderators who may not browse the member list
    fields = ("member", "until", "reason")
    actions = ["lift"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*self.fields, "created_by", "created_at", "lifted_at") if obj else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_readonly_fields(request, obj) or self.fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        created = moderation.ban(obj.member, request.user, obj.reason, obj.until)
        obj.pk, obj.created_by, obj.created_at = created.pk, created.created_by, created.created_at
        obj._state.adding = False

    @admin.action(description="Lift these bans", permissions=["change"])
    def lift(self, request: HttpRequest, queryset: QuerySet[CommentingBan]) -> None:
        for commenting_ban in queryset.filter(lifted_at__isnull=True):
            moderation.lift_ban(commenting_ban, request.user)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ["created_at", "action", "actor", "member", "comment", "reason"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["actor", "member", "comment"]
    search_fields = ["reason", "member__email_lower", "actor__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
