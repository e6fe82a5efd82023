"""Readable plain text from our sanitized article HTML, for the text part of emails.

Not Markdown source: headings underlined, paragraphs wrapped, links as `text (url)`, footnote
references as `[1]` with the notes at the end, tables as aligned columns (padded with no-break
spaces, see _SPACE_RUN), images by their alt text and caption, quotations marked with `>`.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

WIDTH = 72
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr"}
_BLOCKS = {
    "p", "div", "section", "article", "blockquote", "ul", "ol", "li", "table", "thead", "tbody",
    "tfoot", "tr", "figure", "figcaption", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl",
    "dt", "dd",
}  # fmt: skip
_SPACES = re.compile(r"\s+")
# Emails are sent in DKIM's relaxed canonical form, which squeezes runs of spaces into one:
# alignment (tables, indents) keeps one space and pads with no-break spaces, which it keeps.
_SPACE_RUN = re.compile(r" {2,}")


@dataclass
class Node:
    tag: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set(self.attributes.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_to_text(html: str, width: int = WIDTH) -> str:
    """The text of an article's HTML, laid out for reading in a plain-text email."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    renderer = _Renderer(width)
    blocks = renderer.blocks(builder.root)
    if renderer.notes:
        notes = [_wrap(f"[{number}] {text}", width, "    ") for number, text in renderer.notes]
        blocks.append("Notes\n-----\n" + "\n".join(notes))
    text = "\n\n".join(block for block in blocks if block.strip()).strip() + "\n"
    return _SPACE_RUN.sub(lambda run: " " + "\u00a0" * (len(run.group()) - 1), text)


def _wrap(text: str, width: int, indent: str = "") -> str:
    lines = []
    for line in text.split("\n"):
        if not line.strip():
            lines.append("")
            continue
        lines.append(
            textwrap.fill(
                line,
                width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


class _Renderer:
    def __init__(self, width: int) -> None:
        self.width = width
        self.notes: list[tuple[str, str]] = []

    # Inline content ------------------------------------------------------------------------

    def inline(self, node: Node | str) -> str:
        if isinstance(node, str):
            return _SPACES.sub(" ", node)
        tag = node.tag
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = node.attributes.get("alt", "").strip()
            return f"[Image: {alt}]" if alt else "[Image]"
        if tag == "sup" and "footnote-ref" in node.classes():
            return f"[{self.text_of(node).strip()}]"
        if tag == "a" and "footnote-backref" in node.classes():
            return ""
        content = "".join(self.inline(child) for child in node.children)
        if tag == "a":
            href = node.attributes.get("href", "")
            label = content.strip()
            if not href or href.startswith("#") or href == label or href == f"mailto:{label}":
                return content
            return f"{content} ({href.removeprefix('mailto:')})" if label else href
        if tag == "code" and "\n" not in content:
            return content
        return content

    def text_of(self, node: Node) -> str:
        return "".join(self.inline(child) for child in node.children)

    def cell_text(self, cell: Node) -> str:
        return self.paragraph(cell).replace("\n", " ")

    def paragraph(self, node: Node) -> str:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in self.text_of(node).split("\n"))
        return text.strip()

    # Blocks --------------------------------------------------------------------------------

    def blocks(self, node: Node) -> list[str]:
        """Render `node`'s children as a list of blocks (separated by blank lines)."""
        out: list[str] = []
        run: list[Node | str] = []

        def flush() -> None:
            if run:
                text = self.paragraph(Node("p", children=list(run)))
                if text:
                    out.append(_wrap(text, self.width))
                run.clear()

        for child in node.children:
            if isinstance(child, Node) and child.tag in _BLOCKS:
                flush()
                out.extend(self.block(child))
            else:
                run.append(child)
        flush()
        return out

    def block(self, node: Node) -> list[str]:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            title = self.paragraph(node)
            rule = "=" if tag in ("h1", "h2") else "-"
            return [f"{title}\n{rule * min(len(title), self.width)}"] if title else []
        if tag == "p":
            text = self.paragraph(node)
            return [_wrap(text, self.width)] if text else []
        if tag == "hr":
            return ["* * *"]
        if tag == "pre":
            return ["\n".join("    " + line for line in self.raw_text(node).rstrip().split("\n"))]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node))
            return ["\n".join(("> " + line).rstrip() for line in inner.split("\n"))]
        if tag in ("ul", "ol"):
            return [self.list(node)]
        if tag == "table":
            return [self.table(node)]
        if tag == "section" and "footnotes" in node.classes():
            self.collect_notes(node)
            return []
        if tag == "figure":
            return self.figure(node)
        return self.blocks(node)

    def raw_text(self, node: Node | str) -> str:
        if isinstance(node, str):
            return node
        return "".join(self.raw_text(child) for child in node.children)

    def figure(self, node: Node) -> list[str]:
        parts = []
        for child in node.children:
            if isinstance(child, Node) and child.tag == "figcaption":
                caption = self.paragraph(child)
                if caption:
                    parts.append(_wrap(caption, self.width))
            elif isinstance(child, Node):
                text = self.paragraph(Node("p", children=[child]))
                if text:
                    parts.append(text)
        return ["\n".join(parts)] if parts else []

    def list(self, node: Node) -> str:
        ordered = node.tag == "ol"
        start = int(node.attributes.get("start") or 1) if ordered else 1
        items = [child for child in node.children if isinstance(child, Node) and child.tag == "li"]
        lines = []
        for number, item in enumerate(items, start):
            marker = f"{number}. " if ordered else "- "
            body = "\n\n".join(self.blocks(item)).strip()
            indent = " " * len(marker)
            wrapped = _wrap(body, self.width - len(marker)).split("\n")
            lines.append(marker + wrapped[0])
            lines.extend((indent + line) if line else "" for line in wrapped[1:])
        return "\n".join(lines)

    def collect_notes(self, node: Node) -> None:
        for item in _find_all(node, "li"):
            identifier = item.attributes.get("id", "")
            number = identifier.rsplit("-", 1)[-1] if identifier else str(len(self.notes) + 1)
            text = " ".join(block.replace("\n", " ") for block in self.blocks(item))
            self.notes.append((number, _SPACES.sub(" ", text).strip()))

    def table(self, node: Node) -> str:
        rows: list[list[tuple[str, str]]] = []
        header_rows = 0
        for row in _find_all(node, "tr"):
            cells = [
                child
                for child in row.children
                if isinstance(child, Node) and child.tag in ("td", "th")
            ]
            rows.append([(self.cell_text(cell), _alignment(cell)) for cell in cells])
            if cells and all(cell.tag == "th" for cell in cells):
                header_rows = len(rows)
        if not rows:
            return ""
        columns = max(len(row) for row in rows)
        widths = [
            max((len(row[index][0]) for row in rows if index < len(row)), default=0)
            for index in range(columns)
        ]
        aligns = [
            next((row[index][1] for row in rows if index < len(row)), "left")
            for index in range(columns)
        ]
        lines = []
        for number, cells_of_row in enumerate(rows, 1):
            padded = []
            for index in range(columns):
                text = cells_of_row[index][0] if index < len(cells_of_row) else ""
                padded.append(_pad(text, widths[index], aligns[index]))
            lines.append("  ".join(padded).rstrip())
            if number == header_rows:
                lines.append("  ".join("-" * width for width in widths))
        return "\n".join(lines)


def _alignment(cell: Node) -> str:
    for name in ("right", "center", "left"):
        if f"align-{name}" in cell.classes() or cell.attributes.get("align") == name:
            return name
    return "left"


def _pad(text: str, width: int, align: str) -> str:
    if align == "right":
        return text.rjust(width)
    if align == "center":
        return text.center(width)
    return text.ljust(width)


def _find_all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_find_all(child, tag))
    return found
