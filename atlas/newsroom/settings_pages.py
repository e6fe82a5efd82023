"""Settings: the publication, newsletters, delivery (with the DNS records to publish), discussions,
sponsors, analytics, billing and the staff, each a page with its help text, for the roles that
may."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_POST, require_safe

from atlas.billing.models import BillingSettings
from atlas.delivery.dns_check import dkim_records
from atlas.delivery.models import DeliverySettings
from atlas.discussions.models import DiscussionSettings
from atlas.members.models import MembershipSettings, Newsletter
from atlas.newsroom import staff as staff_service
from atlas.newsroom.access import public_view, staff_view
from atlas.newsroom.forms import https_urls
from atlas.newsroom.roles import INVITABLE_ROLES, ROLE_HELP, Permission, role_of
from atlas.newsroom.views import page
from atlas.publishing.models import Publication
from atlas.sponsors.models import SponsorSettings


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    help: str
    permission: str
    model: type[models.Model] | None = None
    fields: tuple[str, ...] = ()


SECTIONS = [
    Section("publication", "Publication", "Its name, description, logo, accent, language, time "
            "zone and address.", Permission.PUBLICATION, Publication,
            ("name", "description", "logo", "accent_colour", "language", "timezone", "public_url",
             "sponsored_after_paragraph")),
    Section("newsletters", "Newsletters", "The newsletters readers choose from, and how they "
            "join.", Permission.NEWSLETTERS, MembershipSettings,
            ("double_opt_in", "consent_text", "signup_open")),
    Section("delivery", "Delivery", "Who newsletters come from, how fast they go out, and the "
            "DNS records that make receivers trust them.", Permission.DELIVERY, DeliverySettings,
            ("from_name", "from_email", "reply_to", "postal_address", "messages_per_minute",
             "batch_size", "pause_after_connection_errors", "retry_for", "resume_window")),
    Section("discussions", "Discussions", "Who may comment, what is held for review, and the "
            "limits against spam.", Permission.DISCUSSIONS, DiscussionSettings,
            ("mode", "hold_first_comment", "max_links", "blocked_terms", "reports_to_hold",
             "minimum_account_age_hours", "comments_per_minute", "comments_per_day")),
    Section("sponsors", "Sponsors", "The label on sponsored blocks, who sees them, and the house "
            "block.", Permission.SPONSORSHIP, SponsorSettings,
            ("label", "paid_members_see_no_sponsors", "show_at_end", "house_enabled",
             "house_headline", "house_body", "house_call_to_action", "house_url")),
    Section("analytics", "Analytics", "Whether newsletters count opens and clicks. Page views are "
            "always counted, without cookies.", Permission.ANALYTICS, DeliverySettings,
            ("track_opens", "track_clicks")),
    Section("billing", "Billing", "The currency of new prices, how long a reader whose renewal "
            "failed keeps reading, and promotion codes at checkout.",
            "billing.change_billingsettings", BillingSettings,
            ("currency", "past_due_grace_days", "allow_promotion_codes")),
    Section("staff", "Staff", "Who works in the newsroom, in which role; invite someone by email.",
            Permission.STAFF),
]  # fmt: skip
BY_KEY = {section.key: section for section in SECTIONS}


def allowed(user: Any) -> list[Section]:
    return [section for section in SECTIONS if user.has_perm(section.permission)]


@staff_view(Permission.SETTINGS)
@require_safe
def settings_index(request: HttpRequest) -> HttpResponse:
    return page(request, "newsroom/settings/index.html", {"sections": allowed(request.user)})


def section_form(section: Section, data: Any = None, files: Any = None) -> forms.ModelForm:
    assert section.model is not None
    form_class = forms.modelform_factory(
        section.model,
        fields=list(section.fields),
        formfield_callback=https_urls,
        widgets={"accent_colour": forms.TextInput(attrs={"type": "color"}),
                 "blocked_terms": forms.Textarea(attrs={"rows": 4}),
                 "house_body": forms.Textarea(attrs={"rows": 3})},
    )  # fmt: skip
    return form_class(data, files, instance=section.model.current())  # type: ignore[attr-defined]


@staff_view(Permission.SETTINGS)
def settings_section(request: HttpRequest, key: str) -> HttpResponse:
    section = BY_KEY.get(key)
    if section is None or section.model is None:
        raise Http404("No such settings.")
    if not request.user.has_perm(section.permission):
        return HttpResponse("Your role does not include these settings.", status=403)
    form = section_form(section, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{section.title} settings saved.")
        return redirect("newsroom:settings_section", key=key)
    context: dict[str, Any] = {"section": section, "form": form, "sections": allowed(request.user)}
    if key == "delivery":
        context["dkim"] = dkim_records(check=request.GET.get("check") == "1")
        context["checked"] = request.GET.get("check") == "1"
    if key == "newsletters":
        context["newsletters"] = Newsletter.objects.all()
    return page(request, "newsroom/settings/section.html", context)


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["name", "slug", "description", "is_default", "from_name", "from_email",
                  "reply_to", "position"]  # fmt: skip
        formfield_callback = https_urls
        help_texts = {"slug": "Part of addresses and exports: lowercase letters, digits, dashes."}


@staff_view(Permission.NEWSLETTERS)
def newsletter_edit(request: HttpRequest, newsletter_id: int | None = None) -> HttpResponse:
    newsletter = get_object_or_404(Newsletter, pk=newsletter_id) if newsletter_id else None
    form = NewsletterForm(request.POST or None, instance=newsletter)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved the newsletter “{saved.name}”.")
        return redirect("newsroom:settings_section", key="newsletters")
    context = {"newsletter": newsletter, "form": form, "sections": allowed(request.user)}
    return page(request, "newsroom/settings/newsletter.html", context)


class InviteForm(forms.Form):
    email = forms.EmailField(help_text="The invitation goes to this address.")
    name = forms.CharField(max_length=150, required=False, help_text="Their first and last name.")
    role = forms.ChoiceField(
        choices=[(role, f"{role}: {ROLE_HELP[role]}") for role in INVITABLE_ROLES],
        initial="Editor",
        widget=forms.RadioSelect,
    )


@staff_view(Permission.STAFF)
def staff_page(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_service.invite(data["email"], data["name"], data["role"], request.user)
        except staff_service.StaffRefused as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {data['email']}.")
            return redirect("newsroom:staff")
    context = {
        "form": form,
        "staff": staff_service.staff(),
        "roles": INVITABLE_ROLES,
        "role_help": ROLE_HELP,
        "is_owner": role_of(request.user) == "Owner",
        "sections": allowed(request.user),
        "section": BY_KEY["staff"],
    }
    return page(request, "newsroom/settings/staff.html", context)


@staff_view(Permission.STAFF)
@require_POST
def staff_change(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id, is_staff=True)
    action = request.POST.get("action", "")
    try:
        if action == "role":
            staff_service.change_role(user, request.POST.get("role", ""), request.user)
            messages.success(request, f"{user.get_username()} is now {role_of(user)}.")
        elif action == "remove":
            staff_service.remove(user, request.user)
            messages.success(request, f"{user.get_username()} is no longer on the staff.")
        elif action == "hand_over":
            staff_service.hand_over(user, request.user)
            messages.success(request, f"{user.get_username()} is now the Owner.")
        elif action == "resend":
            staff_service.resend_invitation(user, request.user)
            messages.success(request, f"Invitation sent again to {user.email}.")
    except staff_service.StaffRefused as error:
        messages.error(request, str(error))
    return redirect("newsroom:staff")


@public_view
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation's link: choose a password, and be signed in to the newsroom."""
    users = get_user_model().objects
    try:
        user = users.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, users.model.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return page(request, "newsroom/welcome_invalid.html", {})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to the newsroom.")
        return redirect("newsroom:home")
    response = page(request, "newsroom/welcome.html", {"form": form, "invited": user})
    # No referrer to other sites (the URL holds the token); "no-referrer" would make the form's
    # own POST carry "Origin: null", which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
