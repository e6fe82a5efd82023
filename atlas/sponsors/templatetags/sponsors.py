"""`{% sponsor_block "inline" %}`: the block of an article's slot (nothing when there is none)."""

from __future__ import annotations

from typing import Any

from django import template

from atlas.publishing.context_processors import current_publication
from atlas.sponsors.placement import blocks_for_article

register = template.Library()


@register.inclusion_tag("sponsors/block.html", takes_context=True)
def sponsor_block(context: template.Context, slot: str = "inline") -> dict[str, Any]:
    request, post = context.get("request"), context.get("post")
    if request is None or post is None or context.get("gated"):
        return {"block": None}
    blocks = blocks_for_article(
        request,
        post,
        context.get("publication") or current_publication(request),
        tags=context.get("tags"),
        preview=bool(context.get("preview")),
    )
    return {"block": blocks.get(slot)}
