"""Template helpers for the reader's pages."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.files.storage import default_storage
from django.template import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from atlas.publishing.models import Post
from atlas.publishing.structured_data import feature_image_url

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(value: Any) -> SafeString:
    """Embed structured data; `<`, `>` and `&` are escaped so no text can close the script."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def feature_image(post: Post, sizes: str = "100vw", css_class: str = "") -> str:
    """A responsive <img> for the post's feature image, or nothing when it has none."""
    widths = post.feature_image_renditions.get("widths") or {}
    if not widths and not post.feature_image:
        return ""
    src = feature_image_url(post, "960") or ""
    srcset = ", ".join(f"{default_storage.url(name)} {width}w" for width, name in widths.items())
    width = post.feature_image_renditions.get("width")
    height = post.feature_image_renditions.get("height")
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" class="{}"{}>',
        src,
        srcset,
        sizes,
        post.feature_image_alt,
        css_class,
        format_html(' width="{}" height="{}"', width, height) if width and height else "",
    )


@register.simple_tag(takes_context=True)
def image_url(context: Context, post: Post, width: str = "1600") -> str:
    """The full address of the post's feature image (for og:image), or ""."""
    url = feature_image_url(post, width)
    return context["publication"].absolute(url) if url else ""
