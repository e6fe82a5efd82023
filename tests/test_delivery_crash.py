"""kill -9 real workers at random moments during a 2,000-recipient send: nothing lost, and
nothing doubled but the messages whose outcomes were not committed yet on each killed connection
(at most one group, `ledger.GROUP_SIZE`). SIGTERM commits and drains: nothing doubled."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from atlas.delivery import ledger, services
from atlas.delivery.models import Batch, Delivery, Send
from atlas.members.models import Member, Newsletter, Subscription
from tests.factories import database_url

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("task-queue")]

RECIPIENTS = 2000


def add_subscribers(count: int) -> None:
    newsletter = Newsletter.objects.get_or_create(
        slug="newsletter", defaults={"name": "Newsletter", "is_default": True}
    )[0]
    now = timezone.now()
    Member.objects.bulk_create(
        Member(email=f"r{number}@example.org", email_lower=f"r{number}@example.org",
               status="active", confirmed_at=now)
        for number in range(count)
    )  # fmt: skip
    Subscription.objects.bulk_create(
        Subscription(member=member, newsletter=newsletter, status="active")
        for member in Member.objects.all()
    )


def start_worker(mailbox: Any, log: Any = subprocess.DEVNULL) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
        "ATLAS_DELIVERY_LEASE_SECONDS": "3",
        "ATLAS_RECOVER_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "atlas", "worker"],
        env=environment,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def wait_until_done(send: Send, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        send.refresh_from_db()
        if send.status == Send.Status.DONE:
            return
        time.sleep(0.25)
    counts = Counter(send.deliveries.values_list("state", flat=True))
    pytest.fail(f"send not done after {seconds}s: {send.status}, {counts}")


def stop(workers: list[subprocess.Popen]) -> None:
    """Kill each worker's whole session, an RQ work horse it forked included, even when the
    worker itself has exited already (a horse left behind would take later tests' jobs)."""
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def start_send(django_capture_on_commit_callbacks: Any, make_post: Any) -> Send:
    add_subscribers(RECIPIENTS)
    with django_capture_on_commit_callbacks(execute=True):
        return services.start_send(
            make_post("Crash-proof edition"), [Newsletter.objects.get(slug="newsletter")]
        )


@pytest.mark.django_db(transaction=True)
def test_kill_nine_at_random_loses_nothing_and_doubles_at_most_one_uncommitted_group(
    mailbox: Any, make_post: Any, django_capture_on_commit_callbacks: Any, empty_task_queue: None
) -> None:
    send = start_send(django_capture_on_commit_callbacks, make_post)
    chooser = random.Random(os.environ.get("ATLAS_CRASH_SEED", "2026"))
    workers = [start_worker(mailbox) for _ in range(3)]
    kills = 0
    try:
        deadline = time.monotonic() + 60
        while kills < 12 and time.monotonic() < deadline:
            time.sleep(chooser.uniform(0.2, 0.9))
            send.refresh_from_db()
            if send.status == Send.Status.DONE:
                break
            victim = workers.pop(chooser.randrange(len(workers)))
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and any child it forked
            victim.wait()
            kills += 1
            workers.append(start_worker(mailbox))
        wait_until_done(send, 120)
    finally:
        stop(workers)

    assert kills >= 3, "the send finished before the test could kill workers; raise RECIPIENTS"
    states = Counter(send.deliveries.values_list("state", flat=True))
    assert states == {Delivery.State.SENT: RECIPIENTS}
    received = Counter(message.recipients[0] for message in mailbox.messages)
    assert set(received) == {f"r{number}@example.org" for number in range(RECIPIENTS)}
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= kills * ledger.GROUP_SIZE, (duplicates, kills)
    for address, count in received.items():
        if count > 1:
            ids = {message.message["Message-ID"] for message in mailbox.to(address)}
            assert len(ids) == 1


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_message_in_hand_and_releases_the_batch(
    mailbox: Any,
    make_post: Any,
    django_capture_on_commit_callbacks: Any,
    empty_task_queue: None,
    tmp_path: Any,
) -> None:
    for number in range(RECIPIENTS):
        mailbox.faults[f"r{number}@example.org"] = "slow:0.003"
    send = start_send(django_capture_on_commit_callbacks, make_post)
    log = (tmp_path / "worker.log").open("w")
    worker = start_worker(mailbox, log)
    try:
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
        asked = time.monotonic()
        os.killpg(worker.pid, signal.SIGTERM)  # as a service manager stops a unit
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            processes = "\n".join(
                line
                for line in subprocess.run(
                    ["ps", "-eo", "pid,ppid,pgid,stat,wchan:20,args"],
                    capture_output=True, text=True, check=False,
                ).stdout.splitlines()
                if "atlas" in line or "rq" in line
            )  # fmt: skip
            log.flush()
            pytest.fail(
                f"the worker did not stop within 30 s of SIGTERM\n{processes}\n"
                + (tmp_path / "worker.log").read_text()[-6000:]
            )
        assert time.monotonic() - asked < 30
        assert not Batch.objects.filter(send=send, status=Batch.Status.CLAIMED).exists()
        # The batch in hand stopped part way (on either queue: RQ's horse is told too), and
        # was released for the next worker with its unsent rows still pending.
        released = Batch.objects.filter(
            send=send, status=Batch.Status.PENDING, deliveries__state=Delivery.State.SENT
        ).filter(pk__in=Delivery.objects.filter(state=Delivery.State.PENDING).values("batch"))
        assert released.exists()
        sent_before = len(mailbox.messages)
        assert 0 < sent_before < RECIPIENTS
        mailbox.faults.clear()
        worker = start_worker(mailbox)
        wait_until_done(send, 120)
    finally:
        stop([worker])
    received = Counter(message.recipients[0] for message in mailbox.messages)
    assert len(received) == RECIPIENTS and max(received.values()) == 1  # no duplicate at all
