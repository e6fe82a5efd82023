"""Which campaign fills which slot.

The choice among running campaigns is weighted and deterministic: a hash of the article and the
hour picks from the weighted list, so every anonymous reader gets the same page within the hour
(and the page cache can keep it), while over many articles and hours each campaign gets its
share. Exclusive campaigns, while one runs, leave no room for the others.
"""

from __future__ import annotations

import hashlib
import itertools
import time
import zoneinfo
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.http import HttpRequest
from django.template import Context
from django.urls import reverse
from django.utils import timezone

from atlas.lib import pagecache
from atlas.members.policy import current_member
from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import Post, Publication, Tag
from atlas.sponsors.models import Campaign, Channel, SponsorSettings, SponsorshipOptOut
from atlas.sponsors.tokens import click_token, pixel_token

INLINE = "inline"
END = "end"
SLOTS = (INLINE, END)
SPONSORED_REL = "sponsored noopener"


@dataclass(frozen=True)
class Block:
    """What a slot shows: a campaign, or the publication's own house message."""

    label: str
    headline: str
    body_html: str
    call_to_action: str
    href: str
    rel: str
    sponsor_name: str = ""
    image_url: str = ""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None
    pixel_url: str = ""
    is_house: bool = False
    campaign_id: int | None = None


def today_for(publication: Publication, now: datetime | None = None) -> date:
    """The date in the newsroom: campaigns are sold by the publication's days."""
    return timezone.localdate(now or timezone.now(), zoneinfo.ZoneInfo(publication.timezone))


def hour_number(now: datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp() // 3600)


def pick(candidates: Iterable[Campaign], key: str, count: int = 1) -> list[Campaign]:
    """Up to `count` different campaigns, by weight, the same for the same key."""
    running = list(candidates)
    pool = sorted([c for c in running if c.exclusive] or running, key=lambda c: c.pk)
    chosen: list[Campaign] = []
    for round_number in range(count):
        total = sum(campaign.weight for campaign in pool)
        if not total:
            break
        digest = hashlib.sha256(f"{key}:{round_number}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") % total
        for campaign in pool:
            point -= campaign.weight
            if point < 0:
                chosen.append(campaign)
                pool.remove(campaign)
                break
    return chosen


_lineups_loaded = itertools.count()


@dataclass(frozen=True)
class Lineup:
    """What every article page needs to fill its slots today, loaded once per process."""

    settings: SponsorSettings
    opted_out: frozenset[int]  # post ids
    campaigns: tuple[Campaign, ...]  # live on the web, under their caps, by id
    targets: dict[int, frozenset[int]]  # campaign id -> tag ids, for those limited to tags
    serial: int = field(default_factory=lambda: next(_lineups_loaded))  # this one, in the process

    def candidates(self, tag_ids: Iterable[int]) -> list[Campaign]:
        wanted = set(tag_ids)
        return [
            campaign
            for campaign in self.campaigns
            if campaign.pk not in self.targets or self.targets[campaign.pk] & wanted
        ]


# Every process keeps the day's lineup until anything sponsored changes (the pages' content
# version moves: signals.py, and the clock when a campaign starts, ends or reaches its cap) or
# LINEUP_SECONDS pass, so that caps are looked at again. Article pages then ask the database
# nothing about sponsors.
LINEUP_SECONDS = 60
_held: tuple[tuple[str, date], float, Lineup] | None = None


def lineup(day: date) -> Lineup:
    global _held
    key = (pagecache.content_version(), day)
    held = _held
    if held is not None and held[0] == key and time.monotonic() - held[1] < LINEUP_SECONDS:
        return held[2]
    fresh = load_lineup(day)
    _held = (key, time.monotonic(), fresh)
    return fresh


def forget_lineup() -> None:
    """Drop this process's lineup at once (other processes follow the content version)."""
    global _held
    _held = None


def load_lineup(day: date) -> Lineup:
    campaigns = list(
        Campaign.objects.live_on(day)
        .on_channel(Channel.WEB)
        .under_caps()
        .select_related("sponsor")
        .order_by("pk")
    )
    targets: dict[int, set[int]] = {}
    links = Campaign.tags.through.objects.filter(campaign_id__in=[c.pk for c in campaigns])
    for campaign_id, tag_id in links.values_list("campaign_id", "tag_id"):
        targets.setdefault(campaign_id, set()).add(tag_id)
    return Lineup(
        settings=SponsorSettings.current(),
        opted_out=frozenset(SponsorshipOptOut.objects.values_list("post_id", flat=True)),
        campaigns=tuple(campaigns),
        targets={pk: frozenset(tags) for pk, tags in targets.items()},
    )


def web_candidates(day: date, tag_ids: Sequence[int]) -> list[Campaign]:
    """The campaigns that may fill a web slot on a post with these tags on `day`."""
    return lineup(day).candidates(tag_ids)


def is_paid_reader(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    member = current_member(request)
    return bool(member and member.is_paid)


def block_variant(context: Context) -> Hashable:
    """What an article's sponsor blocks depend on, besides the page (the post, whether gated):
    the lineup they are picked from, the hour they rotate by, and whether the reader pays when
    paying readers see none. Readers with an equal variant see the same blocks: the slots'
    HTML is kept per variant (`register_slot(..., varies_by=block_variant)`)."""
    request = context.get("request")
    if request is None or context.get("post") is None or context.get("gated"):
        return None  # no block on such a page (`{% sponsor_block %}`)
    held = request.__dict__.get("_sponsor_variant")  # both slots of a page ask
    if held is None:
        publication = context.get("publication") or current_publication(request)
        today = lineup(today_for(publication))
        paid = today.settings.paid_members_see_no_sponsors and is_paid_reader(request)
        held = request.__dict__["_sponsor_variant"] = (today.serial, hour_number(), paid)
    return held


def blocks_for_article(
    request: HttpRequest,
    post: Post,
    publication: Publication,
    tags: Sequence[Tag] | None = None,
    preview: bool = False,
) -> dict[str, Block]:
    """The blocks of an article page by slot, worked out once per request."""
    memo: dict[int, dict[str, Block]] = request.__dict__.setdefault("_sponsor_blocks", {})
    if post.pk not in memo:
        memo[post.pk] = _blocks_for_article(request, post, publication, tags, preview)
    return memo[post.pk]


def _blocks_for_article(
    request: HttpRequest,
    post: Post,
    publication: Publication,
    tags: Sequence[Tag] | None,
    preview: bool,
) -> dict[str, Block]:
    today = lineup(today_for(publication))
    settings_row = today.settings
    if post.pk in today.opted_out:
        return {}
    if settings_row.paid_members_see_no_sponsors and is_paid_reader(request):
        return {}
    if tags is None:
        tags = list(post.tags.all())
    tag_ids = [tag.pk for tag in tags]
    candidates = today.candidates(tag_ids)
    count = len(SLOTS) if settings_row.show_at_end else 1
    chosen = pick(candidates, f"post:{post.pk}:hour:{hour_number()}", count)
    blocks = {
        slot: web_block(campaign, settings_row.shown_label, preview)
        for slot, campaign in zip(SLOTS, chosen, strict=False)
    }
    if not blocks and settings_row.house_enabled:
        blocks[INLINE] = house_block(settings_row, publication)
    return blocks


def web_block(campaign: Campaign, label: str, preview: bool) -> Block:
    """A campaign on a page. Previews link straight to the destination and count nothing."""
    if preview:
        href, pixel_url = campaign.destination_url, ""
    else:
        href = reverse("sponsors:go", args=[click_token(campaign.pk, Channel.WEB)])
        pixel_url = reverse("sponsors:seen", args=[pixel_token(campaign.pk, Channel.WEB)])
    return Block(
        label=label,
        headline=campaign.headline,
        body_html=campaign.body_html,
        call_to_action=campaign.call_to_action,
        href=href,
        rel=SPONSORED_REL,
        sponsor_name=campaign.sponsor.name,
        image_url=campaign.image.url if campaign.image else "",
        image_alt=campaign.image_alt,
        image_width=campaign.image_width,
        image_height=campaign.image_height,
        pixel_url=pixel_url,
        campaign_id=campaign.pk,
    )


def house_block(settings_row: SponsorSettings, publication: Publication) -> Block:
    """The publication's own message: not sponsored, so not labelled as if it were."""
    internal = settings_row.house_url.startswith("/")
    return Block(
        label=f"From {publication.name}",
        headline=settings_row.house_headline,
        body_html=settings_row.house_body_html,
        call_to_action=settings_row.house_call_to_action,
        href=settings_row.house_url,
        rel="" if internal else "noopener",
        is_house=True,
    )
