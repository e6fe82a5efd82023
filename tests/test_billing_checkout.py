"""Checkout and the Billing Portal: readers become paying members at once on return, members upgrade
in place, and nobody gets a second customer, a second subscription or a second trial."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from atlas.billing import services as billing_services
from atlas.billing.models import CheckoutSession, PaidSubscription, Tier
from atlas.billing.notices import portal_link_token
from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member, OutboundEmail
from atlas.publishing.models import Post


def choose(client: Client, plan: str = "supporter:month", **fields: str) -> Any:
    return client.post("/billing/checkout/", {"plan": plan, "next": "/", **fields})


def session_of(response: Any) -> CheckoutSession:
    assert response.status_code == 303, response.content.decode()[-600:]
    return CheckoutSession.objects.get(stripe_id=response["Location"].rsplit("/", 1)[1])


def signed_in(email: str, tier: str = Member.Tier.FREE) -> tuple[Client, Member]:
    member = Member.objects.create(
        email=email, name="Ana Lúcia", status=Member.Status.ACTIVE, confirmed_at=timezone.now(),
        tier=tier,
    )  # fmt: skip
    client = Client()
    client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    return client, member


@pytest.fixture
def quiet_stripe(stripe_fake: Any) -> Any:
    """No webhook arrives unless the test delivers it."""
    stripe_fake.auto_deliver = False
    return stripe_fake


def test_a_new_reader_pays_and_reads_at_once_even_before_the_webhook(
    quiet_stripe: Any, paid_tier: Tier, make_post: Any, deliver_webhooks: Any
) -> None:
    paid_post = make_post("Budget leak", visibility=Post.Visibility.PAID, body="The full leak.")
    browser = Client()
    session = session_of(choose(browser, email="Nuno.Souza@Exámple.org", name="ignored"))
    assert session.email == "Nuno.Souza@xn--exmple-qta.org"

    waiting = browser.get(f"/billing/thanks/?session_id={session.stripe_id}")
    assert waiting.status_code == 202 and b'http-equiv="refresh"' in waiting.content

    back_to = quiet_stripe.pay(session.stripe_id, name="Nuno Souza")
    thanks = browser.get(back_to.split("8000", 1)[-1])
    assert thanks.status_code == 200 and "Supporter member" in thanks.content.decode()
    member = Member.objects.get()
    assert (member.status, member.tier, member.name) == ("active", "paid", "Nuno Souza")
    assert member.confirmed_at is not None and member.subscriptions.filter(status="active").exists()
    assert "The full leak." in browser.get(paid_post.get_absolute_url()).content.decode()

    assert set(deliver_webhooks()) == {200}  # the webhooks come late: nothing doubles
    assert Member.objects.count() == 1 and PaidSubscription.objects.count() == 1
    assert OutboundEmail.objects.filter(template="billing/email/welcome").count() == 1


def test_checkout_prefills_the_email_applies_the_trial_and_promotion_codes(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    paid_tier.trial_days = 30
    billing_services.save_tier(paid_tier)
    settings_row = billing_services.BillingSettings.current()
    settings_row.allow_promotion_codes = True
    settings_row.save()
    session = session_of(choose(Client(), "supporter:year", email="mei@example.org"))
    at_stripe = quiet_stripe.objects[session.stripe_id]
    assert at_stripe["mode"] == "subscription"
    assert at_stripe["customer_email"] == "mei@example.org"
    assert at_stripe["allow_promotion_codes"] is True
    assert at_stripe["subscription_data"]["trial_period_days"] == "30"
    assert at_stripe["price"] == paid_tier.prices.get(interval="year").stripe_price_id
    assert at_stripe["success_url"].endswith("/billing/thanks/?session_id={CHECKOUT_SESSION_ID}")


def test_a_signed_in_member_upgrades_in_place_with_one_customer_and_one_open_checkout(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, member = signed_in("ana@example.org")
    first = session_of(choose(browser))
    second = session_of(choose(browser, "supporter:year"))  # a second tab
    member.refresh_from_db()
    customers = [obj for obj in quiet_stripe.objects.values() if obj["object"] == "customer"]
    assert [customer["id"] for customer in customers] == [member.stripe_customer_id]
    assert quiet_stripe.objects[second.stripe_id]["customer"] == member.stripe_customer_id
    assert quiet_stripe.objects[first.stripe_id]["status"] == "expired"  # cannot be paid twice
    first.refresh_from_db()
    assert first.status == "expired"

    browser.get(quiet_stripe.pay(second.stripe_id).split("8000", 1)[-1])
    member.refresh_from_db()
    assert member.tier == "paid" and Member.objects.count() == 1
    assert PaidSubscription.objects.get().member == member


def test_a_paying_member_is_sent_to_their_account_instead_of_a_second_checkout(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, _member = signed_in("paying@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    again = choose(browser, "supporter:year")
    assert again.status_code == 302 and again["Location"] == "/account/"
    assert CheckoutSession.objects.count() == 1


def test_an_existing_members_address_must_sign_in_before_paying(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    Member.objects.create(email="taken@example.org", status=Member.Status.ACTIVE)
    response = choose(Client(), email="TAKEN@example.org")
    assert response.status_code == 409 and b"Sign in to upgrade" in response.content
    assert OutboundEmail.objects.get().template == "members/email/sign_in"
    assert not CheckoutSession.objects.exists()
    assert not [obj for obj in quiet_stripe.objects.values() if obj["object"] == "checkout.session"]


def test_the_success_link_in_another_browser_does_not_sign_anyone_in(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    session = session_of(choose(Client(), email="private@example.org"))
    back_to = quiet_stripe.pay(session.stripe_id).split("8000", 1)[-1]
    stranger = Client()
    page = stranger.get(back_to)
    assert page.status_code == 200 and b"Sign in" in page.content
    assert "_auth_user_id" not in stranger.session


def test_a_second_subscription_gets_no_second_trial(quiet_stripe: Any, paid_tier: Tier) -> None:
    paid_tier.trial_days = 14
    billing_services.save_tier(paid_tier)
    browser, _member = signed_in("again@example.org")
    session = session_of(choose(browser))
    browser.get(quiet_stripe.pay(session.stripe_id).split("8000", 1)[-1])
    quiet_stripe.cancel_now(quiet_stripe.subscriptions()[0]["id"])  # its webhook is not needed
    PaidSubscription.objects.update(status="canceled", ended_at=timezone.now())
    again = session_of(choose(browser))
    assert "trial_period_days" not in quiet_stripe.objects[again.stripe_id]["subscription_data"]


def test_a_bad_choice_or_a_post_from_another_site_is_refused(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    assert choose(Client(), "nonsense:month", email="a@example.org").status_code == 400
    assert choose(Client(), "supporter:weekly", email="a@example.org").status_code == 400
    assert choose(Client(), email="not an address").status_code == 400
    guarded = Client(enforce_csrf_checks=True)
    elsewhere = guarded.post(
        "/billing/checkout/", {"plan": "supporter:month", "email": "a@example.org"},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert elsewhere.status_code == 403
    same_site = guarded.post(
        "/billing/checkout/", {"plan": "supporter:month", "email": "a@example.org"},
        headers={"Origin": "http://testserver"},
    )  # fmt: skip
    assert same_site.status_code == 303


def test_the_account_page_opens_the_billing_portal(quiet_stripe: Any, paid_tier: Tier) -> None:
    browser, _member = signed_in("portal@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    account = browser.get("/account/").content.decode()
    assert "Manage billing" in account and "€5.00 a month" in account and "Renews on" in account
    response = browser.post("/billing/portal/")
    assert response.status_code == 303 and response["Location"].startswith(
        quiet_stripe.url + "/portal/"
    )
    portal = quiet_stripe.objects[response["Location"].rsplit("/", 1)[1]]
    assert portal["return_url"].endswith("/account/")
    assert portal["customer"] == Member.objects.get().stripe_customer_id


def test_the_portal_link_in_an_email_shows_a_button_then_opens_the_portal(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, member = signed_in("emailed@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    stranger = Client()  # the mail app's browser, signed in or not
    url = f"/billing/portal/{portal_link_token(member.pk)}/"
    assert b"Open billing" in stranger.get(url).content
    assert stranger.post(url).status_code == 303
    assert stranger.get("/billing/portal/not-a-token/").status_code == 404


def test_paid_features_hide_while_stripe_is_not_configured(
    paid_tier: Tier, make_post: Any, settings: Any, client: Client
) -> None:
    paid_post = make_post("Locked", visibility=Post.Visibility.PAID)
    assert b"Continue to payment" in client.get("/subscribe/").content
    settings.STRIPE_SECRET_KEY = ""
    assert b"Continue to payment" not in client.get("/subscribe/").content
    gate = client.get(paid_post.get_absolute_url()).content.decode()
    assert "paid plans open soon" in gate and "Continue to payment" not in gate
    assert choose(client, email="a@example.org").status_code == 404
    assert (
        client.post("/billing/stripe/webhook/", b"{}", content_type="application/json").status_code
        == 404
    )


def test_check_deploy_warns_when_tiers_exist_but_keys_do_not(
    paid_tier: Tier, settings: Any, capsys: Any
) -> None:
    from django.core.checks import run_checks

    settings.STRIPE_WEBHOOK_SECRET = ""
    warnings = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "atlas.billing.W001" in warnings
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    warnings = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "atlas.billing.W001" not in warnings
    call_command("check", "--deploy", "--fail-level", "CRITICAL")


def test_a_member_who_deletes_their_account_is_not_charged_again(
    quiet_stripe: Any, paid_tier: Tier, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    browser, _member = signed_in("leaving@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    subscription = PaidSubscription.objects.get().stripe_id
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post("/account/delete/").status_code == 200
    assert not Member.objects.exists()
    assert quiet_stripe.objects[subscription]["status"] == "canceled"


def test_checkouts_are_rate_limited_per_address(quiet_stripe: Any, paid_tier: Tier) -> None:
    statuses = [choose(Client(), email="eager@example.org").status_code for _ in range(11)]
    assert statuses == [303] * 10 + [429]


def test_a_paying_member_sees_their_plan_on_the_subscribe_page(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, _member = signed_in("subscribed@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    page = browser.get("/subscribe/").content.decode()
    assert "You are a Supporter member" in page and "Continue to payment" not in page


def test_an_imported_member_not_yet_synced_goes_to_the_portal_instead_of_a_second_checkout(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, member = signed_in("moved.in@example.org")
    customer = quiet_stripe.create_customer({"email": member.email})["id"]
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer)
    ghost_product = quiet_stripe.create("prod", "product", {"name": "Ghost Supporter"})["id"]
    ghost_price = quiet_stripe.create_price(
        {"product": ghost_product, "currency": "eur", "unit_amount": "450",
         "recurring": {"interval": "month"}}
    )["id"]  # fmt: skip
    old = quiet_stripe.create_subscription(customer, ghost_price, started=1_700_000_000)
    response = choose(browser, "supporter:year")
    assert response.status_code == 303
    assert response["Location"].startswith(quiet_stripe.url + "/portal/")
    assert not CheckoutSession.objects.exists()
    assert not [obj for obj in quiet_stripe.objects.values() if obj["object"] == "checkout.session"]
    linked = PaidSubscription.objects.get()
    assert (linked.stripe_id, linked.member, linked.linked_by_sync) == (old["id"], member, True)
    member.refresh_from_db()
    assert member.tier == Member.Tier.PAID and not OutboundEmail.objects.exists()


def test_an_imported_member_whose_old_subscription_ended_may_check_out(
    quiet_stripe: Any, paid_tier: Tier
) -> None:
    browser, member = signed_in("lapsed@example.org")
    customer = quiet_stripe.create_customer({"email": member.email})["id"]
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer)
    price = paid_tier.prices.get(interval="month").stripe_price_id
    quiet_stripe.create_subscription(customer, price, status="canceled", started=1_700_000_000)
    session = session_of(choose(browser))
    assert quiet_stripe.objects[session.stripe_id]["customer"] == customer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # the portal sends the reader back to Atlas: not followed here


def test_switching_from_monthly_to_yearly_in_the_portal_updates_the_plan_shown(
    quiet_stripe: Any, paid_tier: Tier, deliver_webhooks: Any, editor_client: Client
) -> None:
    browser, member = signed_in("switcher@example.org")
    browser.get(quiet_stripe.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    assert set(deliver_webhooks()) == {200}
    assert "€5.00 a month" in browser.get("/account/").content.decode()
    portal = browser.post("/billing/portal/")["Location"]
    yearly = paid_tier.prices.get(interval="year").stripe_price_id
    assert yearly in urllib.request.urlopen(portal).read().decode()  # offered on the page
    switch = urllib.request.Request(portal, data=urlencode({"price": yearly}).encode())
    with pytest.raises(urllib.error.HTTPError) as back:
        urllib.request.build_opener(_NoRedirect).open(switch)
    assert back.value.code == 303 and back.value.headers["Location"].endswith("/account/")
    assert set(deliver_webhooks()) == {200}
    subscription = PaidSubscription.objects.get()
    assert (subscription.interval, subscription.amount, subscription.stripe_price_id) == (
        "year", 5000, yearly
    )  # fmt: skip
    account = browser.get("/account/").content.decode()
    assert "€50.00 a year" in account and "€5.00 a month" not in account
    page = editor_client.get(f"/newsroom/members/{member.pk}/").content.decode()
    assert "€50.00 a year" in page
    member.refresh_from_db()
    assert member.tier == Member.Tier.PAID
    assert OutboundEmail.objects.filter(template="billing/email/welcome").count() == 1
