"""Newsletter opens and clicks, off unless DeliverySettings says otherwise.

Delivery renders a send's HTML once, then personalises it per recipient by substitution: so
`instrument_email_html` puts RECIPIENT placeholders in the click and open URLs, and delivery
replaces them with `recipient_token(send_id, member_id)` for each message.

A click goes to /e/c/<link token>/<recipient token>/: the link token is signed and names a
link stored for that send (TrackedLink), so the redirect can only go where the email pointed.
A hidden canary link that no reader can see marks the delivery's clicks as a scanner's.
"""

from __future__ import annotations

import base64
import re
from html import escape, unescape

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from atlas.delivery.models import Delivery, DeliverySettings, EmailEvent, TrackedLink
from atlas.lib.http import is_bot
from atlas.lib.signing import Tokens
from atlas.publishing.models import Publication

RECIPIENT = "%%ATLAS-RECIPIENT%%"
# The salts name analytics, which tracked emails first: links already sent must keep working.
LINK_TOKENS = Tokens("atlas.analytics.email-link")
RECIPIENT_TOKENS = Tokens("atlas.analytics.email-recipient")
_HREF = re.compile(r'(<a\b[^>]*?\shref=")(https?://[^"]+)(")', re.IGNORECASE)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Opens fetched by a proxy say nothing about a reader: Apple Mail Privacy Protection fetches
# every image with a bare "Mozilla/5.0"; Gmail and Yahoo fetch through their image proxies.
PROXY_AGENTS = ("googleimageproxy", "yahoomailproxy", "ymailproxy", "outlook-imageproxy")


def link_token(send_id: int, index: int) -> str:
    return LINK_TOKENS.sign_ids(send_id, index)


def recipient_token(send_id: int, member_id: int | None) -> str:
    """What delivery puts in place of RECIPIENT in each message (MessageFactory.build)."""
    return RECIPIENT_TOKENS.sign_ids(send_id, member_id or 0)


def _stored_links(send_id: int, urls: list[str]) -> dict[str, int]:
    """Each URL's index for this send, reusing the ones a previous variant stored."""
    known = dict(TrackedLink.objects.filter(send_id=send_id).values_list("url", "index"))
    next_index = max([index for index in known.values()] + [-1]) + 1
    for url in dict.fromkeys(urls):
        if url not in known:
            TrackedLink.objects.create(send_id=send_id, index=next_index, url=url)
            known[url], next_index = next_index, next_index + 1
    return known


def instrument_email_html(html: str, send_id: int) -> str:
    """The newsletter HTML with tracked links and open pixel, as the settings ask."""
    options = DeliverySettings.current()
    base = Publication.current().base_url
    if options.track_clicks:
        urls = [unescape(match.group(2)) for match in _HREF.finditer(html)]
        urls = [url for url in urls if len(url) <= 2000 and "/e/c/" not in url]
        indexes = _stored_links(send_id, urls)
        TrackedLink.objects.get_or_create(
            send_id=send_id, index=TrackedLink.CANARY, defaults={"url": base + "/"}
        )

        def tracked(match: re.Match[str]) -> str:
            index = indexes.get(unescape(match.group(2)))
            if index is None:
                return match.group(0)
            url = base + reverse("delivery:email_click", args=[link_token(send_id, index), "R"])
            return match.group(1) + escape(url.replace("/R/", f"/{RECIPIENT}/")) + match.group(3)

        html = _HREF.sub(tracked, html)
        canary_url = base + reverse(
            "delivery:email_click", args=[link_token(send_id, TrackedLink.CANARY), "R"]
        ).replace("/R/", f"/{RECIPIENT}/")
        canary = (
            f'<a href="{escape(canary_url)}" aria-hidden="true" tabindex="-1" '
            'style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden"></a>'
        )
        html = _BODY_OPEN.sub(lambda match: match.group(0) + canary, html, count=1)
    if options.track_opens:
        pixel_url = f"{base}/e/o/{send_id}/{RECIPIENT}.gif"
        pixel = (
            f'<img src="{pixel_url}" width="1" height="1" alt="" style="display:block;border:0">'
        )
        html = html.replace("</body>", pixel + "</body>", 1) if "</body>" in html else html + pixel
    return html


def _delivery_id(send_id: int, recipient: str) -> int | None:
    pair = RECIPIENT_TOKENS.unsign_ids(recipient, 2)
    if pair is None or pair[0] != send_id:
        return None
    return (
        Delivery.objects.filter(send_id=send_id, member_id=pair[1])
        .values_list("pk", flat=True)
        .first()
    )


def _is_proxy(user_agent: str) -> bool:
    lowered = user_agent.lower()
    return user_agent.strip() == "Mozilla/5.0" or any(agent in lowered for agent in PROXY_AGENTS)


@require_safe
@never_cache
def open_pixel(request: HttpRequest, send_id: str, recipient: str) -> HttpResponse:
    delivery_id = _delivery_id(int(send_id), recipient)
    if delivery_id is not None:
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        EmailEvent.objects.create(
            delivery_id=delivery_id,
            send_id=int(send_id),
            kind=EmailEvent.Kind.OPEN,
            machine=EmailEvent.Machine.PRIVACY_PROXY if _is_proxy(user_agent) else "",
        )
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@require_safe
@never_cache
def click(request: HttpRequest, token: str, recipient: str) -> HttpResponse:
    pair = LINK_TOKENS.unsign_ids(token, 2)
    if pair is None:
        raise Http404("Unknown link.")
    send_id, index = pair
    link = TrackedLink.objects.filter(send_id=send_id, index=index).first()
    if link is None:
        raise Http404("Unknown link.")
    delivery_id = _delivery_id(send_id, recipient)
    if delivery_id is not None:
        record_click(link, delivery_id, request.META.get("HTTP_USER_AGENT", ""))
    return HttpResponseRedirect(link.url)


def record_click(link: TrackedLink, delivery_id: int, user_agent: str) -> None:
    clicks = EmailEvent.objects.filter(delivery_id=delivery_id, kind=EmailEvent.Kind.CLICK)
    scanned = (
        link.index == TrackedLink.CANARY
        or is_bot(user_agent)
        or clicks.filter(link__index=TrackedLink.CANARY).exists()
    )
    if link.index == TrackedLink.CANARY:
        clicks.update(machine=EmailEvent.Machine.SCANNER)
    EmailEvent.objects.create(
        delivery_id=delivery_id,
        send_id=link.send_id,
        kind=EmailEvent.Kind.CLICK,
        link=link,
        machine=EmailEvent.Machine.SCANNER if scanned else "",
    )


def engagement(send_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per send: unique reader opens and clicks, and machine opens apart (one query)."""
    rows = (
        EmailEvent.objects.filter(send_id__in=send_ids)
        .values("send_id")
        .annotate(
            opens=Count("delivery", filter=Q(kind="open", machine=""), distinct=True),
            machine_opens=Count("delivery", filter=Q(kind="open") & ~Q(machine=""), distinct=True),
            clicks=Count("delivery", filter=Q(kind="click", machine=""), distinct=True),
        )
        .order_by()
    )
    return {row.pop("send_id"): row for row in rows}
