"""A worker runs for weeks: what it keeps in memory follows changes without a restart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dkim

from atlas.delivery import services
from atlas.lib.dkim import DkimKey, generate_key
from atlas.members.models import Newsletter
from tests.factories import newsletter_subscribers, run_send


def test_a_renamed_newsletter_shows_its_new_name_in_the_next_footer(
    make_post: Any, newsletter: Newsletter, mailbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = newsletter_subscribers(1, newsletter)[0]
    run_send(services.start_send(make_post("Monday"), [newsletter]))
    assert f"subscribed to {newsletter.name} from" in mailbox.last_to(member.email).text

    with django_capture_on_commit_callbacks(execute=True):
        newsletter.name = "The Morning Brief"
        newsletter.save()
    run_send(services.start_send(make_post("Tuesday"), [newsletter]))

    message = mailbox.last_to(member.email)
    assert "subscribed to The Morning Brief from" in message.text
    assert message.message["List-Id"].startswith("The Morning Brief <")


def test_a_replaced_dkim_key_signs_the_next_send(
    make_post: Any, newsletter: Newsletter, mailbox: Any, settings: Any, tmp_path: Path
) -> None:
    settings.ATLAS_DKIM_DOMAIN = "news.example.org"
    settings.ATLAS_DKIM_DIR = str(tmp_path)
    settings.DEFAULT_FROM_EMAIL = "Atlas News <letters@news.example.org>"
    key_file = tmp_path / "sel1.ed25519.pem"
    old_pem, new_pem = generate_key("ed25519"), generate_key("ed25519")
    key_file.write_bytes(old_pem)
    newsletter_subscribers(1, newsletter)
    run_send(services.start_send(make_post("Monday"), [newsletter]))

    replacement = tmp_path / "incoming.tmp"
    replacement.write_bytes(new_pem)
    os.replace(replacement, key_file)  # a rotation, as an operator does it
    run_send(services.start_send(make_post("Tuesday"), [newsletter]))

    def verifies(raw: bytes, pem: bytes) -> bool:
        record = DkimKey.from_pem("news.example.org", "sel1", pem).dns_record().encode()
        return bool(dkim.verify(raw, dnsfunc=lambda name, timeout=5: record))

    monday, tuesday = (received.raw for received in mailbox.messages)
    assert verifies(monday, old_pem) and not verifies(monday, new_pem)
    assert verifies(tuesday, new_pem) and not verifies(tuesday, old_pem)
