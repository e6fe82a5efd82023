"""The one door to Stripe: the official SDK's client, configured from settings, and readers for
the fields of Stripe's objects that moved between API versions.

Everything else in billing works on plain dicts (`Stripe objects -> .to_dict()`), so the same code
reads an object fetched with the SDK's pinned API version and one sent in a webhook built with
the account's (maybe older) version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import stripe
from django.conf import settings

StripeDict = dict[str, Any]


class StripeUnavailable(RuntimeError):
    """Stripe is not configured here, or did not answer as expected."""


def configured() -> bool:
    """Paid features show only when every Stripe setting is present."""
    return bool(
        settings.STRIPE_SECRET_KEY
        and settings.STRIPE_PUBLISHABLE_KEY
        and settings.STRIPE_WEBHOOK_SECRET
    )


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise StripeUnavailable("STRIPE_SECRET_KEY is not set.")
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@cache
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=2)


def as_dict(obj: Any) -> StripeDict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def verify_event(payload: bytes, signature: str) -> StripeDict:
    """The event, if Stripe signed it with our webhook secret (else a ValueError or
    stripe.SignatureVerificationError, which the webhook answers with 400)."""
    event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    return as_dict(event)


# Reading Stripe's objects ------------------------------------------------------------------


def timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def object_id(value: Any) -> str:
    """An id, whether the field holds the id or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def first_item(subscription: StripeDict) -> StripeDict:
    items = (subscription.get("items") or {}).get("data") or []
    return items[0] if items else {}


def period(subscription: StripeDict) -> tuple[datetime | None, datetime | None]:
    """(start, end) of the current period: on the subscription before API 2025-03-31, on its
    items since."""
    item = first_item(subscription)
    start = subscription.get("current_period_start") or item.get("current_period_start")
    end = subscription.get("current_period_end") or item.get("current_period_end")
    return timestamp(start), timestamp(end)


def price_of(subscription: StripeDict) -> StripeDict:
    item = first_item(subscription)
    return item.get("price") or item.get("plan") or subscription.get("plan") or {}


def invoice_subscription_id(invoice: StripeDict) -> str:
    """The subscription an invoice bills: `subscription` before API 2025-03-31, under
    `parent.subscription_details` since."""
    found = object_id(invoice.get("subscription"))
    if found:
        return found
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return object_id(details.get("subscription"))
