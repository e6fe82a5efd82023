"""Redis lost: the queue and the rate limits' counter unreachable. What a reader or an editor
asked for is written and acknowledged all the same; the queue only wakes workers, and whoever
could not wake one falls back (a catch-up, or the work done right there)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from atlas.billing.models import SyncRun, Tier
from atlas.delivery.models import Send
from atlas.lib import queue
from atlas.members.models import Member, Newsletter, OutboundEmail
from atlas.runtime import ratelimit
from tests.mailbox import free_port
from tests.test_billing_checkout import choose, session_of, signed_in

SAME_ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def redis_lost(settings: Any, caplog: pytest.LogCaptureFixture) -> Any:
    """Tasks go through RQ, and rate limits through Redis, at a port where nothing listens."""
    lost = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = lost
    settings.RQ_QUEUES = {"default": {"URL": lost, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    ratelimit._redis_client.cache_clear()
    caplog.set_level(logging.WARNING)
    yield caplog
    ratelimit._redis_client.cache_clear()


def test_a_reader_subscribes_and_asks_for_a_link_while_redis_is_lost(
    redis_lost: pytest.LogCaptureFixture,
    newsletter: Newsletter,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/subscribe/", {"email": "núria@example.org"}, headers=SAME_ORIGIN)
    assert response.status_code in (200, 302, 303), response.content.decode()[-500:]
    member = Member.objects.get(email="núria@example.org")
    assert OutboundEmail.objects.filter(member=member, status=OutboundEmail.Status.QUEUED).exists()
    member.confirmed_at = member.created_at
    member.status = Member.Status.ACTIVE
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/signin/", {"email": "núria@example.org"}, headers=SAME_ORIGIN)
    assert asked.status_code in (200, 302, 303)
    assert "Rate limits counted in the database" in redis_lost.text
    assert redis_lost.text.count("Rate limits counted in the database") == 1  # once a minute
    assert "Could not wake a worker" in redis_lost.text
    assert "Traceback" not in redis_lost.text


def test_the_rate_limit_still_holds_while_redis_is_lost(redis_lost: Any, db: Any) -> None:
    limit = ratelimit.Limit(hits=3, seconds=60)
    assert [ratelimit.hit("test", "reader@example.org", limit) for _ in range(4)] == [
        True, True, True, False,
    ]  # fmt: skip


def test_a_send_started_while_redis_is_lost_waits_for_the_catch_up(
    redis_lost: Any, editor_client: Client, make_post: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post("Sent in a storm")
    newsletter = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/newsroom/sends/new/", {
            "post": post.pk, "newsletters": [newsletter.pk], "mode": "web_and_email",
            "audience": "all",
        })  # fmt: skip
    send = Send.objects.get(post=post, is_test=False)
    assert response.status_code == 302 and send.status == Send.Status.PREPARING
    assert f"Could not wake a worker for send {send.pk}" in redis_lost.text


def test_a_stripe_link_run_that_no_worker_can_take_ends_saying_so(
    redis_lost: Any, stripe_fake: Any, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = User.objects.create_superuser("owner", "owner@example.org", "a-long-password")
    client = Client()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/newsroom/tiers/stripe-sync/").status_code == 302
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED and "task queue is down" in run.error


def test_a_deleted_member_stops_paying_even_when_no_worker_can_be_woken(
    stripe_fake: Any, paid_tier: Tier, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_fake.auto_deliver = False
    browser, _member = signed_in("leaving@example.org")
    browser.get(stripe_fake.pay(session_of(choose(browser)).stripe_id).split("8000", 1)[-1])
    from atlas.billing.models import PaidSubscription

    subscription = PaidSubscription.objects.get().stripe_id
    lost = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {"default": {"URL": lost, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post("/account/delete/").status_code == 200
    assert stripe_fake.objects[subscription]["status"] == "canceled"


def test_wake_says_whether_a_worker_was_woken(settings: Any) -> None:
    from atlas.members.outbox import send_email_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert queue.wake(send_email_task, 1, what="email 1") is True
    lost = f"redis://127.0.0.1:{free_port()}/0"
    settings.RQ_QUEUES = {"default": {"URL": lost, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    assert queue.wake(send_email_task, 1, what="email 1") is False
