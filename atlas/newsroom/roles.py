"""The newsroom's roles and the permission each of its pages asks for.

Roles are Django groups (`publishing.roles.ensure_roles` creates them after every migrate):
Owner (everything; one per publication), Administrator (everything but the ownership),
Editor (every post, send, comment, member, sponsor and number), Author (their own posts) and
Contributor (drafts for review). The newsroom grants the Editor what its pages need through the
`publishing.role_permissions` point; every view names one of the permissions below and
`access.staff_view` checks it on the server.
"""

from __future__ import annotations

from typing import Any

from atlas.publishing.roles import OWNER

ROLES = (OWNER, "Administrator", "Editor", "Author", "Contributor")
ROLE_HELP = {
    OWNER: "Everything, including the staff and the publication's settings. One per publication.",
    "Administrator": "Everything but the ownership: settings, staff, delivery.",
    "Editor": "Every post, send, comment, member, sponsor and number.",
    "Author": "Writes and publishes their own posts.",
    "Contributor": "Writes drafts and submits them for review.",
}
# Roles staff may be invited with (the ownership is handed over, not given by invitation).
INVITABLE_ROLES = ROLES[1:]


class Permission:
    """The permission ("app.codename") each newsroom page or action asks for."""

    POSTS = "publishing.view_post"
    SENDS = "delivery.view_send"
    SEND_NEW = "delivery.add_send"
    SEND_CONTROL = "delivery.change_send"
    COMMENTS = "discussions.view_comment"
    MODERATE = "discussions.change_comment"
    BAN = "discussions.add_commentingban"
    MEMBERS = "members.view_member"
    MEMBER_CHANGE = "members.change_member"
    MEMBER_IMPORT = "members.add_member"
    SPONSORS = "sponsors.view_campaign"
    CAMPAIGN_ADD = "sponsors.add_campaign"
    CAMPAIGN_CHANGE = "sponsors.change_campaign"
    NUMBERS = "analytics.view_dailysitestats"
    SETTINGS = "publishing.view_publication"
    PUBLICATION = "publishing.change_publication"
    NEWSLETTERS = "members.change_newsletter"
    DELIVERY = "delivery.change_deliverysettings"
    DISCUSSIONS = "discussions.change_discussionsettings"
    SPONSORSHIP = "sponsors.change_sponsorsettings"
    ANALYTICS = "delivery.change_deliverysettings"  # open and click tracking live in delivery
    STAFF = "auth.change_user"


# What an Editor needs for the newsroom's pages, beyond what the apps grant it themselves.
EDITOR_PERMISSIONS = [
    "delivery.view_send", "delivery.add_send", "delivery.change_send",
    "members.view_member", "members.add_member", "members.change_member",
    "members.view_label", "members.add_label", "members.change_label",
    "members.view_newsletter", "members.view_memberimport", "members.add_memberimport",
    "sponsors.add_sponsor", "sponsors.change_sponsor", "sponsors.add_campaign",
    "sponsors.change_campaign", "sponsors.view_sendsponsorship",
    "analytics.view_dailysitestats",
]  # fmt: skip


def role_of(user: Any) -> str:
    """The user's highest role ("" for none); a superuser without a role counts as Administrator."""
    names = {group.name for group in user.groups.all()}
    for role in ROLES:
        if role in names:
            return role
    return "Administrator" if user.is_superuser else ""
