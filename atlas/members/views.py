"""Readers' pages: subscribe, confirm, sign in and out, account, unsubscribe."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from atlas.lib.http import client_ip, csrf_ok, safe_next, unsubscribe_link
from atlas.members import accounts, services
from atlas.members.addresses import display_address
from atlas.members.forms import ChangeEmailForm, ProfileForm, SignInForm, SubscribeForm
from atlas.members.hooks import plan_of
from atlas.members.links import peek_link, read_unsubscribe_token
from atlas.members.models import EmailLink, Member, MembershipSettings, Newsletter
from atlas.members.policy import current_member
from atlas.runtime.ratelimit import Limit, hit

SIGNUP_LIMITS = {"ip": Limit(hits=20, seconds=3600), "email": Limit(hits=5, seconds=3600)}
SIGN_IN_LIMITS = {"ip": Limit(hits=30, seconds=3600), "email": Limit(hits=5, seconds=3600)}
TOO_MANY = "Too many attempts. Please wait a while and try again."


def within_limits(scope: str, limits: dict[str, Limit], ip: str, email: str) -> bool:
    return hit(f"{scope}:ip", ip, limits["ip"]) and hit(f"{scope}:email", email, limits["email"])


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    settings_row = MembershipSettings.current()
    initial = {
        "newsletters": [n.pk for n in services.default_newsletters()],
        "page": request.GET.get("from", ""),
        **{key: request.GET.get(key, "") for key in ("utm_source", "utm_medium", "utm_campaign")},
    }
    form = SubscribeForm(request.POST or None, initial=initial)
    context = {"form": form, "consent_text": settings_row.consent_text}
    if request.method == "GET":
        return render(request, "members/subscribe.html", context)
    if not csrf_ok(request):
        context["error"] = "This form expired or came from another site. Please try again here."
        return render(request, "members/subscribe.html", context, status=403)
    if not settings_row.signup_open:
        context["error"] = "Sign-ups are closed for now."
        return render(request, "members/subscribe.html", context, status=403)
    if not form.is_valid():
        return render(request, "members/subscribe.html", context, status=400)
    if form.is_bot():
        return render(request, "members/check_inbox.html", {"purpose": "confirm"})
    email = form.cleaned_data["email"]
    if not within_limits("subscribe", SIGNUP_LIMITS, client_ip(request), email):
        context["error"] = TOO_MANY
        return render(request, "members/subscribe.html", context, status=429)
    source = services.SignupSource(
        page=form.cleaned_data["page"] or request.META.get("HTTP_REFERER", ""),
        referrer=request.META.get("HTTP_REFERER", ""),
        utm_source=form.cleaned_data["utm_source"],
        utm_medium=form.cleaned_data["utm_medium"],
        utm_campaign=form.cleaned_data["utm_campaign"],
    )
    outcome = services.subscribe(
        email, form.cleaned_data["name"], form.cleaned_data["newsletters"] or None, source
    )
    back_to = safe_next(request, form.cleaned_data["page"], "")  # e.g. the comment a reader left
    if not settings_row.double_opt_in and outcome.member.status == Member.Status.ACTIVE:
        context = {"member": outcome.member, "back_to": back_to}
        return render(request, "members/subscribed.html", context)
    context = {"purpose": "confirm", "email": display_address(email), "back_to": back_to}
    return render(request, "members/check_inbox.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    return use_email_link(request, token, EmailLink.Purpose.CONFIRM)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    return use_email_link(request, token, EmailLink.Purpose.SIGN_IN)


def use_email_link(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    """GET shows one button (mail scanners open links); POST uses the link and signs in."""
    if request.method == "GET":
        link = peek_link(token, purpose)
        if link is None:
            return render(request, "members/link_invalid.html", {"purpose": purpose}, status=404)
        return render(request, "members/link_confirm.html", {"purpose": purpose, "link": link})
    if purpose == EmailLink.Purpose.CONFIRM:
        member = services.confirm(token)
        next_path = reverse("members:account")
        greeting = "Your subscription is confirmed: welcome."
    else:
        link = services.sign_in(token)
        member = link.member if link else None
        next_path = safe_next(request, link.next_path if link else "", reverse("members:account"))
        greeting = "Welcome back."
    if member is None:
        return render(request, "members/link_invalid.html", {"purpose": purpose}, status=404)
    login(request, services.user_for(member), backend=accounts.BACKEND)
    messages.success(request, greeting)  # the account page names the address
    return HttpResponseRedirect(next_path)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
    form = SignInForm(request.POST or None, initial={"next": next_path})
    context = {"form": form, "next": next_path}
    if request.method == "GET" and request.user.is_authenticated:
        member = current_member(request)
        context["signed_in_as"] = (
            display_address(member.email) if member else request.user.get_username()
        )
        return render(request, "members/sign_in.html", context)
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(request, "members/sign_in.html", context, status=status)
    email = form.cleaned_data["email"]
    if form.is_bot():
        return render(request, "members/check_inbox.html", {"purpose": "sign_in"})
    if not within_limits("sign_in", SIGN_IN_LIMITS, client_ip(request), email):
        context["error"] = TOO_MANY
        return render(request, "members/sign_in.html", context, status=429)
    services.request_sign_in(email, next_path)
    context = {"purpose": "sign_in", "email": display_address(email)}
    return render(request, "members/check_inbox.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    logout(request)
    if member is not None:
        services.end_all_sessions(member)
    return redirect("publishing:home")


@never_cache
@login_required(login_url="members:sign_in")
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    if member is None:
        return render(request, "members/not_a_member.html", status=403)
    initial = {
        "name": member.name,
        "comment_name": member.comment_name,
        "newsletters": services.member_newsletters(member),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        member.name = form.cleaned_data["name"]
        member.comment_name = form.cleaned_data["comment_name"]
        member.save(update_fields=["name", "comment_name", "updated_at"])
        services.set_newsletters(member, form.cleaned_data["newsletters"])
        messages.success(request, "Your choices are saved.")
        return redirect("members:account")
    context = {
        "member": member,
        "plan": plan_of(member),
        "form": form,
        "email_form": ChangeEmailForm(),
    }
    return render(request, "members/account.html", context)


@never_cache
@login_required(login_url="members:sign_in")
@require_POST
def change_email(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    form = ChangeEmailForm(request.POST)
    if member is None or not form.is_valid():
        context = {
            "member": member,
            "plan": plan_of(member) if member else None,
            "form": ProfileForm(),
            "email_form": form,
        }
        return render(request, "members/account.html", context, status=400)
    address = services.request_email_change(member, form.cleaned_data["email"])
    return render(
        request,
        "members/check_inbox.html",
        {"purpose": "change_email", "email": display_address(address)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def change_email_link(request: HttpRequest, token: str) -> HttpResponse:
    purpose = EmailLink.Purpose.CHANGE_EMAIL
    if request.method == "GET":
        link = peek_link(token, purpose)
        if link is None:
            return render(request, "members/link_invalid.html", {"purpose": purpose}, status=404)
        return render(request, "members/link_confirm.html", {"purpose": purpose, "link": link})
    member = services.apply_email_change(token)
    if member is None:
        return render(request, "members/link_invalid.html", {"purpose": purpose}, status=404)
    login(request, services.user_for(member), backend=accounts.BACKEND)
    messages.success(request, f"Your address is now {member.email}. Other sessions were ended.")
    return redirect("members:account")


@never_cache
@login_required(login_url="members:sign_in")
def export_data(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    if member is None:
        return render(request, "members/not_a_member.html", status=403)
    response = HttpResponse(
        json.dumps(services.export_member_data(member), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@never_cache
@login_required(login_url="members:sign_in")
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    if member is None:
        return render(request, "members/not_a_member.html", status=403)
    if request.method == "GET":
        return render(request, "members/delete.html", {"member": member})
    logout(request)
    services.delete_member(member)
    return render(request, "members/deleted.html")


def already_unsubscribed(member: Member, newsletter: Newsletter | None) -> str | None:
    """ "one" or "all" when the link's unsubscribe has been done already, else None."""
    receiving = member.subscriptions.filter(status__in=["active", "pending"])
    if newsletter is None:
        return None if receiving.exists() else "all"
    return None if receiving.filter(newsletter=newsletter).exists() else "one"


@unsubscribe_link
def unsubscribe(request: HttpRequest, token: str, one_click: bool) -> HttpResponse:
    found = read_unsubscribe_token(token)
    member = Member.objects.filter(pk=found[0]).first() if found else None
    if found is None or member is None:
        return render(request, "members/link_invalid.html", {"purpose": "unsubscribe"}, status=404)
    newsletter = Newsletter.objects.filter(pk=found[1]).first() if found[1] else None
    if one_click:
        services.unsubscribe(member, newsletter, how="one-click")
        return HttpResponse()
    context = {"member": member, "newsletter": newsletter, "token": token, "done": None}
    if request.method == "GET":  # already done (one click from the mail app, say): say so
        context["done"] = already_unsubscribed(member, newsletter)
    if request.method == "POST":
        if not csrf_ok(request):
            return render(request, "members/unsubscribe.html", context, status=403)
        action = request.POST.get("action")
        if action == "all":
            services.unsubscribe(member, None, how="page")
            context["done"] = "all"
        elif action == "resubscribe" and newsletter is not None:
            services.resubscribe(member, newsletter)
            context["done"] = "resubscribed"
        else:
            services.unsubscribe(member, newsletter, how="page")
            context["done"] = "one"
    return render(request, "members/unsubscribe.html", context)
