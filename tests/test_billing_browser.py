"""A reader's paid year in a real Chromium, against the fake Stripe: subscribes through Checkout and
reads at once, gets the paid newsletter in full, renews, has a payment fail (reads on in the grace
period, gets the email), cancels in the Billing Portal (reads until the period's end), then sees
the teaser."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from atlas.billing.models import PaidSubscription, WebhookEvent
from atlas.delivery import engine
from atlas.delivery import services as delivery_services
from atlas.delivery.engine import prepare_send_task
from atlas.members.models import Member, Newsletter
from atlas.publishing.models import Post, Publication
from tests.factories import RESULTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "The diary of the minister shows four meetings with the shipping lobby."


def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def events_done(count: int) -> Callable[[], bool]:
    return lambda: WebhookEvent.objects.filter(status__in=["done", "ignored"]).count() >= count


def run_send(post: Post, newsletter: Newsletter) -> None:
    send = delivery_services.start_send(post, [newsletter])
    prepare_send_task.call(send.pk)
    for batch_id in list(send.batches.values_list("pk", flat=True)):
        engine.deliver_batch(batch_id)


def test_a_reader_subscribes_reads_renews_falls_behind_cancels_and_sees_the_teaser(
    live_server: Any, new_page: Any, stripe_fake: Any, paid_tier: Any, make_post: Any,
    mailbox: Any, deliver: Any,
) -> None:  # fmt: skip
    publication = Publication.current()
    publication.public_url = live_server.url
    publication.save()
    stripe_fake.webhook_url = live_server.url + "/billing/stripe/webhook/"
    stripe_fake.delivery_delay = 1.0  # the webhooks come after the reader is back
    story = make_post(
        "The shipping lobby's year in the ministry", visibility=Post.Visibility.PAID,
        subtitle="Four meetings, no minutes.", body=f"{SECRET}\n\nAnd more detail.",
    )  # fmt: skip
    page = new_page(width=390)  # a phone

    # Subscribe from the paywall, pay on (fake) Stripe, come back with access.
    page.goto(live_server.url + story.get_absolute_url())
    assert SECRET not in page.content()
    page.get_by_label("€50.00 a year").check()
    page.get_by_label("Email address").first.fill("joao.pereira@example.org")
    page.screenshot(path=str(RESULTS / "billing-paywall.png"), full_page=True)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{stripe_fake.url}/checkout/**")
    page.get_by_label("Name").fill("João Pereira")
    page.get_by_role("button", name="Pay and subscribe").click()
    page.wait_for_url("**/billing/thanks/**")
    assert "You are now a Supporter member" in page.content()
    page.get_by_role("link", name="Continue reading").click()
    page.wait_for_url(f"**{story.get_absolute_url()}")
    assert SECRET in page.locator(".prose").inner_text()
    member = Member.objects.get()
    assert (member.name, member.tier, member.status) == ("João Pereira", "paid", "active")

    # The webhooks arrive late and change nothing; the welcome email goes out.
    wait_until(events_done(4))
    assert Member.objects.count() == 1 and PaidSubscription.objects.count() == 1
    deliver()
    assert "Welcome to Supporter" in mailbox.last_to(member.email).message["Subject"]

    # The paid newsletter arrives in full.
    run_send(story, Newsletter.objects.get(slug="newsletter"))
    assert SECRET in mailbox.last_to(member.email).html

    # A year later it renews; then a renewal fails: past due, still reading, an email.
    subscription = PaidSubscription.objects.get().stripe_id
    stripe_fake.renew(subscription)
    stripe_fake.fail_payment(subscription)
    wait_until(events_done(8))
    assert PaidSubscription.objects.get().status == "past_due"
    page.reload()
    assert SECRET in page.locator(".prose").inner_text()
    deliver()
    assert "did not go through" in mailbox.last_to(member.email).message["Subject"]
    page.goto(live_server.url + "/account/")
    assert "Your payment failed; you can read until" in page.content()
    stripe_fake.recover_payment(subscription)
    wait_until(events_done(10))

    # Cancel in the Billing Portal: reads until the period's end.
    page.goto(live_server.url + "/account/")
    page.get_by_role("button", name="Manage billing").click()
    page.wait_for_url(f"{stripe_fake.url}/portal/**")
    page.get_by_role("button", name="Cancel plan").click()
    page.wait_for_url("**/account/")
    wait_until(events_done(11))
    page.reload()
    assert "it will not renew" in page.content()
    page.screenshot(path=str(RESULTS / "billing-account.png"), full_page=True)
    page.goto(live_server.url + story.get_absolute_url())
    assert SECRET in page.locator(".prose").inner_text()

    # The period ends: the teaser; the cancellation email was sent once, when they canceled.
    stripe_fake.end_period(subscription)
    wait_until(events_done(12))
    page.reload()
    assert SECRET not in page.content()
    assert "Upgrade to keep reading" in page.content()
    deliver()
    subjects = [m.message["Subject"] for m in mailbox.to(member.email)]
    assert subjects.count("Your Supporter plan is canceled") == 1  # sent when they canceled
    assert "Your Supporter plan has ended" not in subjects
    assert sum("Welcome" in subject for subject in subjects) == 1
