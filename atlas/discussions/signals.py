"""Settings staff change in the admin alter what readers see; a member who leaves takes their
words with them (replies by others stay, under "comment deleted")."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete

from atlas.discussions.models import Comment, DiscussionSettings, PostDiscussion
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


for model in (DiscussionSettings, PostDiscussion):
    post_save.connect(_rules_changed, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
    post_delete.connect(
        _rules_changed, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
    )
pre_delete.connect(_member_leaving, sender=Member, dispatch_uid="discussions-member-leaving")
