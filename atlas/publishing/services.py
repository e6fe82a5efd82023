"""Publishing workflows: saving with revisions, scheduling, going live, corrections."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from atlas.lib import pagecache
from atlas.publishing.images import make_renditions
from atlas.publishing.models import Correction, Post, Revision

logger = logging.getLogger(__name__)

# Sent once per post, when it becomes visible to readers (after the commit).
post_went_live = Signal()

User = AbstractBaseUser | Any


def save_post(post: Post, user: User | None = None, note: str = "") -> Post:
    """Save a post as staff do: render, normalise its status, keep a revision, schedule."""
    previous = Post.objects.filter(pk=post.pk).first() if post.pk else None
    now = timezone.now()
    if post.status == Post.Status.PUBLISHED and post.published_at is None:
        post.published_at = now
    if post.status == Post.Status.PUBLISHED and post.published_at > now:
        post.status = Post.Status.SCHEDULED
    post.ensure_slug()
    post.render()
    changed = _changed_fields(previous, post)
    if previous and previous.was_published and changed & {"title", "subtitle", "body"}:
        post.content_modified_at = now
    if previous is None or previous.feature_image != post.feature_image:
        post.feature_image_renditions = make_renditions(post.feature_image)
    with transaction.atomic():
        post.save()
        if changed or previous is None:
            Revision.objects.create(
                post=post,
                created_by=user if getattr(user, "pk", None) else None,
                changed_fields=sorted(changed) if previous else ["created"],
                note=note[:200],
                **{name: getattr(post, name) for name in Revision.TRACKED_FIELDS},
            )
        if post.status == Post.Status.SCHEDULED:
            transaction.on_commit(lambda: schedule_publication(post.pk, post.published_at))
        went_live = post.is_live and not (previous and previous.is_live)
        if went_live:
            transaction.on_commit(lambda: post_went_live.send(Post, post_id=post.pk))
    return post


def _changed_fields(previous: Post | None, post: Post) -> set[str]:
    if previous is None:
        return set()
    return {
        name for name in Revision.TRACKED_FIELDS if getattr(previous, name) != getattr(post, name)
    }


def restore_revision(revision: Revision, user: User | None = None) -> Post:
    """Put a revision's words back; the restore is itself a new revision."""
    post = revision.post
    for name in ("title", "subtitle", "body", "seo_title", "seo_description"):
        setattr(post, name, getattr(revision, name))
    return save_post(
        post,
        user,
        note=f"Restored the revision of {timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}",
    )


def schedule_publication(post_id: int, when: Any) -> None:
    """Wake a worker when a scheduled post is due (the periodic job is the safety net)."""
    try:
        publish_due_posts_task.using(run_after=when).enqueue(post_id)
    except Exception:  # the periodic catch-up publishes it anyway
        logger.exception("Could not enqueue the publication of post %s", post_id)


def reschedule_if_early(post_id: int) -> None:
    """Queues may wake a little early (some round times to the second): try again on time."""
    post = Post.objects.filter(pk=post_id, status=Post.Status.SCHEDULED).first()
    if post is not None and post.published_at and post.published_at > timezone.now():
        schedule_publication(post.pk, post.published_at)


def publish_due_posts() -> list[int]:
    """Make every scheduled post whose time has come live, exactly once each.

    Safe to run from any number of workers at once: the conditional update lets one of them
    win each post, and only the winner announces it.
    """
    published: list[int] = []
    for post_id in Post.objects.due().values_list("pk", flat=True):
        with transaction.atomic():
            won = Post.objects.due().filter(pk=post_id).update(status=Post.Status.PUBLISHED)
            if won:
                published.append(post_id)
                transaction.on_commit(pagecache.invalidate)
                transaction.on_commit(
                    lambda post_id=post_id: post_went_live.send(Post, post_id=post_id)
                )
    if published:
        logger.info("Published %d scheduled post(s): %s", len(published), published)
    return published


@task()
def publish_due_posts_task(post_id: int | None = None) -> list[int]:
    """Publish what is due; if `post_id` is not due yet (a queue that woke early), ask again.
    The argument is an ID; safe to run twice."""
    published = publish_due_posts()
    if post_id is not None:
        reschedule_if_early(post_id)
    return published


def add_correction(
    post: Post, text: str, kind: str = Correction.Kind.CORRECTION, user: User | None = None
) -> Correction:
    """Attach a dated public note to a post; the article counts as modified from then on."""
    correction = Correction(post=post, text=text, kind=kind)
    correction.created_by = user if getattr(user, "pk", None) else None
    save_correction(correction)
    return correction


def save_correction(correction: Correction) -> Correction:
    correction.render()
    with transaction.atomic():
        correction.save()
        Post.objects.filter(pk=correction.post_id).update(
            content_modified_at=correction.published_at
        )
    return correction
