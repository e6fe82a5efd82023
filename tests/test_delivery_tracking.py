"""Newsletter opens and clicks: signed links only to stored URLs, canary and proxy flags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from atlas.delivery import tracking as email_tracking
from atlas.delivery.models import (
    Batch,
    Delivery,
    DeliverySettings,
    EmailEvent,
    Send,
    TrackedLink,
)
from atlas.delivery.tracking import RECIPIENT, instrument_email_html, recipient_token
from atlas.members.models import Member

READER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15"
HTML = (
    '<html><body><p><a href="https://example.com/story?a=1&amp;b=2">Read</a> '
    '<a href="%%ATLAS-UNSUBSCRIBE%%">Unsubscribe</a> '
    '<a href="https://example.com/story?a=1&amp;b=2">Again</a></p></body></html>'
)


@pytest.fixture
def delivery(make_post: Any) -> Delivery:
    send = Send.objects.create(post=make_post("Sent story"), subject="Sent story")
    member = Member.objects.create(email="reader@example.org", status="active")
    batch = Batch.objects.create(send=send)
    return Delivery.objects.create(
        send=send, batch=batch, member=member, email=member.email, state=Delivery.State.SENT
    )


@pytest.fixture
def tracking(db: Any) -> DeliverySettings:
    return DeliverySettings.objects.create(pk=1, track_opens=True, track_clicks=True)


def personal(html: str, delivery: Delivery) -> str:
    return html.replace(RECIPIENT, recipient_token(delivery.send_id, delivery.member_id))


def paths(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="http://[^/"]+(/e/[^"]+)"', html)


@pytest.mark.django_db
def test_nothing_is_tracked_by_default(delivery: Delivery) -> None:
    assert instrument_email_html(HTML, delivery.send_id) == HTML
    assert not TrackedLink.objects.exists()


def test_a_click_redirects_to_the_stored_link_and_is_counted(
    tracking: Any, delivery: Delivery, client: Client
) -> None:
    html = personal(instrument_email_html(HTML, delivery.send_id), delivery)
    assert "%%ATLAS-UNSUBSCRIBE%%" in html and "https://example.com" not in html
    _canary, first, second, pixel = paths(html)
    assert first == second  # one stored link for one URL
    response = client.get(first, HTTP_USER_AGENT=READER)
    assert response.status_code == 302
    assert response["Location"] == "https://example.com/story?a=1&b=2"
    assert (
        client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Thunderbird").status_code == 200
    )
    client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0")  # Apple Mail Privacy Protection
    sends = email_tracking.engagement([delivery.send_id])
    assert sends[delivery.send_id] == {"opens": 1, "machine_opens": 1, "clicks": 1}


def test_tampered_tokens_are_not_found_and_never_redirect_elsewhere(
    tracking: Any, delivery: Delivery, client: Client
) -> None:
    html = personal(instrument_email_html(HTML, delivery.send_id), delivery)
    _, link, _, _ = paths(html)
    token = link.split("/")[3]
    value, signature = token.rsplit(":", 1)
    forged = f"{delivery.send_id}.99:{signature}"
    for bad in (token[:-2] + "xx", forged, "https:%2F%2Fevil.example", value):
        response = client.get(link.replace(token, bad))
        assert response.status_code == 404, bad
    unknown = email_tracking.link_token(delivery.send_id, 99)
    assert client.get(link.replace(token, unknown)).status_code == 404
    recipient_forged = link.rsplit("/", 2)[0] + "/1.1:forged/"
    response = client.get(recipient_forged)  # still the stored link, but nothing counted
    assert response["Location"].startswith("https://example.com/")
    assert EmailEvent.objects.count() == 0


def test_the_canary_marks_a_scanners_clicks(
    tracking: Any, delivery: Delivery, client: Client
) -> None:
    html = personal(instrument_email_html(HTML, delivery.send_id), delivery)
    canary, link, _, _ = paths(html)
    client.get(link, HTTP_USER_AGENT=READER)
    client.get(canary, HTTP_USER_AGENT=READER)
    clicks = EmailEvent.objects.filter(kind="click")
    assert set(clicks.values_list("machine", flat=True)) == {"scanner"}
    assert email_tracking.engagement([delivery.send_id])[delivery.send_id]["clicks"] == 0
