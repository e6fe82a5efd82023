"""Sponsorship workflows: the campaign a newsletter carries, and the periodic upkeep.

`refresh_sponsorships` runs on every worker's clock (each step is idempotent): it moves campaign
statuses along their dates and caps, counts the emails of finished sends, forgets yesterday's
visitor fingerprints, and retires cached pages when what articles show has changed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from atlas.delivery.models import Delivery, Send
from atlas.lib import pagecache
from atlas.lib.markdown import plain_text
from atlas.publishing.models import Publication
from atlas.sponsors import counting
from atlas.sponsors.models import Campaign, Channel, SendSponsorship, SponsorSettings
from atlas.sponsors.placement import (
    SPONSORED_REL,
    forget_lineup,
    hour_number,
    pick,
    today_for,
)
from atlas.sponsors.tokens import click_token


def campaign_for_send(send: Send) -> Campaign | None:
    """The campaign this send carries, chosen once and recorded (a test send records nothing)."""
    if send.pk is None:  # an editor's preview of a send not made yet
        return None
    if not send.is_test:
        recorded = (
            SendSponsorship.objects.filter(send=send).select_related("campaign__sponsor").first()
        )
        if recorded is not None:
            return recorded.campaign
    chosen = pick(email_candidates(send), f"send:{send.pk}")
    if not chosen:
        return None
    if send.is_test:
        return chosen[0]
    sponsorship, _ = SendSponsorship.objects.get_or_create(
        send=send, defaults={"campaign": chosen[0]}
    )
    return chosen[0] if sponsorship.campaign_id == chosen[0].pk else sponsorship.campaign


def email_candidates(send: Send) -> list[Campaign]:
    settings_row = SponsorSettings.for_post(send.post)
    if settings_row.post_opted_out:  # type: ignore[attr-defined]
        return []
    if settings_row.paid_members_see_no_sponsors and send.audience == Send.Audience.PAID:
        return []
    day = today_for(Publication.current())
    campaigns = (
        Campaign.objects.live_on(day)
        .on_channel(Channel.EMAIL)
        .for_tags(list(send.post.tags.values_list("pk", flat=True)))
        .under_caps()
        .select_related("sponsor")
    )
    if not send.is_test:  # a test send goes to no newsletter: show what any send could carry
        campaigns = campaigns.for_newsletters(list(send.newsletters.values_list("pk", flat=True)))
    return list(campaigns)


def email_block(send: Send) -> str:
    """The Sponsored block of a newsletter's HTML, identical for every recipient (or "")."""
    return _render_email_block(send, "sponsors/email_block.html")


def email_text_block(send: Send) -> str:
    """The same block for the plain-text part (the same campaign: it is recorded once)."""
    return _render_email_block(send, "sponsors/email_block.txt")


def _render_email_block(send: Send, template_name: str) -> str:
    campaign = campaign_for_send(send)
    if campaign is None:
        return ""
    publication = Publication.current()
    context = {
        "campaign": campaign,
        "label": SponsorSettings.current().shown_label,
        "href": publication.absolute(
            reverse("sponsors:go", args=[click_token(campaign.pk, Channel.EMAIL)])
        ),
        "rel": SPONSORED_REL,
        "image_url": publication.absolute(campaign.image.url) if campaign.image else "",
        "body_text": plain_text(campaign.body_html),
    }
    return render_to_string(template_name, context)


def delivered_with_block(send_id: int) -> int:
    """Messages of a send that carried its block: sent, and with the full text."""
    return Delivery.objects.filter(
        send_id=send_id, state=Delivery.State.SENT, full_text=True
    ).count()


def count_finished_sends(publication: Publication) -> int:
    """Add each finished send's delivered messages to its campaign's email impressions, once."""
    finished = SendSponsorship.objects.filter(
        counted_at__isnull=True, send__status__in=[Send.Status.DONE, Send.Status.CANCELLED]
    ).select_related("send")
    counted = 0
    for sponsorship in finished:
        send = sponsorship.send
        delivered = delivered_with_block(send.pk)
        day = today_for(publication, send.started_at or send.created_at)
        with transaction.atomic():
            won = SendSponsorship.objects.filter(pk=send.pk, counted_at__isnull=True).update(
                counted_at=timezone.now(), delivered=delivered
            )
            if won and delivered:
                counting.add_to_day(
                    sponsorship.campaign_id, Channel.EMAIL, day, impressions=delivered
                )
        counted += won
    return counted


def update_statuses(day: date) -> int:
    """Scheduled campaigns start and running ones end by their dates; capped ones end early."""
    live = Campaign.objects.filter(status__in=Campaign.LIVE_STATUSES)
    changed = live.filter(ends_on__lt=day).update(status=Campaign.Status.ENDED)
    changed += (
        live.filter(starts_on__gt=day)
        .exclude(status=Campaign.Status.SCHEDULED)
        .update(status=Campaign.Status.SCHEDULED)
    )
    capped = (
        live.live_on(day)
        .with_counts()
        .filter(
            Q(impression_cap__isnull=False, impressions_so_far__gte=F("impression_cap"))
            | Q(send_cap__isnull=False, sends_so_far__gte=F("send_cap"))
        )
    )
    changed += Campaign.objects.filter(pk__in=list(capped.values_list("pk", flat=True))).update(
        status=Campaign.Status.ENDED
    )
    changed += (
        live.live_on(day)
        .exclude(status=Campaign.Status.RUNNING)
        .update(status=Campaign.Status.RUNNING)
    )
    return changed


def lineup_fingerprint(day: date) -> str:
    """What article pages show, as a hash: it changes when a campaign starts, ends, reaches its
    cap, or (with two or more to rotate) when the hour turns."""
    rows = list(
        Campaign.objects.live_on(day)
        .on_channel(Channel.WEB)
        .under_caps()
        .order_by("pk")
        .values_list("pk", "weight", "exclusive", "updated_at")
    )
    rotation = hour_number() if len(rows) > 1 else None
    return hashlib.sha256(repr((day, rows, rotation)).encode()).hexdigest()


def retire_pages_if_lineup_changed(day: date) -> bool:
    fingerprint = lineup_fingerprint(day)
    SponsorSettings.current()
    changed = (
        SponsorSettings.objects.filter(pk=1)
        .exclude(lineup_fingerprint=fingerprint)
        .update(lineup_fingerprint=fingerprint)
    )
    if changed:
        forget_lineup()
        pagecache.changed()
    return bool(changed)


def refresh_sponsorships() -> dict[str, Any]:
    """The periodic job (every minute): safe to run in many workers at once."""
    publication = Publication.current()
    day = today_for(publication)
    return {
        "statuses": update_statuses(day),
        "sends_counted": count_finished_sends(publication),
        "pages_retired": retire_pages_if_lineup_changed(day),
    }


def set_status(campaign: Campaign, status: str) -> None:
    """Pause, resume (scheduled again: the clock makes it running on its dates) or end a
    campaign; saving retires the cached pages that show it (signals)."""
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
