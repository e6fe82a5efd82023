"""`atlas backup` and `atlas restore` on the test database (SQLite or PostgreSQL): one file, a
round trip, no old send fired again, no consent undone."""

from __future__ import annotations

import tarfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from atlas.delivery import engine
from atlas.delivery import services as delivery
from atlas.delivery.models import Delivery, DeliverySettings, Send
from atlas.lib.pagecache import content_version
from atlas.members import outbox, services
from atlas.members.models import Member, Newsletter, OutboundEmail, Subscription
from atlas.publishing.models import Post
from tests.conftest import deliver_outbox
from tests.factories import newsletter_subscribers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_backup_is_one_file_with_the_database_and_the_media(tmp_path: Path) -> None:
    newsletter = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    newsletter_subscribers(3, newsletter)
    media = Path(settings.MEDIA_ROOT) / "images" / "2026"
    media.mkdir(parents=True)
    (media / "cover.jpg").write_bytes(b"jpeg bytes")
    call_command("backup", str(tmp_path / "site.tar"))
    with tarfile.open(tmp_path / "site.tar") as archive:
        names = archive.getnames()
    assert names[0] == "manifest.json"
    assert "media/images/2026/cover.jpg" in names
    assert {"database.sqlite3", "database.pgdump"} & set(names)


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "other.tar").write_bytes(b"not a tar file at all")
    with pytest.raises((CommandError, tarfile.TarError)):
        call_command("restore", str(tmp_path / "other.tar"), "--yes")


def test_restore_holds_old_sends_and_keeps_consents_withdrawn_since(
    tmp_path: Path, mailbox: Any, make_post: Any, django_capture_on_commit_callbacks: Any
) -> None:
    newsletter = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    readers = newsletter_subscribers(60, newsletter)
    DeliverySettings.objects.update_or_create(pk=1, defaults={"batch_size": 20})
    with django_capture_on_commit_callbacks(execute=False):
        under_way = delivery.start_send(make_post("Under way"), [newsletter])
        later = make_post("Later", status=Post.Status.SCHEDULED,
                          published_at=timezone.now() + timedelta(hours=1))  # fmt: skip
        scheduled = delivery.start_send(later, [newsletter], when_live=True)
    engine.prepare_send_task.call(under_way.pk)
    engine.deliver_batch(under_way.batches.order_by("pk").first().pk)
    sent_before = Delivery.objects.filter(send=under_way, state="sent").count()
    assert 0 < sent_before < 60
    outbox.queue(readers[0].email, "members/email/sign_in", member=readers[0], link="sign_in")
    media = Path(settings.MEDIA_ROOT) / "cover.jpg"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(b"jpeg bytes")

    call_command("backup", str(tmp_path / "site.tar"))

    # After the backup: the send finishes, one reader leaves, another deletes their account.
    for batch_id in under_way.batches.exclude(status="done").values_list("pk", flat=True):
        engine.deliver_batch(batch_id)
    deliver_outbox()
    services.unsubscribe(readers[1], how="link")
    services.delete_member(readers[2])
    media.unlink()
    messages_before_restore = len(mailbox.messages)

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("restore", str(tmp_path / "site.tar"), "--yes")
        # Everything a worker would do by itself: nothing goes out again.
        engine.recover()
        for batch_id in Send.objects.values_list("batches__pk", flat=True):
            if batch_id:
                engine.deliver_batch(batch_id)
        deliver_outbox()
        outbox.send_queued()
    assert len(mailbox.messages) == messages_before_restore

    under_way.refresh_from_db()
    scheduled.refresh_from_db()
    assert under_way.status == Send.Status.WAITING and "backup" in under_way.status_reason
    assert scheduled.status == Send.Status.CANCELLED
    assert Delivery.objects.filter(send=under_way, state="sent").count() == sent_before
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.FAILED
    assert Subscription.objects.get(member__email=readers[1].email).status == "unsubscribed"
    assert not Member.objects.filter(email=readers[2].email).exists()
    assert Member.objects.filter(status="active").count() == 58
    assert media.read_bytes() == b"jpeg bytes"


def test_a_restore_keeps_the_backups_consents(tmp_path: Path) -> None:
    newsletter = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    reader, leaver = newsletter_subscribers(2, newsletter)
    services.unsubscribe(leaver, how="link")
    call_command("backup", str(tmp_path / "site.tar"))
    Member.objects.filter(pk=leaver.pk).update(status="active")  # a later mistake
    Subscription.objects.filter(member=leaver).update(status="active")
    version = content_version()
    call_command("restore", str(tmp_path / "site.tar"), "--yes")
    assert content_version() != version  # no page cached before the restore is served after it
    assert Member.objects.get(pk=leaver.pk).status == "unsubscribed"
    assert Member.objects.get(pk=reader.pk).status == "active"
