"""Staff send posts as newsletters: compose, preview, test, watch live, pause, resume, cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from atlas.delivery import rendering, services
from atlas.delivery.models import PLAIN_AUDIENCES, Delivery, DeliverySettings, Send
from atlas.lib.http import email_as_page
from atlas.lib.singleton import SingletonAdmin
from atlas.members.models import Label, Newsletter
from atlas.publishing.models import Post, Publication


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(SingletonAdmin):
    pass


class NewSendForm(forms.Form):
    post = forms.ModelChoiceField(
        queryset=Post.objects.exclude(status=Post.Status.ARCHIVED).order_by("-created_at")
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(
        choices=[
            ("web_and_email", "Web and email (a draft is published now)"),
            ("email_only", "Email only (the post stays off the website)"),
        ],
        initial="web_and_email",
        label="Publish to",
    )
    audience = forms.ChoiceField(choices=PLAIN_AUDIENCES, initial=Send.Audience.ALL)
    labels = forms.ModelMultipleChoiceField(
        queryset=Label.objects.all(), required=False, help_text="Only members with these labels."
    )
    test_addresses = forms.CharField(
        required=False, help_text="For a test send: addresses separated by commas."
    )

    def clean_test_addresses(self) -> list[str]:
        raw = self.cleaned_data["test_addresses"]
        return [address.strip() for address in raw.split(",") if address.strip()]


@admin.register(Send)
class SendAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "progress", "created_at", "is_test"]
    list_filter = ["status", "is_test"]
    search_fields = ["subject"]
    actions = ["pause_sends", "resume_sends", "cancel_sends"]
    change_form_template = "admin/delivery/send/status.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sends are made from the "New send" page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Sent / total")
    def progress(self, send: Send) -> str:
        figures = services.figures(send)
        return f"{figures.sent} / {figures.total}"

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("new/", view(self.new_send), name="delivery_send_new"),
            path("preview/<int:post_id>/", view(self.preview), name="delivery_send_preview"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {**(extra_context or {}), "new_send_url": reverse("admin:delivery_send_new")}
        return super().changelist_view(request, extra)

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        send = get_object_or_404(Send, pk=object_id)
        if request.method == "POST" and self.has_view_permission(request, send):
            action = request.POST.get("action")
            done: dict[str, Callable[[Send], bool]] = {
                "pause": services.pause,
                "resume": services.resume,
                "cancel": services.cancel,
            }
            if action in done and done[action](send):
                messages.success(request, f"Send {action}d.")
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "send": send,
            "figures": services.figures(send),
            "title": f"Send: {send.subject}",
            "refresh": send.is_active,
            "states": Delivery.State,
        }
        return TemplateResponse(request, "admin/delivery/send/status.html", context)

    def new_send(self, request: HttpRequest) -> HttpResponse:
        initial = {
            "post": request.GET.get("post"),
            "newsletters": list(Newsletter.objects.filter(is_default=True)),
        }
        form = NewSendForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if "test" in request.POST:
                    send = services.test_send(data["post"], data["test_addresses"], request.user)
                    messages.success(request, f"Test sent to {', '.join(data['test_addresses'])}.")
                    return HttpResponseRedirect(request.get_full_path())
                if data["mode"] == "web_and_email":
                    services.publish_for_sending(data["post"], request.user)
                send = services.start_send(
                    data["post"], data["newsletters"], audience=data["audience"],
                    labels=data["labels"], user=request.user,
                )  # fmt: skip
            except (services.SendRefused, ValidationError, ValueError) as error:
                form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
            else:
                return HttpResponseRedirect(reverse("admin:delivery_send_change", args=[send.pk]))
        post = form["post"].value()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "Send a post as a newsletter",
            "preview_url": reverse("admin:delivery_send_preview", args=[post]) if post else "",
        }
        return TemplateResponse(request, "admin/delivery/send/new.html", context)

    def preview(self, request: HttpRequest, post_id: int) -> HttpResponse:
        """The email as subscribers will see it (desktop or mobile width in the page around it)."""
        post = get_object_or_404(Post, pk=post_id)
        send = Send(post=post, subject=post.title)
        _, html = rendering.render_parts(send, full=request.GET.get("variant") != "teaser")
        html = html.replace(rendering.UNSUBSCRIBE, "#unsubscribe").replace(
            rendering.NEWSLETTER_HTML, "Newsletter"
        )
        return email_as_page(HttpResponse(html), Publication.current().origin)

    @admin.action(description="Pause the selected sends")
    def pause_sends(self, request: HttpRequest, queryset: Any) -> None:
        count = sum(services.pause(send) for send in queryset)
        self.message_user(request, f"Paused {count} send(s).")

    @admin.action(description="Resume the selected sends")
    def resume_sends(self, request: HttpRequest, queryset: Any) -> None:
        count = sum(services.resume(send) for send in queryset)
        self.message_user(request, f"Resumed {count} send(s).")

    @admin.action(description="Cancel the selected sends")
    def cancel_sends(self, request: HttpRequest, queryset: Any) -> None:
        count = sum(services.cancel(send) for send in queryset)
        self.message_user(request, f"Cancelled {count} send(s).")
