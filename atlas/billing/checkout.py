"""Stripe Checkout and the Billing Portal: a reader chooses a tier, pays on Stripe's page, and
comes back a paying member; later they manage their card, plan and invoices on Stripe's portal.

No reader is charged twice: a member who already pays is sent to their account or the portal
instead of a second checkout (a member imported with a Stripe customer is asked about at Stripe
first: their subscription may not be linked yet); starting a checkout expires the reader's
earlier open ones (a second tab cannot complete an old one); customers are created with an
idempotency key per member, so a member never gets two. A reader who is not a member yet
becomes one when the checkout completes (by the webhook or by the thank-you page, whichever
comes first: both run `complete`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import stripe
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from atlas.billing import subscriptions, sync
from atlas.billing.models import BillingSettings, CheckoutSession, PaidSubscription, Price, Tier
from atlas.billing.stripe_api import StripeDict, as_dict, client, object_id
from atlas.members import services as member_services
from atlas.members.models import Member

logger = logging.getLogger(__name__)


class CheckoutRefused(Exception):
    """The checkout cannot start; the message says why, for the reader."""


class SignInFirst(CheckoutRefused):
    """The address belongs to a member who is not signed in."""


class AlreadyPaying(CheckoutRefused):
    """The member already has a subscription: they change it in the portal."""


class PayingAtStripe(AlreadyPaying):
    """Stripe holds a live subscription of the member's customer that Atlas had not linked (an
    import before `billing_sync`): it is linked now, and the reader goes to the portal."""


@dataclass(frozen=True)
class Return:
    """Where Stripe sends the reader back: after paying (with `{CHECKOUT_SESSION_ID}`), or when
    they leave the checkout."""

    success_url: str
    cancel_url: str
    path: str = ""


def offered_price(tier: Tier, interval: str) -> Price:
    price = Price.objects.filter(tier=tier, interval=interval, active=True).first()
    if price is None or not tier.is_paid or tier.archived:
        raise CheckoutRefused("This plan is not offered at the moment.")
    return price


def start(
    *,
    tier: Tier,
    interval: str,
    member: Member | None,
    email: str,
    browser_key: str,
    back: Return,
) -> CheckoutSession:
    """Open a Stripe Checkout for `tier` at `interval` and remember it."""
    price = offered_price(tier, interval)
    if member is None:
        if Member.objects.with_email(email).exists():
            raise SignInFirst("This address is already a member's: sign in to upgrade.")
    elif subscriptions.live_subscription(member) is not None:
        raise AlreadyPaying("You already have a paid plan: change it from your account.")
    elif sync.link_live(member):
        raise PayingAtStripe("You already have a paid plan: change it in the Billing Portal.")
    customer = ensure_customer(member) if member else ""
    address = member.email if member else email
    expire_open(member, address)
    params: Any = {  # the SDK's SessionCreateParams, built step by step
        "mode": "subscription",
        "line_items": [{"price": price.stripe_price_id, "quantity": 1}],
        "success_url": back.success_url,
        "cancel_url": back.cancel_url,
        "allow_promotion_codes": BillingSettings.current().allow_promotion_codes,
        "metadata": {"atlas_tier": tier.slug},
        "subscription_data": {"metadata": {"atlas_tier": tier.slug}},
    }
    if tier.trial_days and not had_subscription(member, address):
        params["subscription_data"]["trial_period_days"] = tier.trial_days
    if member is not None:
        params["client_reference_id"] = str(member.pk)
        params["customer"] = customer
    else:
        params["customer_email"] = address
    session = as_dict(client().v1.checkout.sessions.create(params=params))
    return CheckoutSession.objects.create(
        stripe_id=session["id"],
        url=session["url"],
        member=member,
        email=address,
        tier=tier,
        interval=interval,
        browser_key=browser_key,
        return_path=back.path[:300],
    )


def had_subscription(member: Member | None, email: str) -> bool:
    """A trial is for a first subscription only."""
    if member is not None and PaidSubscription.objects.filter(member=member).exists():
        return True
    return CheckoutSession.objects.filter(
        email__iexact=email, status=CheckoutSession.Status.COMPLETE
    ).exists()


def expire_open(member: Member | None, email: str) -> None:
    """Close the reader's earlier checkouts, so that only the newest can be paid."""
    earlier = CheckoutSession.objects.filter(status=CheckoutSession.Status.OPEN)
    earlier = earlier.filter(member=member) if member else earlier.filter(email__iexact=email)
    for session in earlier:
        try:
            client().v1.checkout.sessions.expire(session.stripe_id)
        except stripe.StripeError as error:  # already completed or expired at Stripe
            logger.info("Checkout %s not expired: %s", session.stripe_id, error)
            continue
        mark_expired(session.stripe_id)


def mark_expired(stripe_id: str) -> None:
    CheckoutSession.objects.filter(stripe_id=stripe_id, status=CheckoutSession.Status.OPEN).update(
        status=CheckoutSession.Status.EXPIRED
    )


def ensure_customer(member: Member) -> str:
    """The member's Stripe customer, created once (the idempotency key makes two concurrent
    requests get the same customer; the conditional update keeps the first one stored)."""
    if member.stripe_customer_id:
        return member.stripe_customer_id
    details: Any = {"email": member.email, "metadata": {"atlas_member": str(member.pk)}}
    if member.name:
        details["name"] = member.name
    customer = client().v1.customers.create(
        params=details,
        options={"idempotency_key": f"atlas-member-{member.pk}-customer"},
    )
    member_services.set_stripe_customer(member.pk, customer.id)
    member.refresh_from_db(fields=["stripe_customer_id"])
    return member.stripe_customer_id


def complete(session: StripeDict) -> int | None:
    """A completed checkout: find or make the member, link the customer and the subscription.
    Safe to run twice and concurrently (the webhook and the thank-you page both call it)."""
    if session.get("status") != "complete" or session.get("mode") != "subscription":
        return None
    customer_id = object_id(session.get("customer"))
    details = session.get("customer_details") or {}
    email = details.get("email") or session.get("customer_email") or ""
    member, created = _member_for(session, customer_id, email, details.get("name") or "")
    if member is None:
        return None
    if customer_id:
        member_services.set_stripe_customer(member.pk, customer_id)
    with transaction.atomic():
        CheckoutSession.objects.filter(stripe_id=session["id"]).exclude(
            status=CheckoutSession.Status.COMPLETE
        ).update(status=CheckoutSession.Status.COMPLETE, member=member, completed_at=timezone.now())
        if created:
            CheckoutSession.objects.filter(stripe_id=session["id"]).update(created_member=True)
    subscription_id = object_id(session.get("subscription"))
    if subscription_id:
        subscriptions.sync(subscription_id, member_id=member.pk, from_checkout=True)
    if customer_id:
        subscriptions.link_customer(member.pk, customer_id)
    return member.pk


def _member_for(
    session: StripeDict, customer_id: str, email: str, name: str
) -> tuple[Member | None, bool]:
    reference = session.get("client_reference_id") or ""
    if reference.isdigit():
        found = Member.objects.filter(pk=int(reference)).first()
        if found is not None:
            return found, False
    if customer_id:
        found = Member.objects.filter(stripe_customer_id=customer_id).order_by("pk").first()
        if found is not None:
            return found, False
    if not email:
        logger.warning("Checkout %s completed without an email address", session.get("id"))
        return None, False
    try:
        return member_services.add_verified_member(
            email, name, member_services.SignupSource(via="checkout")
        )
    except ValidationError:  # an address Stripe took but members refuses: kept, not linked
        logger.warning("Checkout %s: the address is not one members accepts", session.get("id"))
        return None, False


def confirm(checkout: CheckoutSession) -> CheckoutSession:
    """The thank-you page: if the webhook has not told us yet, ask Stripe about the session."""
    if checkout.status != CheckoutSession.Status.COMPLETE:
        session = as_dict(client().v1.checkout.sessions.retrieve(checkout.stripe_id))
        if session.get("status") == "complete":
            complete(session)
        elif session.get("status") == "expired":
            mark_expired(checkout.stripe_id)
        checkout.refresh_from_db()
    return checkout


def portal_url(member: Member, return_url: str) -> str:
    """A Billing Portal session for the member's customer (card, invoices, plan, cancel)."""
    if not member.stripe_customer_id:
        raise CheckoutRefused("There is no billing account for this address yet.")
    session = client().v1.billing_portal.sessions.create(
        params={"customer": member.stripe_customer_id, "return_url": return_url}
    )
    return str(session.url)


def cancel_at_stripe(subscription_ids: list[str]) -> None:
    """Stop charging for these subscriptions now (their member deleted their account)."""
    for subscription_id in subscription_ids:
        try:
            client().v1.subscriptions.cancel(subscription_id)
        except stripe.InvalidRequestError as error:  # already canceled
            logger.info("Subscription %s not canceled: %s", subscription_id, error)


@task()
def cancel_subscriptions_task(subscription_ids: list[str]) -> None:
    cancel_at_stripe(subscription_ids)
