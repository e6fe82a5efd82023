"""Returned mail: bounces, complaints and mailto unsubscribes are read and applied exactly once."""

from __future__ import annotations

import imaplib
import ipaddress
import mailbox
import socket
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from atlas.delivery.bounces import Kind, classify, process_message
from atlas.delivery.engine import recipients_after
from atlas.delivery.inbound import record_tracking_event
from atlas.delivery.models import Batch, Delivery, Send
from atlas.members.models import Member, MemberEvent, Newsletter, Subscription, Suppression
from atlas.members.models import email_digest as digest_of
from tests.mailbox import free_port

SAMPLES = Path(__file__).parent / "data" / "bounces"
SEND_ID = 812  # the sample reports are about <send812.m{member id}@news.example.org>
READERS = {
    5101: "dana@example.net",  # postfix_hard_5.1.1
    5102: "sam.rivera@example.com",  # gmail_delayed_4.4.1
    5103: "j.muller@contoso.example",  # exchange_hard_5.1.10 (reported as J.Muller@Contoso...)
    5104: "pat.kim@mail.example.com",  # arf_abuse
    5105: "alex.ng@example.org",  # unsubscribe_request (from Alex.Ng@example.org)
    5106: "old.address@example.net",  # qmail_nonstandard
    5107: "river@example.org",  # nothing came back for River
}
TOKEN = "inbound-secret-for-tests-0123456789"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def member(member_id: int) -> Member:
    return Member.objects.get(pk=member_id)


def subscriptions(member_id: int) -> set[str]:
    return set(Subscription.objects.filter(member_id=member_id).values_list("status", flat=True))


def suppression(email: str) -> str | None:
    row = Suppression.objects.filter(email_digest=digest_of(email)).first()
    return row.reason if row else None


def events(member_id: int) -> list[str]:
    return sorted(MemberEvent.objects.filter(member_id=member_id).values_list("kind", flat=True))


def ledger_state() -> list[tuple[Any, ...]]:
    """Everything that applying a report may change, to compare before and after."""
    return [
        list(Member.objects.order_by("pk").values_list("pk", "status")),
        list(Subscription.objects.order_by("pk").values_list("pk", "status")),
        list(Suppression.objects.order_by("pk").values_list("email_digest", "reason")),
        list(MemberEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(Delivery.objects.order_by("pk").values_list("pk", "bounced", "complained", "detail")),
    ]


@pytest.fixture
def newsletters(db: Any) -> list[Newsletter]:
    return [
        Newsletter.objects.get(slug="newsletter"),
        Newsletter.objects.create(name="Weekend", slug="weekend"),
    ]


@pytest.fixture
def sent(make_post: Any, newsletters: list[Newsletter]) -> Send:
    """Send 812 went out to every reader, who all take both newsletters."""
    send = Send.objects.create(
        pk=SEND_ID, post=make_post("Harbour strike ends after nine days"),
        subject="Harbour strike ends after nine days", status=Send.Status.DONE, prepared=True,
    )  # fmt: skip
    send.newsletters.set(newsletters[:1])
    batch = Batch.objects.create(send=send, status=Batch.Status.DONE)
    for member_id, address in READERS.items():
        reader = Member.objects.create(
            pk=member_id, email=address, status=Member.Status.ACTIVE, confirmed_at=timezone.now()
        )
        for newsletter in newsletters:
            Subscription.objects.create(member=reader, newsletter=newsletter, status="active")
        Delivery.objects.create(
            send=send, batch=batch, member=reader, newsletter=newsletters[0], email=address,
            state=Delivery.State.SENT, smtp_code=250, sent_at=timezone.now(),
        )  # fmt: skip
    return send


def next_send_recipients(make_post: Any, newsletters: list[Newsletter]) -> set[int]:
    send = Send.objects.create(post=make_post("Tomorrow's story"), subject="Tomorrow's story")
    send.newsletters.set(newsletters)
    return {row[0] for row in recipients_after(send, 0, 100)}


# Reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "email", "status", "message_id"),
    [
        ("postfix_hard_5.1.1.eml", Kind.HARD_BOUNCE, "dana@example.net", "5.1.1", 5101),
        ("gmail_delayed_4.4.1.eml", Kind.SOFT_BOUNCE, "sam.rivera@example.com", "4.4.1", 5102),
        ("exchange_hard_5.1.10.eml", Kind.HARD_BOUNCE, "J.Muller@Contoso.example", "5.1.10", 5103),
        ("arf_abuse.eml", Kind.COMPLAINT, "pat.kim@mail.example.com", "", 5104),
        ("unsubscribe_request.eml", Kind.UNSUBSCRIBE, "Alex.Ng@example.org", "", None),
        ("qmail_nonstandard.eml", Kind.HARD_BOUNCE, "old.address@example.net", "5.1.1", 5106),
    ],
)
def test_each_sample_is_recognised(
    name: str, kind: Kind, email: str, status: str, message_id: int | None
) -> None:
    outcome = classify(sample(name))
    assert (outcome.kind, outcome.email, outcome.status) == (kind, email, status)
    expected_id = f"<send{SEND_ID}.m{message_id}@news.example.org>" if message_id else ""
    assert outcome.message_id == expected_id


def test_report_fields_are_read_without_their_type_prefix() -> None:
    outcome = classify(sample("postfix_hard_5.1.1.eml"))
    assert outcome.action == "failed"
    assert outcome.detail.startswith("550 5.1.1 <dana@example.net>: Recipient address rejected")
    assert classify(sample("arf_abuse.eml")).action == "abuse"


def test_a_personal_letter_to_the_bounce_address_is_unrecognised() -> None:
    letter = b"From: Kim <kim@example.org>\nTo: bounces@news.example.org\nSubject: Hello\n\nHi!\n"
    assert classify(letter).kind == Kind.UNRECOGNISED


def test_a_vacation_reply_to_the_unsubscribe_address_is_not_a_request() -> None:
    reply = b"Auto-Submitted: auto-replied\n" + sample("unsubscribe_request.eml")
    assert classify(reply).kind == Kind.UNRECOGNISED


def test_a_not_spam_feedback_report_is_not_a_complaint() -> None:
    report = sample("arf_abuse.eml").replace(b"Feedback-Type: abuse", b"Feedback-Type: not-spam")
    assert classify(report).kind == Kind.UNRECOGNISED


# Applying ------------------------------------------------------------------------------------


def test_a_hard_bounce_suppresses_the_reader_and_leaves_them_out_of_the_next_send(
    sent: Send, make_post: Any, newsletters: list[Newsletter]
) -> None:
    outcome = process_message(sample("postfix_hard_5.1.1.eml"))

    assert outcome.kind == Kind.HARD_BOUNCE and outcome.changed
    delivery = Delivery.objects.get(send=sent, member_id=5101)
    assert delivery.bounced and not delivery.complained
    assert "5.1.1" in delivery.detail
    assert member(5101).status == Member.Status.BOUNCED
    assert suppression("dana@example.net") == Suppression.Reason.BOUNCED
    assert events(5101) == [MemberEvent.Kind.BOUNCED]
    recipients = next_send_recipients(make_post, newsletters)
    assert 5101 not in recipients
    assert {5102, 5103, 5107} <= recipients


def test_an_exchange_bounce_finds_the_reader_whatever_the_case_of_the_address(
    sent: Send,
) -> None:
    outcome = process_message(sample("exchange_hard_5.1.10.eml"))
    assert outcome.email == "j.muller@contoso.example"
    assert member(5103).status == Member.Status.BOUNCED
    assert Delivery.objects.get(member_id=5103).bounced


def test_a_bounce_in_an_mta_s_own_format_is_applied_too(sent: Send) -> None:
    process_message(sample("qmail_nonstandard.eml"))
    assert member(5106).status == Member.Status.BOUNCED
    assert Delivery.objects.get(member_id=5106).bounced


def test_a_delay_is_reported_but_records_nothing(sent: Send) -> None:
    before = ledger_state()
    outcome = process_message(sample("gmail_delayed_4.4.1.eml"))
    assert (outcome.kind, outcome.action, outcome.changed) == (Kind.SOFT_BOUNCE, "delayed", False)
    assert ledger_state() == before


def test_a_policy_refusal_does_not_suppress_a_good_address(sent: Send) -> None:
    blocked = sample("postfix_hard_5.1.1.eml").replace(b"5.1.1", b"5.7.1")
    before = ledger_state()
    outcome = process_message(blocked)
    assert (outcome.kind, outcome.status) == (Kind.SOFT_BOUNCE, "5.7.1")
    assert ledger_state() == before


def test_a_bounce_without_our_message_id_is_matched_by_its_recipient(sent: Send) -> None:
    headers_trimmed = sample("postfix_hard_5.1.1.eml").replace(
        b"Message-ID: <send812.m5101@news.example.org>\n", b""
    )
    outcome = process_message(headers_trimmed)
    assert outcome.message_id == "" and outcome.changed
    assert Delivery.objects.get(member_id=5101).bounced
    assert member(5101).status == Member.Status.BOUNCED


def test_a_complaint_unsubscribes_the_reader_from_everything_at_once(
    sent: Send, make_post: Any, newsletters: list[Newsletter]
) -> None:
    outcome = process_message(sample("arf_abuse.eml"))

    assert outcome.kind == Kind.COMPLAINT and outcome.changed
    delivery = Delivery.objects.get(send=sent, member_id=5104)
    assert delivery.complained and not delivery.bounced
    assert member(5104).status == Member.Status.COMPLAINED
    assert subscriptions(5104) == {Subscription.Status.UNSUBSCRIBED}
    assert suppression("pat.kim@mail.example.com") == Suppression.Reason.COMPLAINED
    assert events(5104) == [MemberEvent.Kind.COMPLAINED, MemberEvent.Kind.UNSUBSCRIBED_ALL]
    assert 5104 not in next_send_recipients(make_post, newsletters)


def test_a_mailto_unsubscribe_stops_every_newsletter(
    sent: Send, make_post: Any, newsletters: list[Newsletter]
) -> None:
    outcome = process_message(sample("unsubscribe_request.eml"))

    assert outcome.kind == Kind.UNSUBSCRIBE and outcome.changed
    assert subscriptions(5105) == {Subscription.Status.UNSUBSCRIBED}
    assert member(5105).status == Member.Status.UNSUBSCRIBED
    assert suppression("alex.ng@example.org") == Suppression.Reason.UNSUBSCRIBED
    event = MemberEvent.objects.get(member_id=5105)
    assert (event.kind, event.detail) == (MemberEvent.Kind.UNSUBSCRIBED_ALL, {"how": "email"})
    assert 5105 not in next_send_recipients(make_post, newsletters)


def test_an_unsubscribe_request_from_a_stranger_changes_nothing(sent: Send) -> None:
    stranger = sample("unsubscribe_request.eml").replace(b"Alex.Ng@", b"someone.else@")
    before = ledger_state()
    assert process_message(stranger).changed is False
    assert ledger_state() == before


@pytest.mark.parametrize(
    "name",
    [
        "postfix_hard_5.1.1.eml",
        "exchange_hard_5.1.10.eml",
        "qmail_nonstandard.eml",
        "arf_abuse.eml",
        "unsubscribe_request.eml",
    ],
)
def test_processing_the_same_report_twice_changes_nothing_more(sent: Send, name: str) -> None:
    assert process_message(sample(name)).changed
    after_first = ledger_state()
    again = process_message(sample(name))
    assert again.changed is False
    assert ledger_state() == after_first


def test_a_bounce_after_a_complaint_keeps_the_complaint(sent: Send) -> None:
    process_message(sample("arf_abuse.eml"))
    bounce = sample("postfix_hard_5.1.1.eml").replace(b".m5101@", b".m5104@")
    process_message(bounce)
    assert member(5104).status == Member.Status.COMPLAINED
    assert suppression("pat.kim@mail.example.com") == Suppression.Reason.COMPLAINED
    assert Delivery.objects.get(member_id=5104).bounced


# The command: Maildir ------------------------------------------------------------------------


def test_process_bounces_reads_a_maildir_once(
    sent: Send, tmp_path: Path, make_post: Any, newsletters: list[Newsletter]
) -> None:
    inbox = mailbox.Maildir(tmp_path / "bounces", create=True)
    for name in sorted(eml.name for eml in SAMPLES.glob("*.eml")):
        inbox.add(sample(name))
    already_read = mailbox.MaildirMessage(
        b"From: Kim <kim@example.org>\nTo: bounces@news.example.org\nSubject: Hi\n\nThanks!\n"
    )
    already_read.set_subdir("cur")  # a person looked at it in a mail client: still ours to read
    inbox.add(already_read)

    first = StringIO()
    call_command("process_bounces", maildir=str(tmp_path / "bounces"), stdout=first)

    assert first.getvalue().splitlines() == [
        "Processed 7 messages",
        "  bounces: 4 (3 hard, 1 soft)",
        "  complaints: 1",
        "  unsubscribes: 1",
        "  unrecognised: 1",
    ]
    assert inbox.keys() == []
    processed = inbox.get_folder("processed")
    assert len(processed) == 7
    assert all(message.get_subdir() == "cur" and "S" in message.get_flags()
               for message in processed)  # fmt: skip
    assert {reader.pk for reader in Member.objects.filter(status=Member.Status.BOUNCED)} == {
        5101, 5103, 5106,
    }  # fmt: skip
    assert member(5104).status == Member.Status.COMPLAINED
    assert member(5105).status == Member.Status.UNSUBSCRIBED
    assert next_send_recipients(make_post, newsletters) == {5102, 5107}

    before = ledger_state()
    second = StringIO()
    call_command("process_bounces", maildir=str(tmp_path / "bounces"), stdout=second)
    assert second.getvalue().startswith("Processed 0 messages")
    assert ledger_state() == before


def test_process_bounces_refuses_a_folder_that_is_not_a_maildir(tmp_path: Path) -> None:

    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("process_bounces", maildir=str(tmp_path))
    with pytest.raises(CommandError, match="--maildir"):
        call_command("process_bounces")


# The command: IMAP, against a real IMAP server (pymap) on 127.0.0.1 -------------------------


def _certificate_for_loopback(folder: Path) -> tuple[Path, Path]:

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "imap.pem", folder / "imap.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_path, key_path


@pytest.fixture
def imap_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """pymap's in-memory IMAP server with STARTTLS, its certificate trusted for this test."""
    certificate, key = _certificate_for_loopback(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from pymap.main import main; main()",
         "--host", "127.0.0.1", "--port", str(port), "--cert", str(certificate),
         "--key", str(key), "dict", "--demo-user", "bounces", "--demo-password", "a-secret"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"pymap did not start: {server.stderr.read()!r}") from None
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


def _imap_session(port: int) -> imaplib.IMAP4:
    connection = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    connection.starttls(ssl_context=ssl.create_default_context())
    connection.login("bounces", "a-secret")
    connection.select("INBOX")
    return connection


@pytest.mark.slow
def test_process_bounces_reads_unseen_mail_over_imap(sent: Send, imap_server: int) -> None:
    with _imap_session(imap_server) as session:
        for name in ("postfix_hard_5.1.1.eml", "arf_abuse.eml", "gmail_delayed_4.4.1.eml"):
            session.append("INBOX", None, None, sample(name))
        session.append("INBOX", "(\\Seen)", None, sample("unsubscribe_request.eml"))
    url = f"imap://bounces:a-secret@127.0.0.1:{imap_server}/INBOX"

    first = StringIO()
    call_command("process_bounces", imap=url, stdout=first)

    assert first.getvalue().splitlines()[:4] == [
        "Processed 3 messages",
        "  bounces: 2 (1 hard, 1 soft)",
        "  complaints: 1",
        "  unsubscribes: 0",  # that one was already seen: someone else read it
    ]
    assert member(5101).status == Member.Status.BOUNCED
    assert member(5104).status == Member.Status.COMPLAINED
    assert member(5105).status == Member.Status.ACTIVE
    with _imap_session(imap_server) as session:
        assert session.uid("SEARCH", "UNSEEN")[1] == [b""]
    second = StringIO()
    call_command("process_bounces", imap=url, stdout=second)
    assert second.getvalue().startswith("Processed 0 messages")


@pytest.mark.slow
def test_process_bounces_will_not_log_in_over_imap_without_trusting_the_server(
    sent: Send, imap_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:

    monkeypatch.delenv("SSL_CERT_FILE")  # the self-signed certificate is no longer trusted
    with pytest.raises(CommandError, match="CERTIFICATE_VERIFY_FAILED"):
        call_command("process_bounces", imap=f"imap://bounces:a-secret@127.0.0.1:{imap_server}/")


# The inbound endpoint ------------------------------------------------------------------------


def test_the_inbound_endpoint_applies_a_posted_message(sent: Send, settings: Any) -> None:
    settings.ATLAS_INBOUND_TOKEN = TOKEN
    response = Client(enforce_csrf_checks=True).post(
        f"/delivery/inbound/{TOKEN}/", sample("postfix_hard_5.1.1.eml"),
        content_type="message/rfc822",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {
        "kind": "hard_bounce", "email": "dana@example.net", "action": "failed", "status": "5.1.1",
        "detail": "550 5.1.1 <dana@example.net>: Recipient address rejected: User unknown in "
        "virtual mailbox table",
        "message_id": "<send812.m5101@news.example.org>", "changed": True,
    }  # fmt: skip
    assert member(5101).status == Member.Status.BOUNCED


def test_the_inbound_endpoint_takes_a_message_as_a_form_upload(sent: Send, settings: Any) -> None:
    settings.ATLAS_INBOUND_TOKEN = TOKEN
    upload = SimpleUploadedFile("report.eml", sample("arf_abuse.eml"), "message/rfc822")
    response = Client().post(f"/delivery/inbound/{TOKEN}/", {"message": upload})
    assert response.status_code == 200
    assert response.json()["kind"] == "complaint"
    assert member(5104).status == Member.Status.COMPLAINED


@pytest.mark.parametrize("configured", [TOKEN, ""])
@pytest.mark.parametrize("given", ["wrong-token-0123456789", TOKEN[:-1], "-"])
def test_the_inbound_endpoint_hides_behind_its_token(
    sent: Send, settings: Any, configured: str, given: str
) -> None:
    settings.ATLAS_INBOUND_TOKEN = configured
    before = ledger_state()
    response = Client().post(
        f"/delivery/inbound/{given}/", sample("postfix_hard_5.1.1.eml"),
        content_type="message/rfc822",
    )  # fmt: skip
    assert response.status_code == 404
    assert ledger_state() == before


def test_the_inbound_endpoint_without_a_token_is_not_found(sent: Send, settings: Any) -> None:
    settings.ATLAS_INBOUND_TOKEN = TOKEN
    response = Client().post(
        "/delivery/inbound/", sample("arf_abuse.eml"), content_type="message/rfc822"
    )
    assert response.status_code == 404
    assert member(5104).status == Member.Status.ACTIVE


def test_the_inbound_endpoint_wants_a_posted_message(db: Any, settings: Any) -> None:
    settings.ATLAS_INBOUND_TOKEN = TOKEN
    assert Client().get(f"/delivery/inbound/{TOKEN}/").status_code == 405
    assert Client().post(f"/delivery/inbound/{TOKEN}/", {}).status_code == 400


# django-anymail tracking events --------------------------------------------------------------


@pytest.fixture
def tracking_receiver() -> None:
    """Connected as AppConfig.ready is to connect it (the same dispatch_uid: never twice)."""
    tracking.connect(record_tracking_event, dispatch_uid="delivery-anymail-tracking")


def track(event_type: str, **fields: Any) -> None:
    event = AnymailTrackingEvent(event_type=event_type, timestamp=timezone.now(), **fields)
    tracking.send(sender=object, event=event, esp_name="Mailgun")


def test_a_provider_s_bounce_event_suppresses_the_reader(
    sent: Send, tracking_receiver: None, make_post: Any, newsletters: list[Newsletter]
) -> None:
    track(
        "bounced", recipient="dana@example.net", message_id="send812.m5101@news.example.org",
        mta_response="550 5.1.1 The email account that you tried to reach does not exist",
        esp_event={"event": "failed", "severity": "permanent"},
    )  # fmt: skip
    assert member(5101).status == Member.Status.BOUNCED
    assert Delivery.objects.get(member_id=5101).bounced
    assert 5101 not in next_send_recipients(make_post, newsletters)


def test_a_provider_event_is_matched_by_the_message_id_in_its_raw_payload(
    sent: Send, tracking_receiver: None
) -> None:
    track(
        "rejected", recipient="j.muller@contoso.example", message_id="0100018f-a1b2c3",
        reject_reason="bounced",
        esp_event={"mail": {"headers": [{"name": "Message-ID",
                                         "value": "<send812.m5103@news.example.org>"}]}},
    )  # fmt: skip
    assert member(5103).status == Member.Status.BOUNCED
    assert Delivery.objects.get(member_id=5103).bounced


def test_a_provider_s_complaint_event_unsubscribes_at_once(
    sent: Send, tracking_receiver: None
) -> None:
    track("complained", recipient="pat.kim@mail.example.com", message_id="unknown-to-us")
    assert member(5104).status == Member.Status.COMPLAINED
    assert subscriptions(5104) == {Subscription.Status.UNSUBSCRIBED}
    assert Delivery.objects.get(member_id=5104).complained  # found by its recipient
    assert suppression("pat.kim@mail.example.com") == Suppression.Reason.COMPLAINED


def test_a_provider_s_unsubscribe_event_stops_everything(
    sent: Send, tracking_receiver: None
) -> None:
    track("unsubscribed", recipient="alex.ng@example.org")
    assert subscriptions(5105) == {Subscription.Status.UNSUBSCRIBED}
    assert member(5105).status == Member.Status.UNSUBSCRIBED


def test_provider_events_that_are_no_failure_or_repeat_change_nothing(
    sent: Send, tracking_receiver: None
) -> None:
    track("complained", recipient="pat.kim@mail.example.com")
    before = ledger_state()
    track("complained", recipient="pat.kim@mail.example.com")
    for event_type in ("deferred", "delivered", "opened", "clicked"):
        track(event_type, recipient="sam.rivera@example.com", mta_response="451 4.7.1 later")
    assert ledger_state() == before
