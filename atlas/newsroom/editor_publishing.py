"""Publish: the choices (now or at a time; web, web and email, email only; newsletters and
audience; a test to myself), a confirmation that says exactly what will happen, then the
publishing and delivery services do it, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone

from atlas.delivery import services as delivery
from atlas.delivery.models import Send
from atlas.newsroom.access import StaffRequest
from atlas.newsroom.editor_forms import PublishForm
from atlas.newsroom.editor_saving import can_publish, can_send
from atlas.newsroom.views import page
from atlas.publishing import services
from atlas.publishing.models import Post

AUDIENCE_WORDS = {
    Send.Audience.ALL: "members",
    Send.Audience.FREE: "free members",
    Send.Audience.PAID: "paying members",
}


@dataclass
class Plan:
    """What pressing Publish will do, in words."""

    summary: str
    recipients: int
    problems: list[str]


def wants_json(request: StaffRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def when_text(moment: Any) -> str:
    local = timezone.localtime(moment)
    return (
        f"{formats.date_format(local, 'l j F Y')} at {local:%H:%M} "
        f"({timezone.get_current_timezone_name()})"
    )


def plan(post: Post, data: dict[str, Any]) -> Plan:
    channel, when = data["channel"], data.get("publish_at")
    newsletters = list(data.get("newsletters") or [])
    audience = data.get("audience") or Send.Audience.ALL
    count = delivery.count_recipients(newsletters, audience) if channel != "web" else 0
    names = " and ".join(newsletter.name for newsletter in newsletters)
    people = (
        f"{count:,} {AUDIENCE_WORDS[audience] if count != 1 else AUDIENCE_WORDS[audience][:-1]}"
    )
    if channel == "web":
        summary = (
            f"Scheduled for {when_text(when)} on the website; no email."
            if when
            else "Published now on the website; no email."
        )
    elif channel == "web_email":
        summary = (
            f"Scheduled for {when_text(when)} on the website, and then emailed to {people} of "
            f"{names} (counted now; the list may change by then)."
            if when
            else f"Published now and emailed to {people} of {names}."
        )
    else:
        summary = f"Emailed now to {people} of {names}; it stays off the website."
    if channel != "web" and post.visibility != Post.Visibility.PUBLIC:
        summary += " Members who may not read it in full get a teaser."
    return Plan(summary, count, services.publish_problems(post))


def carry_out(post: Post, user: Any, data: dict[str, Any]) -> str:
    """Publish and/or send, all or nothing. Raises PublishRefused or SendRefused."""
    channel, when = data["channel"], data.get("publish_at")
    problems = services.publish_problems(post)
    if problems:
        raise services.PublishRefused(problems)
    with transaction.atomic():
        if channel in ("web", "web_email"):
            services.publish_post(post, user, when)
        if channel in ("web_email", "email"):
            delivery.start_send(
                post, data["newsletters"], audience=data["audience"], user=user,
                when_live=bool(when),
            )  # fmt: skip
    return plan(post, data).summary


def publish_page(request: StaffRequest, post: Post) -> HttpResponse:
    user = request.user
    if not can_publish(user, post):
        return _refuse(request, post, "Your role can submit drafts for review, not publish.")
    form = PublishForm(request.POST or None, can_send=can_send(user), prefix="publish")
    if request.method != "POST":
        return _render(request, post, form)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
        return _render(request, post, form)
    step = request.POST.get("step", "review")
    if step == "test":
        return _test_send(request, post)
    if step == "confirm":
        try:
            summary = carry_out(post, user, form.cleaned_data)
        except (services.PublishRefused, delivery.SendRefused) as refusal:
            return _refuse(request, post, str(refusal))
        messages.success(request, summary)
        if wants_json(request):
            return JsonResponse({"ok": True, "message": summary, "redirect": _edit_url(post)})
        return HttpResponseRedirect(_edit_url(post))
    outline = plan(post, form.cleaned_data)
    if wants_json(request):
        return JsonResponse(
            {"ok": True, "summary": outline.summary, "recipients": outline.recipients,
             "problems": outline.problems}
        )  # fmt: skip
    return _render(request, post, form, plan=outline)


def _test_send(request: StaffRequest, post: Post) -> HttpResponse:
    address = request.user.email
    if not can_send(request.user):
        return _refuse(request, post, "Your role does not send newsletters.")
    if not address:
        return _refuse(request, post, "Your account has no email address for the test.")
    delivery.test_send(post, [address], request.user)
    message = f"A test of the email is on its way to {address}."
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    messages.success(request, message)
    return HttpResponseRedirect(reverse("newsroom:post_publish", args=[post.pk]))


def _refuse(request: StaffRequest, post: Post, reason: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": False, "error": reason}, status=400)
    messages.error(request, reason)
    return HttpResponseRedirect(_edit_url(post))


def _edit_url(post: Post) -> str:
    return reverse("newsroom:post_edit", args=[post.pk])


def _render(
    request: StaffRequest, post: Post, form: PublishForm, plan: Plan | None = None
) -> HttpResponse:
    context = {
        "post": post,
        "publish_form": form,
        "plan": plan,
        "problems": services.publish_problems(post),
        "can_send": can_send(request.user),
        "edit_url": _edit_url(post),
        "urls": {"publish": reverse("newsroom:post_publish", args=[post.pk])},
        "time_zone": timezone.get_current_timezone_name(),
    }
    return page(request, "newsroom/editor/publish.html", context)
