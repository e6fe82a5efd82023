"""The thread's HTML, written in Python rather than by a template per comment.

The same markup through a `{% for %}` of template code cost about 80 µs a comment (160 ms for
2,000, more than the whole page's budget); string building costs about 7 µs (bench/comments
measures the page). Every value is escaped here, except `body_html`, which
was sanitized when it was saved (`render_markdown(text, "inline")`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from atlas.discussions.models import Comment
from atlas.discussions.thread import Thread, ThreadComment

REMOVED_LABELS: dict[str, str] = {
    Comment.Status.DELETED: "Comment deleted",
    Comment.Status.HIDDEN: "Comment removed by a moderator",
    Comment.Status.HELD: "Comment awaiting review",
}


@dataclass(frozen=True)
class Viewer:
    """Who the thread is drawn for: anonymous readers all get the same bytes."""

    member_id: int | None = None
    can_act: bool = False  # like and report
    can_reply: bool = False
    now: datetime | None = None


def render_thread(thread: Thread, viewer: Viewer) -> SafeString:
    return mark_safe(ThreadRenderer(thread, viewer).render())


class ThreadRenderer:
    """One thread for one viewer; what is the same for every comment is looked up once."""

    def __init__(self, thread: Thread, viewer: Viewer) -> None:
        self.thread = thread
        self.viewer = viewer
        self.zone = timezone.get_current_timezone()
        self.language = get_language()
        self.url_prefix = _comment_url_prefix()
        self.parts: list[str] = []

    def render(self) -> str:
        for root in self.thread.roots:
            self.add(root)
        return "".join(self.parts)

    def add(self, comment: ThreadComment) -> None:
        own = comment.member_id is not None and comment.member_id == self.viewer.member_id
        if comment.is_published or (own and comment.status == Comment.Status.HELD):
            self.parts.append(self.comment_html(comment, own))
        else:
            label = REMOVED_LABELS.get(comment.status, "Comment removed")
            self.parts.append(
                f'<li id="comment-{comment.pk}" class="comment is-removed">'
                f'<p class="comment-removed">{label}</p>'
            )
        children = self.thread.children.get(comment.pk)
        if children:
            self.parts.append('<ol class="comment-replies">')
            for child in children:
                self.add(child)
            self.parts.append("</ol>")
        self.parts.append("</li>")

    def comment_html(self, comment: ThreadComment, own: bool) -> str:
        pk, name, badge = comment.pk, escape(comment.author_name), comment.badge
        classes = "comment"
        if comment.is_pinned:
            classes += " is-pinned"
        if badge:
            classes += " is-staff"
        if own:
            classes += " is-own"
        header = (
            f'<header class="comment-meta"><span class="comment-author">{name}</span>'
            + (f' <span class="comment-badge">{badge}</span>' if badge else "")
            + f' <a class="comment-permalink" href="#comment-{pk}">'
            + f"{self.time(comment.created_at)}</a>"
            + (' <span class="comment-edited">edited</span>' if comment.edited_at else "")
            + (' <span class="comment-pin">Pinned</span>' if comment.is_pinned else "")
            + "</header>"
        )
        return (
            f'<li id="comment-{pk}" class="{classes}"><article aria-label="Comment by {name}">'
            + header
            + self.replying_to(comment)
            + (_HELD_NOTE if comment.status == Comment.Status.HELD else "")
            + f'<div class="comment-body">{comment.body_html}</div>'
            + self.actions(comment, own)
            + "</article>"
        )

    def replying_to(self, comment: ThreadComment) -> str:
        """Replies past the deepest level sit beside the comment they answer: say which one."""
        if comment.reply_to_id is None or comment.reply_to_id == comment.parent_id:
            return ""
        answered = self.thread.by_id.get(comment.reply_to_id)
        name = escape(answered.author_name) if answered else "a comment"
        return (
            f'<p class="comment-context">replying to '
            f'<a href="#comment-{comment.reply_to_id}">{name}</a></p>'
        )

    def actions(self, comment: ThreadComment, own: bool) -> str:
        likes = comment.likes
        like_text = _likes("1 like" if likes == 1 else f"{likes} likes") if likes else ""
        if not self.viewer.can_act:
            return f'<footer class="comment-actions">{like_text}</footer>' if likes else ""
        url = f"{self.url_prefix}{comment.pk}/"
        parts = ['<footer class="comment-actions">']
        published = comment.is_published
        if published and not own:
            pressed = "true" if comment.liked else "false"
            parts.append(
                f'<button type="submit" form="discussion-actions" formaction="{url}like/" '
                f'class="comment-action comment-like" aria-pressed="{pressed}">Like</button>'
            )
        parts.append(like_text)
        if published and self.viewer.can_reply:
            parts.append(
                f'<a class="comment-action comment-reply" href="{url}reply/" data-reply-to='
                f'"{comment.pk}" data-reply-name="{escape(comment.author_name)}">Reply</a>'
            )
        if published and not own:
            parts.append(f'<a class="comment-action" href="{url}report/" rel="nofollow">Report</a>')
        now = self.viewer.now
        if own and now is not None and now < comment.editable_until():
            parts.append(f'<a class="comment-action" href="{url}edit/">Edit</a>')
        if own:
            parts.append(f'<a class="comment-action" href="{url}delete/">Delete</a>')
        parts.append("</footer>")
        return "".join(parts)

    def time(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return (
            f'<time datetime="{moment.isoformat(timespec="seconds")}">'
            f"{_day(local.date(), self.language)}, {local:%H:%M}</time>"
        )


_HELD_NOTE = (
    '<p class="comment-held" role="status">Awaiting review: '
    "only you can see this comment until a moderator approves it.</p>"
)


def _likes(text: str) -> str:
    return f'<span class="comment-likes">{text}</span>'


@lru_cache(maxsize=1)
def _comment_url_prefix() -> str:
    """ "/comments/" as the URLconf says, reversed once: 2,000 `reverse()` calls are not free."""
    return reverse("discussions:like", args=[1]).removesuffix("1/like/")


@lru_cache(maxsize=4096)
def _day(day: date, language: str) -> str:
    """ "3 May 2025" in the site's language; formatting a date costs ~50 µs, so once a day."""
    return formats.date_format(day, "j F Y")
