"""The discussion slot under an article, its template rendered once per distinct view.

A signed-in reader's discussion is drawn for them on every request, but what its template shows
depends on a handful of values (`DiscussionView`): the count, the sort, what this reader may do
and why not; every member who may comment in a thread sees the same form. The template is
rendered with those values alone, so the HTML kept for a view (in `atlas.lib.fragments`, per
content version, keyed by the view itself) is exactly what any request with an equal view would
render. What differs from one reader or request to the next is put in place afterwards: the
CSRF token (a new mask each time), the name they comment under (escaped), the thread (with the
reader's own buttons, `rendering.render_thread`) and its structured data.

A view with messages to show (after a post) is rendered and not kept: messages are shown once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from atlas.discussions.page import Discussion, SortLink, discussion_for
from atlas.lib import fragments
from atlas.lib.frames import CSRF_MARK, with_csrf_token
from atlas.publishing.context_processors import site_urls
from atlas.publishing.templatetags.publishing import jsonld

TEMPLATE = "discussions/discussion.html"
# Stand-ins for what is put in place on each request, random for each process so that no text
# from outside (a name, a path) holds one but by chance. The CSRF token's (atlas.lib.frames) is
# replaced first, before any reader's text is in; the others begin with `<`, which escaped text
# never holds.
_PER_PROCESS = secrets.token_hex(16)
NAME_MARK = f"<!--commenter-name {_PER_PROCESS}-->"
THREAD_MARK = f"<!--thread {_PER_PROCESS}-->"
STRUCTURED_DATA_MARK = f"<!--structured-data {_PER_PROCESS}-->"


@dataclass(frozen=True)
class DiscussionView:
    """Every value `discussions/discussion.html` shows: equal views, equal HTML."""

    post_pk: int
    count: int
    count_label: str
    gated: bool
    signed_in: bool = False
    can_comment: bool = False
    has_member: bool = False
    is_closed: bool = False
    refusal: str = ""
    has_thread: bool = False
    sort: str = ""
    sort_links: tuple[SortLink, ...] = ()
    sign_in_url: str = ""
    subscribe_url: str = ""
    form_action: str = ""
    notifications_url: str = ""
    account_url: str = ""
    max_length: int = 0
    reply_emails_on: bool = True
    messages: tuple[tuple[str, str], ...] = ()


def discussion_slot(context: Context) -> str:
    """The `discussion` slot: nothing in previews (the post is not live); only the count when
    the post is gated."""
    request, post = context.get("request"), context.get("post")
    if request is None or post is None or context.get("preview") or not post.is_live:
        return ""
    discussion = discussion_for(request, post, gated=bool(context.get("gated")))
    view = view_of(request, discussion)
    if view.messages:
        html = _render(view)
    else:
        html = fragments.value(("discussion-view", view), lambda: _render(view), size=len)
    return fill_in(html, request, discussion)


def view_of(request: HttpRequest, discussion: Discussion) -> DiscussionView:
    participation = discussion.participation
    if discussion.gated or participation is None:
        return DiscussionView(
            discussion.post.pk, discussion.count, discussion.count_label, gated=True
        )
    signed_in, member = participation.signed_in, participation.member
    return DiscussionView(
        post_pk=discussion.post.pk,
        count=discussion.count,
        count_label=discussion.count_label,
        gated=False,
        signed_in=signed_in,
        can_comment=participation.can_comment,
        has_member=member is not None,
        is_closed=participation.is_closed,
        refusal=participation.refusal,
        has_thread=bool(discussion.thread_html),
        sort=discussion.sort,
        sort_links=tuple(discussion.sort_links),
        sign_in_url=discussion.sign_in_url,
        subscribe_url=discussion.subscribe_url,
        form_action=discussion.form_action,
        notifications_url=discussion.notifications_url,
        account_url=site_urls()["account"] if signed_in else "",
        max_length=discussion.max_length,
        reply_emails_on=discussion.reply_emails_on,
        messages=_messages(request) if signed_in else (),
    )


def fill_in(html: str, request: HttpRequest, discussion: Discussion) -> SafeString:
    """The kept HTML with this request's CSRF token, name, thread and structured data in place
    (in this order: what a reader wrote is never searched for the token's stand-in, and holds
    no `<` that could start another's)."""
    html = with_csrf_token(html, request)  # only signed-in readers have a form, and a token
    if NAME_MARK in html:
        html = html.replace(NAME_MARK, conditional_escape(_commenter_name(request, discussion)))
    html = html.replace(THREAD_MARK, discussion.thread_html, 1)
    if discussion.structured_data is not None:
        html = html.replace(STRUCTURED_DATA_MARK, jsonld(discussion.structured_data), 1)
    return mark_safe(html)


def _render(view: DiscussionView) -> str:
    """The template with the view alone: nothing else of the request can reach the HTML."""
    context: dict[str, Any] = {
        "view": view,
        "csrf_token": CSRF_MARK,
        "commenter_name": mark_safe(NAME_MARK),
        "thread_html": mark_safe(THREAD_MARK),
        "structured_data": mark_safe(STRUCTURED_DATA_MARK),
    }
    return get_template(TEMPLATE).render(context)


def _commenter_name(request: HttpRequest, discussion: Discussion) -> str:
    member = discussion.participation.member if discussion.participation else None
    user = request.user
    return (
        (member.display_name if member is not None else "")
        or user.get_full_name()  # type: ignore[union-attr]
        or user.get_username()
    )


def _messages(request: HttpRequest) -> tuple[tuple[str, str], ...]:
    """The messages waiting to be shown, marked shown; none read when there are none (reading
    an empty store would answer with a cookie that deletes its cookie)."""
    storage = get_messages(request)
    if not storage:
        return ()
    return tuple((message.level_tag, str(message)) for message in storage)
