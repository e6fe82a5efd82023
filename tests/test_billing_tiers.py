"""Tiers and their prices: Atlas creates them in Stripe, a new amount is a new price (subscribers
keep theirs), Stripe being down loses nothing, and only tiers meant for readers are offered."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from atlas.billing import services as billing_services
from atlas.billing.forms import TierForm
from atlas.billing.models import BillingSettings, PaidSubscription, Price, Tier
from atlas.billing.subscriptions import tier_for


def at_stripe(fake: Any, kind: str) -> list[dict[str, Any]]:
    return [obj for obj in fake.objects.values() if obj["object"] == kind]


def test_saving_a_tier_creates_its_product_and_prices_in_stripe(
    stripe_fake: Any, paid_tier: Tier
) -> None:
    (product,) = at_stripe(stripe_fake, "product")
    assert product["name"] == "Supporter" and paid_tier.stripe_product_id == product["id"]
    prices = {price["recurring"]["interval"]: price for price in at_stripe(stripe_fake, "price")}
    assert prices["month"]["unit_amount"] == 500 and prices["year"]["unit_amount"] == 5000
    assert {price["currency"] for price in prices.values()} == {"eur"}
    assert {price["product"] for price in prices.values()} == {product["id"]}
    assert billing_services.save_tier(paid_tier) == []  # saving again creates nothing
    assert len(at_stripe(stripe_fake, "price")) == 2


def test_a_new_amount_is_a_new_price_and_subscribers_keep_the_old_one(
    stripe_fake: Any, paid_tier: Tier
) -> None:
    old = paid_tier.prices.get(interval="month")
    paid_tier.monthly_amount = 700
    paid_tier.yearly_amount = None
    billing_services.save_tier(paid_tier)
    new = paid_tier.prices.get(interval="month", active=True)
    assert new.amount == 700 and new.stripe_price_id != old.stripe_price_id
    assert stripe_fake.objects[old.stripe_price_id]["active"] is False
    assert not paid_tier.prices.filter(interval="year", active=True).exists()
    assert tier_for(old.stripe_price_id, {}) == paid_tier.pk  # old subscriptions keep their tier


def test_a_tier_saved_while_stripe_is_down_gets_its_prices_later(
    stripe_fake: Any, settings: Any, db: Any
) -> None:
    real = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    tier = Tier(name="Founding member", slug="founding", monthly_amount=1500)
    problems = billing_services.save_tier(tier)
    assert problems and "tries again" in problems[0]
    assert Tier.objects.filter(slug="founding").exists() and not tier.prices.exists()
    assert billing_services.push_pending_tiers() == 0  # still down: kept for later
    settings.STRIPE_API_BASE = real
    assert billing_services.push_pending_tiers() == 1
    assert tier.prices.get().amount == 1500
    assert billing_services.push_pending_tiers() == 0


def test_only_visible_live_priced_tiers_are_offered(stripe_fake: Any, paid_tier: Tier) -> None:
    hidden = Tier(name="Legacy", slug="legacy", monthly_amount=300, visible=False)
    billing_services.save_tier(hidden)
    unpriced = Tier.objects.create(name="Draft", slug="draft", monthly_amount=900)
    assert list(Tier.objects.offered()) == [paid_tier]
    paid_tier.archived = True
    billing_services.save_tier(paid_tier)
    assert not Tier.objects.offered().exists()
    assert at_stripe(stripe_fake, "product")[0]["active"] is False
    assert unpriced.pk and hidden.prices.filter(active=True).exists()


@pytest.mark.parametrize(
    ("currency", "typed", "stored"),
    [("eur", "4.99", 499), ("jpy", "500", 500), ("kwd", "1.250", 1250), ("usd", "1000", 100000)],
)
def test_prices_are_typed_in_units_and_stored_in_the_smallest(
    currency: str, typed: str, stored: int, db: Any
) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"currency": currency})
    form = TierForm(
        {
            "name": "Ünïcode Tier ☕",
            "monthly_price": typed,
            "trial_days": "0",
            "position": "0",
            "visible": "on",
        }
    )
    assert form.is_valid(), form.errors
    tier = form.save()
    assert tier.monthly_amount == stored and tier.yearly_amount is None
    assert tier.slug == "unicode-tier"


def test_a_price_with_too_many_decimals_or_none_at_all_is_refused(db: Any) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"currency": "jpy"})
    assert (
        "monthly_price"
        in TierForm(
            {"name": "Yen", "monthly_price": "5.5", "trial_days": "0", "position": "0"}
        ).errors
    )
    assert TierForm({"name": "Nothing", "trial_days": "0", "position": "0"}).errors["__all__"]


def test_a_price_too_small_is_named_as_such_and_the_step_follows_the_currency(db: Any) -> None:
    BillingSettings.objects.update_or_create(pk=1, defaults={"currency": "eur"})
    form = TierForm({"name": "Small", "monthly_price": "0.1", "trial_days": "0", "position": "0"})
    assert "0.50" in str(form.errors["monthly_price"])
    assert "__all__" not in form.errors  # a price was typed: no "needs a price" beside it
    assert 'step="0.01"' in str(form["monthly_price"])
    BillingSettings.objects.update_or_create(pk=1, defaults={"currency": "jpy"})
    assert 'step="1"' in str(TierForm()["yearly_price"])


def test_staff_create_a_tier_in_the_newsroom_and_readers_see_it(
    stripe_fake: Any, db: Any, client: Client
) -> None:
    owner = User.objects.create_superuser("owner", "owner@example.org", "a-long-password")
    staff = Client()
    staff.force_login(owner)
    response = staff.post(
        "/newsroom/tiers/new/",
        {"name": "Insider", "description": "For the closest readers.", "benefits": "Everything\nCalls with the editors",  # noqa: E501
         "monthly_price": "9", "yearly_price": "90", "trial_days": "7", "visible": "on", "position": "2"},  # noqa: E501
    )  # fmt: skip
    assert response.status_code == 302
    tier = Tier.objects.get(slug="insider")
    assert sorted(tier.prices.values_list("interval", "amount")) == [("month", 900), ("year", 9000)]
    listing = staff.get("/newsroom/tiers/").content.decode()
    assert "Insider" in listing and "€9.00" in listing
    offer = client.get("/subscribe/").content.decode()
    assert "Calls with the editors" in offer and "7 days free" in offer and "€90.00 a year" in offer
    edit = staff.post(
        f"/newsroom/tiers/{tier.pk}/",
        {
            "name": "Insider",
            "slug": "insider",
            "monthly_price": "10",
            "yearly_price": "90",
            "trial_days": "7",
            "visible": "on",
            "position": "2",
        },
    )
    assert edit.status_code == 302
    assert tier.prices.get(interval="month", active=True).amount == 1000
    assert Price.objects.filter(tier=tier).count() == 3
    assert not PaidSubscription.objects.exists()
