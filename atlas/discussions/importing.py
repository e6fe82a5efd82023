"""Comments that come with imported posts (WordPress): stored as published comments, threaded.

Registered at `publishing.comment_importer` (discussions' `apps.py`); the importing app calls it
through `publishing.hooks.import_comments`. A comment whose address belongs to a member is
theirs; any other keeps its author's name (`Comment.imported_author`). No email goes out.
"""

from __future__ import annotations

from django.db import transaction

from atlas.discussions.models import MAX_DEPTH, MAX_LENGTH, Comment
from atlas.lib import pagecache
from atlas.members.models import Member
from atlas.publishing.hooks import ImportedComment

NAME_LENGTH = Comment._meta.get_field("imported_author").max_length or 120


def import_comments(
    post_id: int, comments: list[ImportedComment], known: dict[str, int]
) -> dict[str, int]:
    """Store the comments not stored yet (oldest first, so parents come before replies)."""
    emails = {comment.author_email.strip().lower() for comment in comments if comment.author_email}
    members = dict(Member.objects.filter(email_lower__in=emails).values_list("email_lower", "pk"))
    source_ids = {comment_id: source_id for source_id, comment_id in known.items()}
    placed: dict[str, Comment] = {
        source_ids[comment.pk]: comment for comment in Comment.objects.filter(pk__in=source_ids)
    }
    stored: dict[str, int] = {}
    with transaction.atomic():
        for imported in sorted(comments, key=lambda comment: comment.created_at):
            if imported.source_id in known or imported.source_id in stored:
                continue
            comment = Comment(
                post_id=post_id,
                member_id=members.get(imported.author_email.strip().lower()),
                imported_author=imported.author_name.strip()[:NAME_LENGTH],
                created_at=imported.created_at,
                status=Comment.Status.PUBLISHED,
            )
            comment.set_body(imported.body[:MAX_LENGTH])
            answered = placed.get(imported.parent_source_id)
            if answered is not None:
                nest(comment, answered)
            comment.save()
            placed[imported.source_id] = comment
            stored[imported.source_id] = comment.pk
        if stored:
            pagecache.changed()
    return stored


def nest(comment: Comment, answered: Comment) -> None:
    """As a reply posted on the site: nested, or beside the comment past the deepest level."""
    if answered.depth + 1 < MAX_DEPTH:
        comment.parent, comment.depth = answered, answered.depth + 1
    else:
        comment.parent_id, comment.depth = answered.parent_id, answered.depth
    comment.reply_to = answered
