"""A scheduled post goes live at its time, once, even with several workers or a late one."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from atlas.publishing import services
from atlas.publishing.models import Post


@pytest.fixture
def went_live() -> Any:
    announced: list[int] = []

    def receiver(sender: Any, post_id: int, **kwargs: Any) -> None:
        announced.append(post_id)

    services.post_went_live.connect(receiver)
    yield announced
    services.post_went_live.disconnect(receiver)


def test_scheduled_post_becomes_visible_at_its_time(
    client: Client, make_post: Any, went_live: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    at = timezone.now() + timedelta(hours=2)
    post = make_post("The two o'clock story", status=Post.Status.SCHEDULED, published_at=at)
    assert client.get(post.get_absolute_url()).status_code == 404
    with time_machine.travel(at - timedelta(seconds=1)):
        assert services.publish_due_posts() == []
    with (
        time_machine.travel(at + timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.publish_due_posts() == [post.pk]
        assert client.get(post.get_absolute_url()).status_code == 200
    assert went_live == [post.pk]


def test_catch_up_publishes_late_posts_once(
    make_post: Any, went_live: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    at = timezone.now() + timedelta(minutes=5)
    late = [
        make_post(f"Late story {n}", status=Post.Status.SCHEDULED, published_at=at)
        for n in range(3)
    ]
    with (
        time_machine.travel(at + timedelta(hours=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = services.publish_due_posts()
        second = services.publish_due_posts()
    assert sorted(first) == sorted(post.pk for post in late)
    assert second == []
    assert sorted(went_live) == sorted(first)


def test_saving_a_scheduled_post_enqueues_its_publication(
    make_post: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:

    at = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post("Queued story", status=Post.Status.SCHEDULED, published_at=at)
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        queued = DBTaskResult.objects.get()
        assert queued.task_path.endswith("publish_due_posts_task")
        assert queued.args_kwargs["args"] == [post.pk]
        assert abs((queued.run_after - at).total_seconds()) < 1
    else:
        assert default_task_backend.supports_defer


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_publish_each_post_once(make_post: Any, went_live: list[int]) -> None:
    at = timezone.now() + timedelta(minutes=1)
    posts = [
        make_post(f"Race {n}", status=Post.Status.SCHEDULED, published_at=at) for n in range(5)
    ]
    results: list[list[int]] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.publish_due_posts())
        finally:
            connection.close()

    with time_machine.travel(at + timedelta(minutes=1), tick=True):
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    published = [post_id for result in results for post_id in result]
    assert sorted(published) == sorted(post.pk for post in posts)
    assert sorted(went_live) == sorted(published)
    assert Post.objects.filter(status=Post.Status.PUBLISHED).count() == 5
