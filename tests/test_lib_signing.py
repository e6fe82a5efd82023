"""Signed tokens: made and read in one place, refused when edited, expired or made for another
purpose, and the tokens in links already sent still read."""

from __future__ import annotations

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from atlas.delivery.tracking import LINK_TOKENS, RECIPIENT_TOKENS
from atlas.discussions.notifications import read_reply_email_token, reply_email_token
from atlas.lib.signing import Tokens
from atlas.members.links import read_unsubscribe_token, unsubscribe_token
from atlas.sponsors.tokens import CampaignLink, click_token, read_click_token, read_pixel_token

PURPOSE = Tokens("atlas.tests.purpose")


def test_ids_round_trip_and_an_edited_token_reads_as_nothing() -> None:
    token = PURPOSE.dumps([12, None])
    assert PURPOSE.ids(token, 2, optional=1) == (12, None)
    assert PURPOSE.ids(token[:-1] + ("A" if token[-1] != "A" else "B"), 2, optional=1) is None
    assert PURPOSE.ids("not a token", 2) is None
    assert PURPOSE.ids("", 2) is None


def test_a_token_for_one_purpose_is_refused_for_another() -> None:
    assert Tokens("atlas.tests.other").ids(PURPOSE.dumps([1, 2]), 2) is None
    assert Tokens("atlas.tests.other").unsign_ids(PURPOSE.sign_ids(1, 2), 2) is None


@pytest.mark.parametrize(
    "value", [[1], [1, 2, 3], ["1", 2], [True, 2], [1.5, 2], {"member": 1}, None, [None, 2]]
)
def test_ids_must_be_the_right_number_of_whole_numbers(value: object) -> None:
    assert PURPOSE.ids(PURPOSE.dumps(value), 2, optional=1) is None


def test_short_tokens_carry_negative_numbers_and_nothing_else() -> None:
    assert PURPOSE.unsign_ids(PURPOSE.sign_ids(7, -1), 2) == (7, -1)
    assert PURPOSE.unsign_ids(PURPOSE.sign("7.x"), 2) is None
    assert PURPOSE.unsign_ids(PURPOSE.sign("7"), 2) is None


def test_tokens_with_a_lifetime_expire() -> None:
    brief = Tokens("atlas.tests.brief", max_age=60)
    token = brief.dumps({"post": 3})
    assert brief.loads(token) == {"post": 3}
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        assert brief.loads(token) is None


def test_links_already_sent_still_read() -> None:
    """The tokens as the apps made them before lib/signing.py: same salts, same shapes."""
    old_unsubscribe = signing.dumps([5, None], salt="atlas.members.unsubscribe", compress=True)
    assert read_unsubscribe_token(old_unsubscribe) == (5, None)
    assert read_unsubscribe_token(unsubscribe_token(5, 9)) == (5, 9)
    old_reply = signing.dumps([5, 8], salt="atlas.discussions.reply-emails", compress=True)
    assert read_reply_email_token(old_reply) == (5, 8)
    assert read_reply_email_token(reply_email_token(5, None)) == (5, None)
    old_link = signing.Signer(salt="atlas.analytics.email-link").sign("40.-1")
    assert LINK_TOKENS.unsign_ids(old_link, 2) == (40, -1)
    old_recipient = signing.Signer(salt="atlas.analytics.email-recipient").sign("40.77")
    assert RECIPIENT_TOKENS.unsign_ids(old_recipient, 2) == (40, 77)
    old_click = signing.Signer(salt="atlas.sponsors.click").sign("3.e")
    assert read_click_token(old_click) == CampaignLink(3, "email")
    assert read_click_token(click_token(3, "web")) == CampaignLink(3, "web")
    assert read_pixel_token(click_token(3, "web")) is None  # a click token is no pixel token
