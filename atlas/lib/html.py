"""Small operations on trusted (already sanitized) HTML fragments."""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)(p|blockquote|ul|ol|section|table|figure|pre|div)\b[^>]*>", re.IGNORECASE)
_CONTAINERS = {"blockquote", "ul", "ol", "section", "table", "figure", "pre", "div"}


def split_after_paragraph(html: str, count: int) -> tuple[str, str]:
    """Split `html` after its `count`-th top-level paragraph.

    Paragraphs inside quotations, lists or tables are not counted, so a block placed at the
    split never lands inside one. With fewer paragraphs, everything comes first.
    """
    if count <= 0:
        return "", html
    depth = 0
    seen = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name in _CONTAINERS:
            depth += -1 if closing else 1
        elif closing and depth == 0:
            seen += 1
            if seen == count:
                return html[: match.end()], html[match.end() :]
    return html, ""
