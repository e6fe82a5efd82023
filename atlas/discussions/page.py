"""What the discussion slot under an article shows, for one request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString

from atlas.discussions import notifications
from atlas.discussions.models import MAX_LENGTH, Comment, DiscussionSettings
from atlas.discussions.participation import Participation, participation_for
from atlas.discussions.rendering import Viewer, render_thread
from atlas.discussions.thread import (
    Sort,
    Thread,
    ThreadComment,
    build_thread,
    comment_count,
    load_thread,
)
from atlas.lib.markdown import plain_text
from atlas.lib.urls import url_for, url_with_slug
from atlas.members.policy import current_member
from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import Post

COMMENTS_IN_STRUCTURED_DATA = 100  # enough for search engines; the page itself shows all


@dataclass(frozen=True)
class SortLink:
    label: str
    url: str
    current: bool


@dataclass
class Discussion:
    post: Post
    count: int
    gated: bool = False
    participation: Participation | None = None
    thread_html: SafeString | str = ""
    sort: str = Sort.OLDEST
    sort_links: list[SortLink] = field(default_factory=list)
    structured_data: dict[str, Any] | None = None
    sign_in_url: str = ""
    subscribe_url: str = ""
    form_action: str = ""
    notifications_url: str = ""
    max_length: int = MAX_LENGTH
    reply_emails_on: bool = True

    @property
    def count_label(self) -> str:
        if not self.count:
            return "Comments"  # "No comments yet." follows: not "0 comments" too
        return "1 comment" if self.count == 1 else f"{self.count:,} comments"


def discussion_for(request: HttpRequest, post: Post, gated: bool) -> Discussion:
    if gated:
        return Discussion(post=post, count=comment_count(post), gated=True)
    # A signed-in member's bans and reply emails are read with the rules, in one query.
    rules = DiscussionSettings.for_post(post, current_member(request))
    participation = participation_for(request, post, rules)
    sort = Sort.parse(request.GET.get("sort"))
    if getattr(rules, "has_comments", True):
        thread = load_thread(post, sort, participation.member)
    else:
        thread = build_thread([], sort, participation.member.pk if participation.member else None)
    viewer = Viewer(
        member_id=participation.member.pk if participation.member else None,
        can_act=participation.can_act,
        can_reply=participation.can_comment,
        invite_to_reply=not participation.signed_in and not participation.is_closed,
        now=timezone.now(),
    )
    path = request.path
    discussion = Discussion(
        post=post,
        count=thread.count,
        participation=participation,
        thread_html=render_thread(thread, viewer),
        sort=sort,
        # Shown only with two comments or more, and with one or more (discussion.html).
        sort_links=sort_links(path, sort) if thread.count > 1 else [],
        structured_data=structured_data(request, post, thread) if thread.count else None,
        sign_in_url=f"{url_for('members:sign_in')}?next={quote(path + '#discussion', safe='/')}",
        subscribe_url=f"{url_for('members:subscribe')}?from={quote(path, safe='/')}",
        form_action=url_with_slug("discussions:create", post.slug),
        notifications_url=url_for("discussions:notifications"),
    )
    if participation.member is not None:
        rules_for_member = rules.rules_for(participation.member)
        discussion.reply_emails_on = (
            rules_for_member.reply_emails_on
            if rules_for_member is not None
            else notifications.wants_reply_emails(participation.member, post.pk)
        )
    return discussion


def sort_links(path: str, current: str) -> list[SortLink]:
    return [
        SortLink(label, path if key == Sort.OLDEST else f"{path}?sort={key}", key == current)
        for key, label in Sort.CHOICES.items()
    ]


def structured_data(request: HttpRequest, post: Post, thread: Thread) -> dict[str, Any]:
    """schema.org Comment items for the visible comments, attached to the article by its URL."""
    url = current_publication(request).absolute(post.get_absolute_url())
    items = []
    for comment in thread.walk():
        if comment.status != Comment.Status.PUBLISHED:
            continue
        items.append(_comment_item(url, comment))
        if len(items) == COMMENTS_IN_STRUCTURED_DATA:
            break
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": post.title[:110],
        "commentCount": thread.count,
        "comment": items,
    }


def _comment_item(url: str, comment: ThreadComment) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@type": "Comment",
        "@id": f"{url}#comment-{comment.pk}",
        "url": f"{url}#comment-{comment.pk}",
        "author": {"@type": "Person", "name": comment.author_name},
        "datePublished": comment.created_at.isoformat(timespec="seconds"),
        "text": plain_text(comment.body_html),
        "upvoteCount": comment.likes,
    }
    if comment.edited_at:
        item["dateModified"] = comment.edited_at.isoformat(timespec="seconds")
    if comment.parent_id:
        item["parentItem"] = {"@id": f"{url}#comment-{comment.reply_to_id or comment.parent_id}"}
    return item
