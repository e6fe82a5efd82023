"""Saving from the editor: who may touch a post, applying the form through the services, and
edit conflicts (a save based on an old version), in which nothing either writer typed is lost."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from atlas.newsroom.access import StaffRequest
from atlas.newsroom.editor_forms import PostForm
from atlas.publishing import services
from atlas.publishing.hooks import EditorPanel, editor_panels
from atlas.publishing.images import ImageRefused, check_image, read_upload
from atlas.publishing.models import Post, Tag

DIFFED_FIELDS = ("title", "subtitle", "body")


# Who may do what ------------------------------------------------------------------------------


def is_own(user: Any, post: Post) -> bool:
    return post.created_by_id == user.pk or post.authors.filter(user=user).exists()


def can_edit(user: Any, post: Post) -> bool:
    """Editors edit every post; others their own, and contributors only while it is a draft."""
    if not user.has_perm("publishing.change_post"):
        return False
    if user.has_perm("publishing.edit_others_posts"):
        return True
    if not is_own(user, post):
        return False
    return post.status == Post.Status.DRAFT or user.has_perm("publishing.publish_post")


def can_publish(user: Any, post: Post) -> bool:
    return user.has_perm("publishing.publish_post") and can_edit(user, post)


def can_send(user: Any) -> bool:
    return bool(user.has_perm("delivery.add_send"))


def editable_post(request: StaffRequest, post_id: int) -> Post:
    post = get_object_or_404(Post, pk=post_id)
    if not can_edit(request.user, post):
        raise PermissionDenied("You cannot edit this post.")
    return post


def panels_for(user: Any) -> list[EditorPanel]:
    return [
        panel for panel in editor_panels if not panel.permission or user.has_perm(panel.permission)
    ]


# Saving ---------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    post: Post
    saved: bool = False
    conflict: Post | None = None
    image_error: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def save_from_form(
    request: StaffRequest, post: Post, form: PostForm, *, explicit: bool, force: bool = False
) -> SaveResult:
    """Apply a valid form to the post and save it through `services.save_post`.

    `explicit` (Save, Publish) always keeps a revision; autosaves keep one every few minutes.
    `force` saves over a newer version after keeping that version as a revision.
    """
    user = request.user
    data = form.cleaned_data
    is_new = post.pk is None
    for name in PostForm.Meta.fields:
        if name in data and not form.fields[name].disabled:
            setattr(post, name, data[name] if data[name] is not None else "")
    dated = post.was_published or post.status == Post.Status.SCHEDULED
    if dated and data.get("published_at") and can_publish(user, post):
        post.published_at = data["published_at"]
    if is_new:
        post.created_by = user
    result = SaveResult(post)
    upload = data.get("feature_image")
    if upload:
        try:
            check_image(read_upload(upload), upload.name)
        except ImageRefused as refusal:
            result.image_error = str(refusal)
        else:
            post.feature_image = upload
    base_version = None if is_new else data.get("base_version")
    try:
        with transaction.atomic():
            if force and base_version is not None:
                current = Post.objects.get(pk=post.pk)
                if current.version != base_version:
                    services.keep_revision(
                        current, None, f"Replaced by {_name(user)} after an edit conflict"
                    )
                    base_version = current.version
            services.save_post(
                post,
                user,
                base_version=base_version,
                revision="always" if explicit else "throttled",
            )
            _save_relations(request, post, form)
    except services.EditConflict as conflict:
        post.version = base_version or post.version
        result.conflict = conflict.current
        return result
    result.saved = True
    return result


def _save_relations(request: StaffRequest, post: Post, form: PostForm) -> None:
    data = form.cleaned_data
    tags = list(data["tags"])
    for name in getattr(form, "new_tag_names", []):
        tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": _unique_tag_slug(name)})
        tags.append(tag)
    if set(post.tags.all()) != set(tags):
        post.tags.set(tags)
    services.set_authors(post, list(data["authors"]))
    for panel in panels_for(request.user):
        if panel.save is not None:
            panel.save(request, post)


def _unique_tag_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70] or "topic"
    slug, number = base, 2
    while Tag.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def keep_mine_as_revision(request: StaffRequest, post: Post) -> None:
    """The writer chose the other version: keep theirs, and theirs only, as a revision."""
    services.keep_revision(
        post, request.user, "Not kept after an edit conflict (the other version was)"
    )


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def conflict_diff(theirs: Post, mine: Post) -> list[tuple[str, str]]:
    """Per field that differs, a side-by-side table: their saved version, then this one."""
    differ = difflib.HtmlDiff(wrapcolumn=60)
    tables = []
    for name in DIFFED_FIELDS:
        before, after = str(getattr(theirs, name)), str(getattr(mine, name))
        if before != after:
            table = differ.make_table(
                before.splitlines(), after.splitlines(), "Saved version", "Your version",
                context=True, numlines=2,
            )  # fmt: skip
            tables.append((name.capitalize(), table))
    return tables


def local_time(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""
