"""The discussion under an article: `{% discussion_for post as discussion %}` in the slot."""

from __future__ import annotations

from typing import Any

from django import template

from atlas.discussions.page import Discussion, discussion_for

register = template.Library()


@register.simple_tag(name="discussion_for", takes_context=True)
def discussion_tag(context: dict[str, Any], post: Any) -> Discussion | None:
    """Nothing in previews (the post is not live); only the count when the post is gated."""
    request = context.get("request")
    if request is None or context.get("preview") or not post.is_live:
        return None
    return discussion_for(request, post, gated=bool(context.get("gated")))
