"""HTML from another platform -> Atlas Markdown (markdownify), then our own renderer and sanitizer.

What Markdown can say (headings, emphasis, links, lists, quotes, tables, code, images, footnotes)
becomes Markdown. What it cannot (captioned images, galleries, embeds, buttons, callouts) is kept
as HTML the article renderer allows (`figure`, `figcaption`, `img`, `a`, `blockquote`), and every
change that loses something (a script, a form, an embedded player turned into a link) is
reported: nothing is dropped silently.
"""

from __future__ import annotations

import html as html_escape
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import ATX, MarkdownConverter

from atlas.lib.markdown import sanitize_html

# Given an image's candidate addresses (best first), the address to use in Atlas (its own copy),
# or "" to keep the first one as it is (the failure is reported by the resolver).
ImageResolver = Callable[[list[str], str], str]

REMOVED_TAGS = {
    "script",
    "style",
    "noscript",
    "form",
    "input",
    "select",
    "textarea",
    "button",
    "template",
    "svg",
    "canvas",
    "object",
    "embed",
    "iframe",
    "video",
    "audio",
    "source",
    "track",
}
EMBED_TAGS = {"iframe", "embed", "object", "video", "audio"}
SOCIAL_EMBED_CLASSES = ("twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed")
FOOTNOTE_CONTAINERS = (
    "section.footnotes",
    "ol.wp-block-footnotes",
    "div.footnotes",
    "ol.footnotes-list",
    "div.footnote",
)
BLOCK_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|section|dl|img|iframe|\[)",
    re.IGNORECASE,
)
WP_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
SHORTCODE = re.compile(r"\[(/?)([a-zA-Z_][\w-]*)([^\]]*)\]")
SHORTCODE_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
RAW_TAG = "atlas-raw"
WIDGETS = ".subscription-widget-wrap, .kg-signup-card, .subscribe-widget"
BUTTON_CONTAINERS = ["kg-button-card", "button-wrapper", "wp-block-buttons"]


@dataclass
class Converted:
    markdown: str
    notes: list[str] = field(default_factory=list)  # what could not come across as it was


class AtlasMarkdown(MarkdownConverter):
    """markdownify with ATX headings and `-` bullets; `<atlas-raw>` placeholders stay HTML."""

    def __init__(self, raw_blocks: list[str]) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            escape_misc=False,
            autolinks=True,
            table_infer_header=True,
        )
        self.raw_blocks = raw_blocks

    def convert_atlas_raw(self, element: Tag, text: str, parent_tags: set[str]) -> str:
        return f"\n\n{self.raw_blocks[int(str(element.get('data-index') or 0))]}\n\n"


def to_markdown(
    source_html: str,
    resolve_image: ImageResolver,
    *,
    shortcode_images: Callable[[str], list[str]] | None = None,
) -> Converted:
    """Atlas Markdown for `source_html`, with notes on everything that could not come across."""
    notes: list[str] = []
    text = expand_shortcodes(
        paragraphs(WP_BLOCK_COMMENT.sub("", source_html)), notes, shortcode_images
    )
    soup = BeautifulSoup(text, "html.parser")
    raw_blocks: list[str] = []
    lowered = text.lower()
    footnotes = extract_footnotes(soup) if "footnote" in lowered else []
    for image in soup.find_all("img"):
        rewrite_image(image, resolve_image)
    for picture in soup.find_all("picture"):
        picture.unwrap()
    convert_cards(soup, raw_blocks, notes, lowered)
    convert_embeds(soup, raw_blocks, notes)
    for element in soup.find_all(REMOVED_TAGS - EMBED_TAGS):
        if element.name in ("source", "track"):
            element.decompose()
            continue
        notes.append(f"Removed a <{element.name}> (Atlas pages carry no {element.name}s).")
        element.decompose()
    markdown = AtlasMarkdown(raw_blocks).convert_soup(soup).strip()
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    if footnotes:
        markdown += "\n\n" + "\n".join(
            f"[^{number}]: {AtlasMarkdown([]).convert(note).strip()}" for number, note in footnotes
        )
    return Converted(markdown=markdown + "\n", notes=list(dict.fromkeys(notes)))


def paragraphs(text: str) -> str:
    """WordPress's classic editor keeps paragraphs as blank lines, not <p>: put them back."""
    if "\n\n" not in text or re.search(r"<p[\s>]", text, re.IGNORECASE):
        return text
    chunks = re.split(r"\n\s*\n", text)
    return "\n".join(
        chunk if BLOCK_START.match(chunk) else f"<p>{chunk.strip()}</p>"
        for chunk in chunks
        if chunk.strip()
    )


def expand_shortcodes(
    text: str, notes: list[str], shortcode_images: Callable[[str], list[str]] | None
) -> str:
    """WordPress shortcodes: [caption] and [gallery] become figures, [embed], [video], [audio]
    and [youtube] links; any other is removed, its content kept, and reported."""
    if "[" not in text:
        return text

    def attributes(raw: str) -> dict[str, str]:
        return {
            match[0].lower(): match[1] or match[2] or match[3]
            for match in SHORTCODE_ATTRIBUTE.findall(raw)
        }

    def caption(match: re.Match[str]) -> str:
        inner = match.group(2)
        image_html = re.search(r"(<a [^>]*>)?\s*<img[^>]*>\s*(</a>)?", inner)
        image = image_html.group(0) if image_html else ""
        words = inner.replace(image, "").strip() or attributes(match.group(1)).get("caption", "")
        return f"<figure>{image}<figcaption>{words}</figcaption></figure>"

    text = re.sub(r"\[caption([^\]]*)\](.*?)\[/caption\]", caption, text, flags=re.DOTALL)

    def gallery(match: re.Match[str]) -> str:
        ids = attributes(match.group(1)).get("ids", "")
        urls = shortcode_images(ids) if shortcode_images else []
        if not urls:
            notes.append("A [gallery] without images it could find was removed.")
            return ""
        images = "".join(f'<img src="{html_escape.escape(url)}" alt="">' for url in urls)
        return f"<figure>{images}</figure>"

    text = re.sub(r"\[gallery([^\]]*)\]", gallery, text)

    def embed(match: re.Match[str]) -> str:
        url = (
            (match.group(3) or "").strip()
            or attributes(match.group(2)).get("src", "")
            or (attributes(match.group(2)).get("url", ""))
        )
        return f'\n\n<iframe src="{html_escape.escape(url)}"></iframe>\n\n' if url else ""

    text = re.sub(
        r"\[(embed|video|audio|youtube)([^\]]*)\](?:(.*?)\[/\1\])?", embed, text, flags=re.DOTALL
    )

    def other(match: re.Match[str]) -> str:
        if not match.group(1):
            notes.append(f"Removed the WordPress shortcode [{match.group(2)}] (its text is kept).")
        return ""

    if re.search(r"\[[a-zA-Z_][\w-]*[^\]]*\]", text):
        text = SHORTCODE.sub(
            lambda match: other(match) if looks_like_shortcode(match, text) else match.group(0),
            text,
        )
    return text


def looks_like_shortcode(match: re.Match[str], text: str) -> bool:
    """A shortcode is closed somewhere ([x]...[/x]) or known to stand alone; prose in brackets
    ("[sic]", "[1]") is left alone."""
    name = match.group(2)
    return f"[/{name}]" in text or name in {"contact-form-7", "playlist", "ad", "gravityform"}


def rewrite_image(image: Tag, resolve_image: ImageResolver) -> None:
    """Point the image at Atlas's own copy: its src first, then srcset's sources, largest first
    (Substack's CDN links sometimes die while a resized copy still answers)."""
    candidates = [str(image.get("src") or "")]
    for source in [*image.find_previous_siblings("source"), image]:
        candidates += srcset_candidates(str(source.get("srcset") or ""))
    candidates = [url for url in dict.fromkeys(candidates) if url and not url.startswith("data:")]
    if not candidates:
        image.decompose()
        return
    image.attrs = {
        "src": resolve_image(candidates, str(image.get("alt") or "")) or candidates[0],
        "alt": str(image.get("alt") or ""),
        **({"title": str(image["title"])} if image.get("title") else {}),
    }


def srcset_candidates(srcset: str) -> list[str]:
    """The URLs of a srcset, widest first."""
    found: list[tuple[float, str]] = []
    for part in srcset.split(","):
        pieces = part.strip().split()
        if not pieces:
            continue
        size = pieces[1] if len(pieces) > 1 else "1x"
        try:
            weight = float(size[:-1]) * (1 if size.endswith("w") else 1000)
        except ValueError:
            weight = 0
        found.append((weight, pieces[0]))
    return [url for _, url in sorted(found, key=lambda pair: -pair[0])]


def extract_footnotes(soup: BeautifulSoup) -> list[tuple[int, str]]:
    """Footnote references become `[^n]` and their notes Markdown definitions, in order."""
    containers = [found for selector in FOOTNOTE_CONTAINERS for found in soup.select(selector)]
    if not containers:
        return []
    notes_by_id: dict[str, Tag] = {}
    for container in containers:
        for note in container.select("[id]"):
            # Substack: the id is on the note's number link; the note is its container
            holder = note.parent if note.name == "a" and note.parent is not None else note
            notes_by_id[str(note["id"])] = holder
    numbered: list[tuple[int, str]] = []
    for link in soup.select('a[href^="#"]'):
        if link.decomposed:
            continue
        target = str(link.get("href", ""))[1:]
        found_note = notes_by_id.get(target)
        if found_note is None or any(container in link.parents for container in containers):
            continue
        for backlink in found_note.select('a[href^="#"]'):
            backlink.decompose()
        for number_link in found_note.select(".footnote-number"):
            number_link.decompose()
        numbered.append((len(numbered) + 1, found_note.decode_contents().strip()))
        holder = link.parent if link.parent is not None and link.parent.name == "sup" else link
        holder.replace_with(NavigableString(f"[^{len(numbered)}]"))
    for container in containers:
        container.decompose()
    return numbered


def keep_as_html(element: Tag, raw_blocks: list[str], replacement_html: str) -> None:
    """Replace `element` with a block of HTML the renderer keeps as it is."""
    cleaned = sanitize_html(replacement_html).replace("\n", " ").strip()
    placeholder = BeautifulSoup(
        f'<{RAW_TAG} data-index="{len(raw_blocks)}"></{RAW_TAG}>', "html.parser"
    ).find(RAW_TAG)
    raw_blocks.append(cleaned)
    element.replace_with(placeholder)  # type: ignore[arg-type]


def convert_cards(
    soup: BeautifulSoup, raw_blocks: list[str], notes: list[str], lowered: str
) -> None:
    """Figures (captioned images, galleries), Ghost's and Substack's cards, buttons, callouts.
    Each kind is looked for only when a word of it is in the HTML: CSS selectors are slow."""
    buttons = "button" in lowered or "kg-btn" in lowered
    for button in (
        []
        if not buttons
        else soup.select(".kg-button-card a, .button-wrapper a, a.button, .wp-block-button a")
    ):
        if button.parent is None:
            continue
        container = button.find_parent(class_=BUTTON_CONTAINERS) or button
        href = html_escape.escape(str(button.get("href", "")))
        label = html_escape.escape(button.get_text(" ", strip=True))
        keep_as_html(container, raw_blocks, f'<p><a href="{href}">{label}</a></p>')
    for bookmark in soup.select(".kg-bookmark-card") if "kg-bookmark" in lowered else []:
        link = bookmark.find("a")
        title = bookmark.select_one(".kg-bookmark-title")
        href = str(link.get("href", "")) if link else ""
        label = title.get_text(" ", strip=True) if title else href
        keep_as_html(
            bookmark,
            raw_blocks,
            f'<p><a href="{html_escape.escape(href)}">{html_escape.escape(label)}</a></p>',
        )
    callouts = "callout" in lowered or "kg-toggle" in lowered
    for callout in soup.select(".kg-callout-card, .callout, .kg-toggle-card") if callouts else []:
        callout.name = "blockquote"
        callout.attrs = {}
    widgets = "subscri" in lowered or "kg-signup" in lowered
    for widget in soup.select(WIDGETS) if widgets else []:
        notes.append("Removed a sign-up form (Atlas shows its own subscribe box).")
        widget.decompose()
    for figure in soup.find_all("figure"):
        if figure.find(EMBED_TAGS) or figure.find(class_=SOCIAL_EMBED_CLASSES):
            continue  # an embed: convert_embeds
        images = figure.find_all("img")
        caption = figure.find("figcaption")
        if not images:
            figure.unwrap()
            continue
        if len(images) == 1 and caption is None:
            figure.replace_with(images[0])
            continue
        image_html = "".join(str(image) for image in images)
        caption_html = f"<figcaption>{caption.decode_contents()}</figcaption>" if caption else ""
        keep_as_html(figure, raw_blocks, f"<figure>{image_html}{caption_html}</figure>")


def convert_embeds(soup: BeautifulSoup, raw_blocks: list[str], notes: list[str]) -> None:
    """Players and posts from other sites become a link to them (Atlas pages load nothing from
    other hosts), in a figure with their caption."""
    for social in soup.find_all(class_=SOCIAL_EMBED_CLASSES) if soup.find(class_=True) else []:
        if not isinstance(social, Tag) or social.parent is None:
            continue
        links = [str(link.get("href", "")) for link in social.find_all("a") if link.get("href")]
        url = links[-1] if links else ""
        text = social.get_text(" ", strip=True)[:300]
        holder = social.find_parent("figure") or social
        source = html_escape.escape(host_of(url) or "Source")
        keep_as_html(
            holder,
            raw_blocks,
            f"<figure><blockquote><p>{html_escape.escape(text)}</p>"
            f'</blockquote><figcaption><a href="{html_escape.escape(url)}">{source}</a>'
            "</figcaption></figure>",
        )
    for embed in soup.find_all(EMBED_TAGS):
        if embed.parent is None:
            continue
        url = embed_url(embed)
        holder = embed.find_parent("figure") or embed
        caption = holder.find("figcaption") if holder is not embed else None
        caption_html = caption.decode_contents() if caption else ""
        kind = {"audio": "Audio", "video": "Video"}.get(embed.name, "Embedded content")
        if re.search(r"(youtube\.com|vimeo\.com|youtu\.be)/", url):
            kind = "Video"
        if not url:
            notes.append(f"Removed an <{embed.name}> with no address.")
            holder.decompose()
            continue
        host = host_of(url)
        notes.append(f"An embed from {host} ({kind.lower()}) is kept as a link to it.")
        link = f'<a href="{html_escape.escape(url)}">{kind} on {html_escape.escape(host)}</a>'
        keep_as_html(
            holder,
            raw_blocks,
            f"<figure><p>{link}</p>"
            + (f"<figcaption>{caption_html}</figcaption>" if caption_html else "")
            + "</figure>",
        )


def embed_url(embed: Tag) -> str:
    url = str(embed.get("src") or embed.get("data") or "")
    if not url:
        source = embed.find("source")
        url = str(source.get("src", "")) if source else ""
    if url.startswith("//"):
        url = "https:" + url
    match = re.match(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", url)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"https?://player\.vimeo\.com/video/(\d+)", url)
    if match:
        return f"https://vimeo.com/{match.group(1)}"
    return url if url.startswith(("https://", "http://")) else ""


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
