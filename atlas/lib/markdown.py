"""Markdown to safe HTML: markdown-it-py renders, nh3 keeps only what the allow-lists name."""

from __future__ import annotations

import math
import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin

WORDS_PER_MINUTE = 230

URL_SCHEMES = {"http", "https", "mailto"}

ARTICLE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "q": {"cite"},
    "blockquote": {"cite"},
}  # fmt: skip
ARTICLE_CLASSES = {
    "a": {"footnote-backref", "header-anchor"},
    "hr": {"footnotes-sep"},
    "li": {"footnote-item"},
    "ol": {"footnotes-list"},
    "section": {"footnotes"},
    "sup": {"footnote-ref"},
}

INLINE_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "ul",
}


@cache
def _parser(profile: str) -> MarkdownIt:
    if profile == "article":
        parser = MarkdownIt("commonmark", {"typographer": True, "html": True, "linkify": False})
        parser.enable(["table", "strikethrough", "replacements", "smartquotes"])
        parser.use(footnote_plugin)
        parser.core.ruler.push("heading_ids", _heading_ids)
    else:
        parser = MarkdownIt("commonmark", {"typographer": True, "html": False})
        parser.enable(["strikethrough", "replacements", "smartquotes"])
        parser.disable(["image", "heading", "lheading", "table"], ignoreInvalid=True)
    return parser


_SLUG_DROP = re.compile(r"[^\w\- ]")


def _heading_ids(state: StateCore) -> None:
    """Give h2-h4 a unique id, for links into an article (linear time, unlike a retry loop)."""
    used: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3", "h4"):
            continue
        text = "".join(child.content for child in tokens[index + 1].children or [])
        slug = _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-") or "section"
        count = used.get(slug, 0)
        used[slug] = count + 1
        token.attrSet("id", slug if count == 0 else f"{slug}-{count}")


@cache
def _cleaner(profile: str) -> nh3.Cleaner:
    if profile == "article":
        return nh3.Cleaner(
            tags=ARTICLE_TAGS,
            clean_content_tags={"script", "style"},
            attributes=ARTICLE_ATTRIBUTES,
            allowed_classes=ARTICLE_CLASSES,
            filter_style_properties={"text-align"},
            url_schemes=URL_SCHEMES,
            link_rel="noopener",
            set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
        )
    return nh3.Cleaner(
        tags=INLINE_TAGS,
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
    )


def render_markdown(text: str, profile: str = "article") -> str:
    """Render `text` and sanitize the result. Profiles: "article" (staff) and "inline" (strict)."""
    return sanitize_html(_parser(profile).render(text), profile)


def sanitize_html(html: str, profile: str = "article") -> str:
    return _cleaner(profile).clean(html)


_WORD = re.compile(r"\w+")


def reading_time_minutes(text: str) -> tuple[int, int]:
    """Return (word count, minutes to read), at least one minute."""
    words = len(_WORD.findall(text))
    return words, max(1, math.ceil(words / WORDS_PER_MINUTE))


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for descriptions and feeds."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
