"""Readers' billing pages: start a checkout, come back to the thank-you page, open the Billing
Portal; and Stripe's webhook."""

from __future__ import annotations

import hashlib
import logging
import secrets

import stripe
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from atlas.billing import checkout, webhooks
from atlas.billing.forms import PlanChoiceForm
from atlas.billing.models import CheckoutSession
from atlas.billing.notices import read_portal_link_token
from atlas.billing.stripe_api import configured
from atlas.lib.http import client_ip, csrf_ok, safe_next
from atlas.members import accounts
from atlas.members import services as member_services
from atlas.members.models import Member
from atlas.members.policy import current_member
from atlas.publishing.models import Publication
from atlas.runtime.ratelimit import Limit, hit

logger = logging.getLogger(__name__)

BROWSER_KEY = "billing_browser"
# Each checkout asks Stripe for a session: a bound on how often one address or one IP may.
CHECKOUT_LIMITS = {"ip": Limit(hits=30, seconds=3600), "email": Limit(hits=10, seconds=3600)}
CONFIRM_TRIES = 30  # the thank-you page asks again every 2 s for a minute


def browser_key(request: HttpRequest) -> str:
    """A value tied to this browser's session: the thank-you page signs in only the browser
    that started the checkout."""
    secret = request.session.get(BROWSER_KEY)
    if not secret:
        secret = request.session[BROWSER_KEY] = secrets.token_urlsafe(24)
    return hashlib.sha256(secret.encode()).hexdigest()


def absolute(path: str) -> str:
    return Publication.current().absolute(path)


@never_cache
@csrf_exempt
@require_POST
def start_checkout(request: HttpRequest) -> HttpResponse:
    back_to = safe_next(request, request.POST.get("next"), reverse("members:subscribe"))
    if not configured():
        raise Http404("Paid plans are not offered.")
    if not csrf_ok(request):  # plan forms on cached pages carry no token
        return _refused(request, "This form expired or came from another site.", back_to, 403)
    member = current_member(request)
    form = PlanChoiceForm(request.POST, member=member)
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return _refused(request, " ".join(problems), back_to, 400)
    (tier, interval), email = form.cleaned_data["plan"], form.cleaned_data["email"]
    if not (
        hit("checkout:ip", client_ip(request), CHECKOUT_LIMITS["ip"])
        and hit("checkout:email", email, CHECKOUT_LIMITS["email"])
    ):
        message = "Too many attempts. Please wait a while and try again."
        return _refused(request, message, back_to, 429)
    back = checkout.Return(
        success_url=absolute(reverse("billing:thanks")) + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=absolute(back_to),
        path=back_to,
    )
    try:
        session = checkout.start(
            tier=tier,
            interval=interval,
            member=member,
            email=email,
            browser_key=browser_key(request),
            back=back,
        )
    except checkout.SignInFirst:
        member_services.request_sign_in(email, back_to)
        return render(request, "billing/sign_in_first.html", {"email": email}, status=409)
    except checkout.PayingAtStripe:  # their plan is changed in Stripe's portal
        return _to_portal(request, member) if member else redirect("members:account")
    except checkout.AlreadyPaying as refusal:
        messages.info(request, str(refusal))
        return redirect("members:account")
    except checkout.CheckoutRefused as refusal:
        return _refused(request, str(refusal), back_to, 400)
    except stripe.StripeError:
        logger.exception("Checkout could not start")
        return _refused(
            request, "Payments are not answering. Please try again shortly.", back_to, 503
        )
    return HttpResponseRedirect(session.url, status=303)


def _refused(request: HttpRequest, message: str, back_to: str, status: int) -> HttpResponse:
    context = {"message": message, "back_to": back_to}
    return render(request, "billing/checkout_refused.html", context, status=status)


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest) -> HttpResponse:
    """Back from Checkout: the reader has access as soon as Stripe says the session is
    complete, whether its webhook has arrived or not."""
    session = get_object_or_404(CheckoutSession, stripe_id=request.GET.get("session_id", ""))
    try:
        session = checkout.confirm(session)
    except stripe.StripeError:
        logger.warning("Checkout %s could not be confirmed yet", session.stripe_id, exc_info=True)
    if session.status != CheckoutSession.Status.COMPLETE:
        tries = _int(request.GET.get("try"))
        context = {"session": session, "next_try": tries + 1, "waiting": tries < CONFIRM_TRIES}
        return render(request, "billing/confirming.html", context, status=202)
    member = session.member
    signed_in = current_member(request)
    if (
        member is not None
        and signed_in is None
        and session.created_member
        and session.browser_key == browser_key(request)
    ):
        login(request, member_services.user_for(member), backend=accounts.BACKEND)
        signed_in = member
    context = {
        "session": session,
        "member": member,
        "signed_in": signed_in == member,
        "same_browser": session.browser_key == browser_key(request),
    }
    return render(request, "billing/thanks.html", context)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@never_cache
@login_required(login_url="members:sign_in")
@require_http_methods(["GET", "POST"])
def portal(request: HttpRequest) -> HttpResponse:
    """To Stripe's Billing Portal (card, invoices, plan, cancel), and back to the account."""
    member = current_member(request)
    if member is None:
        return render(request, "members/not_a_member.html", status=403)
    if request.method == "GET":
        return render(request, "billing/portal_link.html", {"member": member})
    return _to_portal(request, member)


@never_cache
@require_http_methods(["GET", "POST"])
def portal_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in billing emails: a button (mail scanners open links), then the portal."""
    member = Member.objects.filter(pk=read_portal_link_token(token) or 0).first()
    if member is None:
        return render(request, "members/link_invalid.html", {"purpose": "billing"}, status=404)
    if request.method == "GET":
        return render(request, "billing/portal_link.html", {"member": member, "token": token})
    return _to_portal(request, member)


def _to_portal(request: HttpRequest, member: Member) -> HttpResponse:
    if not configured():
        raise Http404("Billing is not set up.")
    try:
        url = checkout.portal_url(member, absolute(reverse("members:account")))
    except checkout.CheckoutRefused as refusal:
        messages.info(request, str(refusal))
        return redirect("members:account")
    except stripe.StripeError:
        logger.exception("Billing Portal could not open")
        messages.error(request, "Billing is not answering. Please try again shortly.")
        return redirect("members:account")
    return HttpResponseRedirect(url, status=303)


@csrf_exempt  # Stripe posts here; the signature is the proof
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not configured():
        return HttpResponse("Billing is not configured.\n", status=404, content_type="text/plain")
    signature = request.META.get("HTTP_STRIPE_SIGNATURE", "")
    try:
        event = webhooks.receive(request.body, signature)
    except (ValueError, KeyError, stripe.SignatureVerificationError):
        return HttpResponse(
            "Invalid signature or payload.\n", status=400, content_type="text/plain"
        )
    return HttpResponse(f"{event.status}\n", content_type="text/plain")
