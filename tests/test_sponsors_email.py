"""The newsletter's Sponsored block: one campaign per send, the same for every recipient, recorded,
labelled, counted as delivered, and only where its targets say (real sends over SMTP)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from atlas.delivery import engine, services
from atlas.delivery.models import Send
from atlas.members.models import Member, Newsletter, Subscription
from atlas.publishing.models import Post
from atlas.sponsors.models import Campaign, SendSponsorship, SponsorshipOptOut
from atlas.sponsors.services import email_text_block, refresh_sponsorships
from tests.factories import (
    LONG_BODY,
    CampaignFactory,
    campaign_counts,
    newsletter_subscribers,
    run_send,
    visitor,
)

BLOCK = re.compile(r'<table [^>]*class="sponsor-block".*?</table>', re.DOTALL)


@pytest.fixture
def story(make_post: Any) -> Post:
    return make_post("Bridge reopens after repairs", body=LONG_BODY)


def email_block(html: str) -> str:
    found = BLOCK.findall(html)
    return found[0] if found else ""


def test_every_recipient_gets_the_same_labelled_block_and_the_send_records_it(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign(headline="Savings that stay in town", weight=1)
    make_campaign(headline="Another offer", weight=1)
    members = newsletter_subscribers(4, newsletter)

    send = services.start_send(story, [newsletter])
    run_send(send)

    blocks = {email_block(mailbox.last_to(member.email).html) for member in members}
    assert len(blocks) == 1
    block = blocks.pop()
    chosen = SendSponsorship.objects.get(send=send).campaign
    assert chosen.headline in block and "Riverside Bike Co-op" in block
    assert re.search(r">\s*Sponsored\s*<", block)
    links = re.findall(r"<a [^>]*>", block)
    assert links and all('rel="sponsored noopener"' in link for link in links)
    assert all('href="http://127.0.0.1:8000/go/' in link for link in links)
    assert chosen in (campaign, Campaign.objects.get(headline="Another offer"))


def test_delivered_messages_count_as_impressions_once_the_send_is_done(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign()
    newsletter_subscribers(5, newsletter)
    send = services.start_send(story, [newsletter])
    run_send(send)
    assert send.status == Send.Status.DONE
    assert campaign_counts(campaign, "email") == (0, 0, 0)

    assert refresh_sponsorships()["sends_counted"] == 1
    assert campaign_counts(campaign, "email") == (5, 0, 0)
    assert refresh_sponsorships()["sends_counted"] == 0
    assert campaign_counts(campaign, "email") == (5, 0, 0)
    assert SendSponsorship.objects.get(send=send).delivered == 5


def test_a_click_in_the_email_counts_on_the_email_channel(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign(destination_url="https://credit.example/save")
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(story, [newsletter]))
    html = mailbox.last_to(member.email).html
    link = re.search(r'href="http://127\.0\.0\.1:8000(/go/[^"]+)"', html)
    assert link
    response = visitor().get(link.group(1))
    assert response["Location"] == "https://credit.example/save"
    assert campaign_counts(campaign, "email") == (0, 1, 1) and campaign_counts(campaign, "web") == (
        0,
        0,
        0,
    )


def test_a_campaign_limited_to_another_newsletter_stays_out(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    other = Newsletter.objects.create(name="Weekend", slug="weekend")
    make_campaign(newsletters=[other])
    member = newsletter_subscribers(1, newsletter)[0]
    send = services.start_send(story, [newsletter])
    run_send(send)
    assert not email_block(mailbox.last_to(member.email).html)
    assert not SendSponsorship.objects.exists()


def test_a_campaign_limited_to_this_newsletter_goes_in(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign(headline="For our readers", newsletters=[newsletter])
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(story, [newsletter]))
    assert "For our readers" in email_block(mailbox.last_to(member.email).html)


def test_a_web_only_campaign_stays_out_of_email(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign(placement=Campaign.Placement.WEB)
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(story, [newsletter]))
    assert not email_block(mailbox.last_to(member.email).html)


def test_a_send_cap_stops_the_campaign_after_that_many_sends(
    make_post: Any, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign(send_cap=1)
    newsletter_subscribers(1, newsletter)
    first = services.start_send(make_post(body=LONG_BODY), [newsletter])
    second = services.start_send(make_post(body=LONG_BODY), [newsletter])
    assert SendSponsorship.objects.get(send=first).campaign == campaign
    assert not SendSponsorship.objects.filter(send=second).exists()
    assert "sponsor-block" not in second.full_html


def test_an_opted_out_post_is_sent_without_a_sponsor(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign()
    SponsorshipOptOut.objects.create(post=story)
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(story, [newsletter]))
    assert not email_block(mailbox.last_to(member.email).html)


def test_a_send_to_paying_members_only_carries_no_sponsor(
    story: Post, newsletter: Newsletter, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign()
    paid = Member.objects.create(
        email="paid@example.org", status="active", tier=Member.Tier.PAID,
        confirmed_at=timezone.now(),
    )  # fmt: skip
    Subscription.objects.create(member=paid, newsletter=newsletter, status="active")
    run_send(services.start_send(story, [newsletter], audience=Send.Audience.PAID))
    assert not email_block(mailbox.last_to(paid.email).html)


def test_a_test_send_shows_the_block_but_records_nothing(
    story: Post, mailbox: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign(headline="Preview me")
    send = services.test_send(story, ["editor@example.org"])
    engine.deliver_batch(send.batches.get().pk)
    assert "Preview me" in email_block(mailbox.last_to("editor@example.org").html)
    assert not SendSponsorship.objects.exists()
    refresh_sponsorships()
    assert not SendSponsorship.objects.exists()


def test_the_plain_text_part_can_carry_the_same_block(
    story: Post, newsletter: Newsletter, make_campaign: CampaignFactory
) -> None:
    make_campaign(headline="Savings that stay in town", body="No fees, **ever**.")
    newsletter_subscribers(1, newsletter)
    send = services.start_send(story, [newsletter])
    text = email_text_block(send)
    assert "-- SPONSORED: Riverside Bike Co-op --" in text
    assert "Savings that stay in town" in text and "No fees, ever." in text
    assert re.search(r"Book a tune-up: http://127\.0\.0\.1:8000/go/\S+", text)
    assert SendSponsorship.objects.get(send=send).campaign.headline in send.full_html
