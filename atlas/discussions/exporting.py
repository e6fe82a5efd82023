"""A member's comments, likes and reports in their data download (members' `data_sections`)."""

from __future__ import annotations

from typing import Any

from atlas.discussions.models import Comment, CommentLike, Report
from atlas.members.models import Member


def _moment(value: Any) -> str | None:
    return value.isoformat() if value else None


def comments_of(member: Member) -> list[dict[str, Any]]:
    comments = Comment.objects.filter(member=member).select_related("post").order_by("created_at")
    return [
        {
            "post": comment.post.title,
            "url": comment.post.get_absolute_url() + f"#comment-{comment.pk}",
            "text": comment.body,
            "status": comment.status,
            "in_reply_to": comment.reply_to_id or comment.parent_id,
            "written_at": _moment(comment.created_at),
            "edited_at": _moment(comment.edited_at),
        }
        for comment in comments
    ]


def likes_of(member: Member) -> list[dict[str, Any]]:
    likes = CommentLike.objects.filter(member=member).select_related("comment__post")
    return [
        {
            "post": like.comment.post.title,
            "comment": like.comment.post.get_absolute_url() + f"#comment-{like.comment_id}",
            "liked_at": _moment(like.created_at),
        }
        for like in likes.order_by("created_at")
    ]


def reports_of(member: Member) -> list[dict[str, Any]]:
    reports = Report.objects.filter(reporter=member).select_related("comment__post")
    return [
        {
            "comment": report.comment.post.get_absolute_url() + f"#comment-{report.comment_id}",
            "reason": report.reason,
            "note": report.note,
            "reported_at": _moment(report.created_at),
        }
        for report in reports.order_by("created_at")
    ]
