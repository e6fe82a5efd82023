"""Settings staff change in the admin alter what readers see, and so do a member's bans and
reply-email choices, which their discussion pages keep per content version (models.py,
`DiscussionSettings.for_post`); a member who leaves takes their words with them (replies by
others stay, under "comment deleted")."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete

from atlas.discussions.models import (
    Comment,
    CommentingBan,
    DiscussionSettings,
    PostDiscussion,
    ReplyEmailOptOut,
)
from atlas.lib import pagecache
from atlas.members.models import Member


def _rules_changed(sender: Any, **kwargs: Any) -> None:
    pagecache.changed()


def _member_leaving(sender: Any, instance: Member, **kwargs: Any) -> None:
    erased = Comment.objects.filter(member=instance).update(
        status=Comment.Status.DELETED,
        status_reason="Its author deleted their account",
        body="",
        body_html="",
        is_pinned=False,
    )
    if erased:
        pagecache.changed()


def _comment_saved(sender: Any, created: bool = False, **kwargs: Any) -> None:
    if created:  # however it was made (services.py moves the version for its own, too)
        pagecache.changed()


for model in (DiscussionSettings, PostDiscussion, CommentingBan, ReplyEmailOptOut):
    post_save.connect(_rules_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
    post_delete.connect(
        _rules_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
    )
post_save.connect(_comment_saved, sender=Comment, dispatch_uid="pagecache-comment-created")
pre_delete.connect(_member_leaving, sender=Member, dispatch_uid="discussions-member-leaving")
