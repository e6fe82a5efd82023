"""The newsroom's roles, as Django groups: contributor, author, editor, administrator, owner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from atlas.publishing.hooks import role_permissions

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "Contributor": [
        "publishing.view_post", "publishing.add_post", "publishing.change_post",
        "publishing.view_tag", "publishing.view_author", "publishing.view_revision",
        "publishing.view_correction",
    ],
    "Author": [
        "publishing.view_post", "publishing.add_post", "publishing.change_post",
        "publishing.publish_post", "publishing.view_tag", "publishing.add_tag",
        "publishing.view_author", "publishing.view_revision", "publishing.view_correction",
    ],
    "Editor": [
        "publishing.view_post", "publishing.add_post", "publishing.change_post",
        "publishing.delete_post", "publishing.publish_post", "publishing.edit_others_posts",
        "publishing.view_tag", "publishing.add_tag", "publishing.change_tag",
        "publishing.delete_tag", "publishing.view_author", "publishing.add_author",
        "publishing.change_author", "publishing.view_revision", "publishing.view_correction",
        "publishing.add_correction", "publishing.change_correction",
        "publishing.delete_correction", "publishing.view_publication",
    ],
}  # fmt: skip
BYLINE_PERMISSIONS = [
    "publishing.view_postauthor", "publishing.add_postauthor",
    "publishing.change_postauthor", "publishing.delete_postauthor",
]  # fmt: skip
OWNER = "Owner"
ADMINISTRATOR_APPS = (
    "publishing", "auth", "discussions", "members", "billing", "delivery", "sponsors",
    "analytics",
)  # fmt: skip


def ensure_roles(**kwargs: Any) -> None:
    """Create or refresh the role groups (after every app's migrate, so that the permissions
    other apps grant exist; idempotent)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        granted = [name for names in role_permissions.items(name) for name in names]
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codenames + BYLINE_PERMISSIONS + granted))
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    )
    # The Owner (one per publication: the newsroom's staff service keeps it so) may do anything.
    owner, _ = Group.objects.get_or_create(name=OWNER)
    owner.permissions.set(Permission.objects.all())


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    return [
        permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]


@transaction.atomic
def make_owner(username: str, email: str, password: str, name: str = "") -> Any:
    """The publication's Owner (`atlas setup`, the demo): made, or an existing account made the
    Owner; whoever held the role before becomes an Administrator (there is one Owner)."""
    if not Group.objects.filter(name=OWNER).exists():
        ensure_roles()
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        first_name, _, last_name = name.strip().partition(" ")
        user = users.create_user(
            username, email, password or None, first_name=first_name, last_name=last_name
        )
    else:
        user.email = email or user.email
        if password:
            user.set_password(password)
    user.is_staff = user.is_active = True
    user.save()
    administrator = Group.objects.get(name="Administrator")
    for previous in users.filter(groups__name=OWNER).exclude(pk=user.pk):
        previous.groups.remove(Group.objects.get(name=OWNER))
        previous.groups.add(administrator)
    user.groups.add(Group.objects.get(name=OWNER))
    return user
