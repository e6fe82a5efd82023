"""Markdown to safe HTML: cmark-gfm renders, nh3 keeps only what the allow-lists name."""

from __future__ import annotations

import math
import re
from functools import cache

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

WORDS_PER_MINUTE = 230

URL_SCHEMES = {"http", "https", "mailto"}

ARTICLE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "dd", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
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
ALIGNMENTS = {"align-left", "align-center", "align-right"}
ARTICLE_CLASSES = {
    "a": {"footnote-backref"},
    "section": {"footnotes"},
    "sup": {"footnote-ref"},
    "td": ALIGNMENTS,
    "th": ALIGNMENTS,
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


# cmark-gfm, GitHub's C implementation of CommonMark with tables, strikethrough and footnotes.
# Chosen over the pure-Python markdown-it-py because dense 1 MB bodies (tables, lists,
# footnotes) take it 1.5-3.5 s, against 0.1-0.2 s here (bench/markdown).
ARTICLE_OPTIONS = Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_SMART | Options.CMARK_OPT_UNSAFE
INLINE_OPTIONS = Options.CMARK_OPT_SMART  # raw HTML is dropped by the parser itself


def _render(text: str, profile: str) -> str:
    if profile == "article":
        return cmarkgfm.markdown_to_html_with_extensions(
            text, ARTICLE_OPTIONS, extensions=["table", "strikethrough", "autolink", "tagfilter"]
        )
    return cmarkgfm.markdown_to_html_with_extensions(
        text, INLINE_OPTIONS, extensions=["strikethrough", "autolink"]
    )


# Column alignment as a class (kept by the sanitizer, styled by our CSS, inlined in email):
# no style attributes, which a Content-Security-Policy would block.
_ALIGNED_CELL = re.compile(r'<(td|th) align="(left|center|right)"')
# An image alone in its paragraph with a title is a figure; the title is its caption.
_FIGURE = re.compile(r'<p><img src="([^"]*)" alt="([^"]*)" title="([^"]*)" ?/?></p>')


def _structure(html: str) -> str:
    html = _ALIGNED_CELL.sub(r'<\1 class="align-\2"', html)
    return _FIGURE.sub(r'<figure><img src="\1" alt="\2"><figcaption>\3</figcaption></figure>', html)


_HEADING = re.compile(r"<(h[234])>(.*?)</\1>", re.DOTALL)
_SLUG_DROP = re.compile(r"[^\w\- ]")


def _add_heading_ids(html: str) -> str:
    """Give h2-h4 a unique id, for links into an article."""
    used: dict[str, int] = {}

    def with_id(match: re.Match[str]) -> str:
        text = re.sub(r"<[^>]+>|&[a-z#0-9]+;", "", match.group(2))
        slug = _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-") or "section"
        count = used.get(slug, 0)
        used[slug] = count + 1
        unique = slug if count == 0 else f"{slug}-{count}"
        return f'<{match.group(1)} id="{unique}">{match.group(2)}</{match.group(1)}>'

    return _HEADING.sub(with_id, html)


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
    if profile != "article":
        return sanitize_html(_render(text, profile), profile)
    return _add_heading_ids(sanitize_html(_structure(_render(text, profile)), profile))


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
