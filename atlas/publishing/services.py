"""Publishing workflows: saving with revisions, scheduling, going live, corrections."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from functools import partial
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as StaffUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from atlas.lib import pagecache
from atlas.lib.queue import wake
from atlas.publishing.images import check_image, make_renditions, read_upload, renditions_of
from atlas.publishing.models import Author, Correction, Post, PostAuthor, PostImage, Revision

logger = logging.getLogger(__name__)

# Sent once per post, when it becomes visible to readers (after the commit).
post_went_live = Signal()
# Sent when a scheduled post goes back to a draft, inside the same transaction: what waited for
# its publication (a newsletter send) stops waiting.
post_unscheduled = Signal()

User = AbstractBaseUser | AnonymousUser  # request.user, as views pass it


def staff_user(user: User | None) -> StaffUser | None:
    """The account to credit, when there is a saved one (not a visitor, not a test stub)."""
    return user if isinstance(user, StaffUser) and user.pk else None


# While a post is being written, autosaves keep a revision at most this often.
REVISION_INTERVAL = timedelta(minutes=5)


class EditConflict(Exception):
    """The post was saved by someone else since this edit began: `current` is their version."""

    def __init__(self, current: Post) -> None:
        super().__init__(f"Post {current.pk} is at version {current.version}.")
        self.current = current


def save_post(
    post: Post,
    user: User | None = None,
    note: str = "",
    *,
    base_version: int | None = None,
    revision: Literal["always", "throttled"] = "always",
) -> Post:
    """Save a post as staff do: render, normalise its status, keep a revision, schedule.

    `base_version`: the version the edit started from; if the post has moved on since, nothing
    is saved and EditConflict says what is there now. `revision="throttled"` (autosaves) keeps
    a revision only when the last one is older than REVISION_INTERVAL or the status changed.
    """
    now = timezone.now()
    if post.status == Post.Status.PUBLISHED:
        post.published_at = post.published_at or now
        if post.published_at > now:
            post.status = Post.Status.SCHEDULED
    if post.status == Post.Status.SCHEDULED and post.published_at is None:
        raise ValidationError({"published_at": "A scheduled post needs a publish time."})
    post.ensure_slug()
    post.render()
    uploaded = bool(post.feature_image) and not getattr(post.feature_image, "_committed", True)
    if uploaded:  # outside the transaction: resizing takes a while
        post.feature_image_renditions = make_renditions(post.feature_image)
    with transaction.atomic():
        previous = Post.objects.select_for_update().filter(pk=post.pk).first() if post.pk else None
        if previous is not None:
            if base_version is not None and previous.version != base_version:
                raise EditConflict(previous)
            post.version = previous.version + 1
        changed = _changed_fields(previous, post)
        if previous and previous.was_published and changed & {"title", "subtitle", "body"}:
            post.content_modified_at = now
        if not uploaded and (previous is None or previous.feature_image != post.feature_image):
            post.feature_image_renditions = make_renditions(post.feature_image)
        # A draft saved again (autosaves) changes nothing readers see: cached pages stay.
        post.readers_unaffected = not post.is_live and not (previous and previous.is_live)
        post.save()
        if previous is None or (changed and _revision_due(post, changed, revision, now)):
            Revision.objects.create(
                post=post,
                created_by=staff_user(user),
                changed_fields=sorted(changed) if previous else ["created"],
                note=note[:200],
                **{name: getattr(post, name) for name in Revision.TRACKED_FIELDS},
            )
        if post.status == Post.Status.SCHEDULED:
            when = post.published_at
            transaction.on_commit(lambda: schedule_publication(post.pk, when))
        went_live = post.is_live and not (previous and previous.is_live)
        if went_live:
            transaction.on_commit(lambda: post_went_live.send(Post, post_id=post.pk))
    return post


def _revision_due(post: Post, changed: set[str], revision: str, now: Any) -> bool:
    if revision == "always" or "status" in changed:
        return True
    last = post.revisions.order_by("-created_at").values_list("created_at", flat=True).first()
    return last is None or now - last >= REVISION_INTERVAL


def keep_revision(post: Post, user: User | None, note: str) -> Revision:
    """Keep the post's words as they are now (before a conflicting save replaces them)."""
    return Revision.objects.create(
        post=post,
        created_by=staff_user(user),
        changed_fields=[],
        note=note[:200],
        **{name: getattr(post, name) for name in Revision.TRACKED_FIELDS},
    )


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
    # Else the periodic job publishes it anyway.
    wake(publish_due_posts_task, post_id, what=f"the publication of post {post_id}", run_after=when)


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
                pagecache.changed()
                transaction.on_commit(partial(post_went_live.send, Post, post_id=post_id))
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
    correction.created_by = staff_user(user)
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


# Writers, images and the steps around publishing ------------------------------------------------


def author_for(user: StaffUser) -> Author:
    """The Author profile of a staff member, created from their name when they have none."""
    existing = Author.objects.filter(user=user).first()
    if existing is not None:
        return existing
    name = (user.get_full_name() or user.get_username()).strip()[:120]
    base = slugify(name, allow_unicode=True)[:110] or "author"
    slug, number = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return Author.objects.create(user=user, name=name, slug=slug)


def set_authors(post: Post, authors: list[Author]) -> None:
    """The byline, in order (nothing is written when it is unchanged)."""
    current = list(
        PostAuthor.objects.filter(post=post)
        .order_by("position")
        .values_list("author_id", flat=True)
    )
    if current == [author.pk for author in authors]:
        return
    with transaction.atomic():
        PostAuthor.objects.filter(post=post).exclude(author__in=authors).delete()
        for position, author in enumerate(authors):
            PostAuthor.objects.update_or_create(
                post=post, author=author, defaults={"position": position}
            )


_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def publish_problems(post: Post) -> list[str]:
    """What must be fixed before readers see the post (empty: nothing)."""
    problems = []
    if not post.title.strip():
        problems.append("Give the post a title.")
    if not post.pk or not post.authors.exists():
        problems.append("Add at least one author: readers need to know who wrote it.")
    if post.feature_image and not post.feature_image_alt.strip():
        problems.append(
            "Describe the feature image (alt text): screen readers read it aloud to readers "
            "who cannot see the picture, and it shows when images are off."
        )
    missing = len(_IMAGE_WITHOUT_ALT.findall(post.body))
    if missing:
        problems.append(
            f"{missing} image(s) in the text have no description (alt text): write what each "
            "shows between the brackets, ![like this](...), for readers who cannot see it."
        )
    return problems


class PublishRefused(ValueError):
    """The post cannot go live yet; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def publish_post(post: Post, user: User | None, when: Any = None) -> Post:
    """Make the post live now, or schedule it for `when` (checked first: see publish_problems)."""
    problems = publish_problems(post)
    if problems:
        raise PublishRefused(problems)
    post.status = Post.Status.PUBLISHED
    post.published_at = when or None
    post.review_requested_at = None
    return save_post(
        post, user, note="Scheduled" if when and when > timezone.now() else "Published"
    )


def unschedule_post(post: Post, user: User | None) -> Post:
    """A scheduled post back to a draft; its time is forgotten."""
    if post.status != Post.Status.SCHEDULED:
        return post
    post.status = Post.Status.DRAFT
    post.published_at = None
    with transaction.atomic():
        save_post(post, user, note="Unscheduled")
        post_unscheduled.send(Post, post_id=post.pk)
    return post


def request_review(post: Post, user: User | None) -> Post:
    """A contributor's draft is ready: editors see it marked so."""
    Post.objects.filter(pk=post.pk).update(review_requested_at=timezone.now())
    post.refresh_from_db()
    return post


def store_image(upload: File, user: User | None, post: Post | None = None) -> PostImage:
    """Check an uploaded image with Pillow (ImageRefused says why not), keep it with renditions."""
    data = read_upload(upload)
    width, height = check_image(data, getattr(upload, "name", "") or "")
    image = PostImage(
        post=post,
        uploaded_by=staff_user(user),
        width=width,
        height=height,
    )
    image.renditions = renditions_of(data, upload.name or "")
    image.file.save(_safe_name(upload.name or "image"), ContentFile(data), save=False)
    image.save()
    return image


def set_feature_image(post: Post, upload: File, user: User | None) -> Post:
    """Replace the feature image after checking it (ImageRefused says why not)."""
    data = read_upload(upload)
    check_image(data, getattr(upload, "name", "") or "")
    post.feature_image.save(_safe_name(upload.name or "feature"), ContentFile(data), save=False)
    return save_post(post, user, note="New feature image", revision="throttled")


def _safe_name(name: str) -> str:
    stem, _, extension = name.rpartition(".")
    extension = extension.lower()
    if extension not in {"jpg", "jpeg", "png", "gif", "webp"}:
        extension = "img"
    return f"{slugify(stem, allow_unicode=False)[:60] or 'image'}.{extension}"
