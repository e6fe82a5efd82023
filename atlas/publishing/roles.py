"""The newsroom's roles, as Django groups: contributor, author, editor, administrator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

DISCUSSION_MODERATION = [
    "discussions.view_comment", "discussions.change_comment", "discussions.view_report",
    "discussions.change_report", "discussions.view_commentingban", "discussions.add_commentingban",
    "discussions.change_commentingban", "discussions.view_moderationaction",
    "discussions.view_discussionsettings", "discussions.change_discussionsettings",
    "discussions.view_postdiscussion", "discussions.add_postdiscussion",
    "discussions.change_postdiscussion", "discussions.delete_postdiscussion",
]  # fmt: skip
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
        *DISCUSSION_MODERATION,
        "sponsors.view_sponsor", "sponsors.view_campaign", "sponsors.view_sponsorshipoptout",
        "sponsors.add_sponsorshipoptout", "sponsors.change_sponsorshipoptout",
        "sponsors.delete_sponsorshipoptout",
    ],
}  # fmt: skip
BYLINE_PERMISSIONS = [
    "publishing.view_postauthor", "publishing.add_postauthor",
    "publishing.change_postauthor", "publishing.delete_postauthor",
]  # fmt: skip
ADMINISTRATOR_APPS = (
    "publishing", "auth", "discussions", "members", "delivery", "sponsors", "analytics",
)  # fmt: skip


def ensure_roles(**kwargs: Any) -> None:
    """Create or refresh the role groups (after every migrate; idempotent)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codenames + BYLINE_PERMISSIONS))
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS)
    )


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    return [
        permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
