"""Mail that comes back: bounces (RFC 3464), complaints (ARF, RFC 5965) and mailto unsubscribes.

`classify` reads a message and says what it is, touching nothing; `apply` records it once.
Every step is a conditional change, so the same report processed twice changes nothing more.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, replace
from email.message import Message
from email.utils import getaddresses
from enum import StrEnum

from django.db import transaction
from flufl.bounce import all_failures

from atlas.delivery import engine
from atlas.delivery.models import Delivery
from atlas.members.models import Member, MemberEvent, Subscription, Suppression
from atlas.members.services import record, suppress, unsubscribe

# Our Message-IDs (Delivery.message_id): <send{send id}.m{member id, or row id for tests}@domain>.
OUR_MESSAGE_ID = re.compile(r"\bsend(\d+)\.m(\d+)@[\w.-]+", re.ASCII)
STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
# Refusals of the message or of us, not of the address: a blocklisting or a full mailbox would
# otherwise suppress good readers, a whole provider's at once. 5.7.x: policy and security.
NOT_THE_ADDRESS = ("5.7.", "5.2.2", "5.3.4")
COMPLAINT_FEEDBACK_TYPES = ("abuse", "fraud")
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
UNSUBSCRIBE_MAILBOX = "unsubscribe"
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


class Kind(StrEnum):
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    UNRECOGNISED = "unrecognised"


@dataclass(frozen=True)
class Outcome:
    """What a message reported and, once applied, whether that changed anything."""

    kind: Kind
    email: str = ""
    action: str = ""  # a DSN's Action, an ARF Feedback-Type, or "unsubscribe"
    status: str = ""  # an enhanced status code, such as 5.1.1
    detail: str = ""
    message_id: str = ""  # ours, when the report names the message it is about
    changed: bool = False


def process_message(raw: bytes) -> Outcome:
    return apply(classify(raw))


# Classifying ------------------------------------------------------------------------------


def classify(raw: bytes) -> Outcome:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if status_part := _first_part(message, "message/delivery-status"):
        return _delivery_status(message, status_part, raw)
    if feedback_part := _first_part(message, "message/feedback-report"):
        return _feedback_report(message, feedback_part, raw)
    if _is_unsubscribe_request(message):
        return _unsubscribe_request(message)
    return _non_standard_bounce(message, raw)


def _first_part(message: Message, content_type: str) -> Message | None:
    return next((part for part in message.walk() if part.get_content_type() == content_type), None)


def _delivery_status(message: Message, status_part: Message, raw: bytes) -> Outcome:
    payload = status_part.get_payload()
    parts = payload if isinstance(payload, list) else []
    blocks = [block for block in parts if isinstance(block, Message) and block["Action"]]
    if not blocks:
        return Outcome(Kind.UNRECOGNISED, detail="A delivery report without recipients")
    block = _most_severe(blocks)
    action = str(block["Action"]).strip().lower()
    diagnostic = _field_value(block["Diagnostic-Code"])
    status = status_code(str(block["Status"] or "")) or status_code(diagnostic)
    recipient = _address(block["Original-Recipient"]) or _address(block["Final-Recipient"])
    return Outcome(
        bounce_kind(action, status),
        email=recipient,
        action=action,
        status=status,
        detail=diagnostic[:300],
        message_id=_our_message_id(message, raw),
    )


def _most_severe(blocks: list[Message]) -> Message:
    for wanted in ("failed", "delayed"):
        for block in blocks:
            if str(block["Action"]).strip().lower() == wanted:
                return block
    return blocks[0]


def bounce_kind(action: str, status: str) -> Kind:
    if action == "failed" and status.startswith("5."):
        return Kind.SOFT_BOUNCE if status.startswith(NOT_THE_ADDRESS) else Kind.HARD_BOUNCE
    if action == "failed" and not status:
        return Kind.HARD_BOUNCE  # permanent by its Action, with no code to say otherwise
    if action in ("failed", "delayed"):
        return Kind.SOFT_BOUNCE
    return Kind.UNRECOGNISED  # delivered, relayed, expanded: success notices


def _feedback_report(message: Message, feedback_part: Message, raw: bytes) -> Outcome:
    fields = _embedded_headers(feedback_part) or Message()  # unreadable: no fields
    feedback_type = str(fields["Feedback-Type"] or "").strip().lower()
    original = _original_headers(message)
    recipient = _address(fields["Original-Rcpt-To"]) or (
        _address(original["To"]) if original is not None else ""
    )
    return Outcome(
        Kind.COMPLAINT if feedback_type in COMPLAINT_FEEDBACK_TYPES else Kind.UNRECOGNISED,
        email=recipient,
        action=feedback_type,
        detail=f"Feedback report from {_field_value(fields['User-Agent']) or 'a mailbox provider'}",
        message_id=_our_message_id(message, raw),
    )


def _is_unsubscribe_request(message: Message) -> bool:
    # A vacation reply to a newsletter may land here; it asks for nothing.
    if str(message["Auto-Submitted"] or "").strip().lower().startswith("auto-replied"):
        return False
    recipients = getaddresses([str(value) for name in RECIPIENT_HEADERS
                               for value in message.get_all(name, [])])  # fmt: skip
    return any(
        address.partition("@")[0].lower() == UNSUBSCRIBE_MAILBOX for _, address in recipients
    )


def _unsubscribe_request(message: Message) -> Outcome:
    senders = getaddresses([str(value) for value in message.get_all("From", [])])
    sender = senders[0][1] if senders else ""
    return Outcome(
        Kind.UNSUBSCRIBE if "@" in sender else Kind.UNRECOGNISED,
        email=sender,
        action="unsubscribe",
        detail=f"Asked by email: {_field_value(message['Subject'])}"[:300],
    )


def _non_standard_bounce(message: Message, raw: bytes) -> Outcome:
    """Bounces in an MTA's own format (qmail, old Exim, ...), read by flufl.bounce."""
    if not _looks_like_bounce(message):
        return Outcome(Kind.UNRECOGNISED, detail=_field_value(message["Subject"])[:300])
    temporary, permanent = all_failures(email.message_from_bytes(raw))
    failed = permanent or temporary
    if not failed:
        return Outcome(Kind.UNRECOGNISED, detail=_field_value(message["Subject"])[:300])
    return Outcome(
        Kind.HARD_BOUNCE if permanent else Kind.SOFT_BOUNCE,
        email=sorted(failed)[0].decode("utf-8", "replace"),
        action="failed" if permanent else "delayed",
        status=status_code(raw.decode("latin-1")),
        detail=f"{_field_value(message['Subject'])} (a bounce in its MTA's own format)"[:300],
        message_id=_our_message_id(message, raw),
    )


def _looks_like_bounce(message: Message) -> bool:
    senders = getaddresses([str(value) for value in message.get_all("From", [])])
    sender = senders[0][1].partition("@")[0].lower() if senders else ""
    return (
        sender in BOUNCE_SENDERS
        or str(message["Return-Path"] or "").strip() == "<>"
        or message["X-Failed-Recipients"] is not None
    )


def _original_headers(message: Message) -> Message | None:
    """The headers of the message a report is about (attached whole, or its headers only)."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part.is_multipart():
            return _first_message(part)
        if content_type in ("text/rfc822-headers", "message/rfc822-headers"):
            return _embedded_headers(part)
    return None


def _embedded_headers(part: Message) -> Message | None:
    if part.is_multipart():
        return _first_message(part)
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else b""
    return email.message_from_bytes(raw, policy=email.policy.default)


def _first_message(part: Message) -> Message | None:
    inner = part.get_payload(0)
    return inner if isinstance(inner, Message) else None


def _our_message_id(message: Message, raw: bytes) -> str:
    """Our Message-ID from the attached original; else from anywhere in the report."""
    original = _original_headers(message)
    for candidate in (str(original["Message-ID"] or "") if original else "", raw.decode("latin-1")):
        if found := OUR_MESSAGE_ID.search(candidate):
            return f"<{found.group(0)}>"
    return ""


def _address(value: object) -> str:
    """The address in a report field: "rfc822; a@example.org", "<a@example.org>" or plain."""
    text = str(value or "").rpartition(";")[2]
    return getaddresses([text])[0][1] if "@" in text else ""


def status_code(text: str) -> str:
    found = STATUS_CODE.search(text)
    return ".".join(found.groups()) if found else ""


def _field_value(value: object) -> str:
    text = " ".join(str(value or "").split())
    kind, separator, rest = text.partition(";")
    return rest.strip() if separator and kind.lower() in ("smtp", "x-unix", "x-postfix") else text


# Applying ---------------------------------------------------------------------------------


def apply(outcome: Outcome) -> Outcome:
    """Record what `outcome` reports; `changed` says whether anything was left to record."""
    appliers = {
        Kind.HARD_BOUNCE: _apply_hard_bounce,
        Kind.COMPLAINT: _apply_complaint,
        Kind.UNSUBSCRIBE: _apply_unsubscribe,
    }
    applier = appliers.get(outcome.kind)
    if applier is None:
        return outcome
    with transaction.atomic():
        delivery = None if outcome.kind == Kind.UNSUBSCRIBE else find_delivery(outcome)
        email_address = delivery.email if delivery else outcome.email
        member = _member(delivery, email_address)
        changed = applier(outcome, delivery, member)
    return replace(outcome, email=email_address, changed=changed)


def find_delivery(outcome: Outcome) -> Delivery | None:
    """The ledger row a report is about: by our Message-ID, else the last sent to the address."""
    found = OUR_MESSAGE_ID.search(outcome.message_id)
    if found:
        send_id, number = (int(group) for group in found.groups())
        rows = Delivery.objects.filter(send_id=send_id)
        delivery = (
            rows.filter(member_id=number).first()
            or rows.filter(member__isnull=True, pk=number).first()
        )
        if delivery is not None:
            return delivery
    if not outcome.email:
        return None
    return (
        Delivery.objects.filter(email__iexact=outcome.email, state=Delivery.State.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )


def _member(delivery: Delivery | None, email_address: str) -> Member | None:
    members = Member.objects.select_for_update()
    if delivery is not None and delivery.member_id:
        return members.filter(pk=delivery.member_id).first()
    return members.with_email(email_address).first() if email_address else None


def _apply_hard_bounce(outcome: Outcome, delivery: Delivery | None, member: Member | None) -> bool:
    why = " ".join(filter(None, [outcome.status, outcome.detail])) or "Hard bounce"
    flagged = delivery is not None and bool(
        Delivery.objects.filter(pk=delivery.pk, bounced=False).update(
            bounced=True, detail=f"Bounced after acceptance: {why}"[:500]
        )
    )
    # A member who complained stays so: that says more than a dead address.
    if member is None or member.status in (Member.Status.BOUNCED, Member.Status.COMPLAINED):
        return flagged
    engine.mark_bounced(member.pk, why)
    return True


def _apply_complaint(outcome: Outcome, delivery: Delivery | None, member: Member | None) -> bool:
    flagged = delivery is not None and bool(
        Delivery.objects.filter(pk=delivery.pk, complained=False).update(complained=True)
    )
    if member is None or member.status == Member.Status.COMPLAINED:
        return flagged
    member.status = Member.Status.COMPLAINED
    member.save(update_fields=["status", "updated_at"])
    unsubscribe(member, None, how="complaint")
    suppress(member.email, Suppression.Reason.COMPLAINED)
    record(member, MemberEvent.Kind.COMPLAINED, feedback_type=outcome.action,
           send=delivery.send_id if delivery else None)  # fmt: skip
    return True


def _apply_unsubscribe(outcome: Outcome, delivery: Delivery | None, member: Member | None) -> bool:
    if member is None:
        return False
    wanted = (Subscription.Status.ACTIVE, Subscription.Status.PENDING)
    if not Subscription.objects.filter(member=member, status__in=wanted).exists():
        return False
    unsubscribe(member, None, how="email")
    return True
