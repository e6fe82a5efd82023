"""Signed tokens: which campaign and channel a link or pixel belongs to, and report links.

Click and pixel tokens carry no time, so that a cached page and an old newsletter keep working;
they only name a campaign, whose stored address is the one place a click can lead.
"""

from __future__ import annotations

from dataclasses import dataclass

from atlas.lib.signing import Tokens
from atlas.sponsors.models import Campaign, Channel

CLICK_TOKENS = Tokens("atlas.sponsors.click")
PIXEL_TOKENS = Tokens("atlas.sponsors.impression")
REPORT_TOKENS = Tokens("atlas.sponsors.report")
_CHANNEL_CODES: dict[str, str] = {Channel.WEB: "w", Channel.EMAIL: "e"}
_CHANNELS_BY_CODE = {code: channel for channel, code in _CHANNEL_CODES.items()}


@dataclass(frozen=True)
class CampaignLink:
    campaign_id: int
    channel: str


def _sign(tokens: Tokens, campaign_id: int, channel: str) -> str:
    return tokens.sign(f"{campaign_id}.{_CHANNEL_CODES[channel]}")


def _unsign(tokens: Tokens, token: str) -> CampaignLink | None:
    value = tokens.unsign(token)
    if value is None:
        return None
    campaign_id, _, code = value.partition(".")
    if not campaign_id.isdigit() or code not in _CHANNELS_BY_CODE:
        return None
    return CampaignLink(int(campaign_id), _CHANNELS_BY_CODE[code])


def click_token(campaign_id: int, channel: str) -> str:
    return _sign(CLICK_TOKENS, campaign_id, channel)


def read_click_token(token: str) -> CampaignLink | None:
    return _unsign(CLICK_TOKENS, token)


def pixel_token(campaign_id: int, channel: str = Channel.WEB) -> str:
    return _sign(PIXEL_TOKENS, campaign_id, channel)


def read_pixel_token(token: str) -> CampaignLink | None:
    return _unsign(PIXEL_TOKENS, token)


def report_token(campaign: Campaign) -> str:
    """A read-only report link for the sponsor; revoked by giving the campaign a new nonce."""
    return REPORT_TOKENS.dumps({"c": campaign.pk, "n": campaign.report_nonce})


def read_report_token(token: str) -> Campaign | None:
    data = REPORT_TOKENS.loads(token)
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    return (
        Campaign.objects.select_related("sponsor")
        .filter(pk=data["c"], report_nonce=str(data.get("n", "")))
        .first()
    )
