"""Returned mail pushed to us: raw messages posted by an MTA or a provider, and django-anymail's
normalised tracking events. Both end in `bounces.apply`, so each report counts once."""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from atlas.delivery.bounces import (
    OUR_MESSAGE_ID,
    Kind,
    Outcome,
    apply,
    bounce_kind,
    process_message,
    status_code,
)

RAW_MESSAGE_TYPE = "message/rfc822"


@csrf_exempt
def inbound_email(request: HttpRequest, token: str) -> HttpResponse:
    """POST a raw RFC 5322 message (the body, or the form field "message") with the secret token."""
    if not _token_matches(token):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw = _raw_message(request)
    if not raw:
        error = f'Post a {RAW_MESSAGE_TYPE} body, or the message as the form field "message".'
        return JsonResponse({"error": error}, status=400)
    return JsonResponse(asdict(process_message(raw)))


def _token_matches(token: str) -> bool:
    expected = getattr(settings, "ATLAS_INBOUND_TOKEN", "")  # unset: the endpoint is off
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _raw_message(request: HttpRequest) -> bytes:
    if request.content_type == RAW_MESSAGE_TYPE:
        return request.body
    if upload := request.FILES.get("message"):
        return upload.read()
    return request.POST.get("message", "").encode()


# django-anymail tracking webhooks ------------------------------------------------------------

COMPLAINT_EVENTS = (EventType.COMPLAINED,)
UNSUBSCRIBE_EVENTS = (EventType.UNSUBSCRIBED,)
# A rejection names why the provider refused: its own list of complainers or leavers says so.
REJECTION_KINDS = {RejectReason.SPAM: Kind.COMPLAINT, RejectReason.UNSUBSCRIBED: Kind.UNSUBSCRIBE}


def record_tracking_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str = "", **kwargs: Any
) -> Outcome:
    """Receiver for `anymail.signals.tracking`: bounces, rejections, complaints, unsubscribes."""
    outcome = outcome_of(event, esp_name)
    return apply(outcome) if outcome.kind != Kind.UNRECOGNISED else outcome


def outcome_of(event: AnymailTrackingEvent, esp_name: str = "") -> Outcome:
    kind, status = _kind_of(event)
    detail = " ".join(
        filter(None, [esp_name, event.event_type, event.mta_response or event.description])
    )
    return Outcome(
        kind,
        email=event.recipient or "",
        action=event.event_type,
        status=status,
        detail=detail[:300],
        message_id=_message_id(event),
    )


def _kind_of(event: AnymailTrackingEvent) -> tuple[Kind, str]:
    status = status_code(f"{event.mta_response or ''} {event.description or ''}")
    if event.event_type in COMPLAINT_EVENTS:
        return Kind.COMPLAINT, status
    if event.event_type in UNSUBSCRIBE_EVENTS:
        return Kind.UNSUBSCRIBE, status
    if event.event_type == EventType.REJECTED and event.reject_reason in REJECTION_KINDS:
        return REJECTION_KINDS[event.reject_reason], status
    if event.event_type in (EventType.BOUNCED, EventType.REJECTED):
        return bounce_kind("failed", status or "5.0.0"), status
    if event.event_type == EventType.DEFERRED:
        return Kind.SOFT_BOUNCE, status
    return Kind.UNRECOGNISED, status


def _message_id(event: AnymailTrackingEvent) -> str:
    """Our Message-ID, wherever the provider put it: metadata, its message id, the raw event."""
    metadata = event.metadata or {}
    candidates = [str(metadata.get("message_id", "")), str(event.message_id or "")]
    candidates.append(json.dumps(event.esp_event, default=str) if event.esp_event else "")
    for candidate in candidates:
        if found := OUR_MESSAGE_ID.search(candidate):
            return f"<{found.group(0)}>"
    return ""
