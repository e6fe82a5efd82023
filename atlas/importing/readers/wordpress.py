"""WordPress's export (Tools -> Export, WXR), parsed with defusedxml: no entities, no DTD tricks.

The file is read twice, as a stream: first the site, authors, categories, tags and attachments
(for featured images and galleries); then posts and pages one by one, with their approved
comments. Each item is dropped once read, so memory stays flat however large the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from atlas.importing.readers.common import ExportError, open_member, parse_time, slug_of
from atlas.importing.records import (
    SourceAuthor,
    SourceComment,
    SourceExport,
    SourcePost,
    SourceTag,
)
from atlas.lib.markdown import plain_text
from atlas.publishing.models import Post

STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.SCHEDULED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
KINDS = {"post": Post.Kind.ARTICLE, "page": Post.Kind.PAGE}
SKIPPED_CATEGORIES = {"uncategorized"}


def local(tag: str) -> str:
    """`{http://wordpress.org/export/1.2/}post_id` -> `wp:post_id` (any WXR version)."""
    if not tag.startswith("{"):
        return tag
    namespace, _, name = tag[1:].partition("}")
    if "wordpress.org/export" in namespace:
        return ("excerpt:" if "excerpt" in namespace else "wp:") + name
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content:" + name
    if "purl.org/dc/elements" in namespace:
        return "dc:" + name
    return name


def elements(file: IO[bytes]) -> Iterator[tuple[str, Element]]:
    """(`channel` or `item` or another channel child, element) as each one ends; items are
    dropped from the tree once handed out."""
    channel: Element | None = None
    depth = 0
    try:
        for event, element in SafeElementTree.iterparse(
            file, events=("start", "end"), forbid_dtd=True
        ):
            name = local(element.tag)
            if event == "start":
                depth += 1
                if name == "channel":
                    channel = element
                continue
            depth -= 1
            if channel is not None and depth == 2:  # a child of <channel>
                yield name, element
                channel.remove(element)
    except (ParseError, DefusedXmlException) as error:
        raise ExportError(f"This is not a WordPress export Atlas can read ({error}).") from error


def text(element: Element, name: str) -> str:
    for child in element:
        if local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def read(path: Path) -> SourceExport:
    site, authors, tags, attachments, count = "", [], {}, {}, 0
    with open_member(path, (".xml", ".wxr")) as file:
        for name, element in elements(file):
            if name in ("wp:base_site_url", "link") and not site:
                site = (element.text or "").strip().rstrip("/")
            elif name == "wp:author":
                authors.append(author_from(element))
            elif name in ("wp:category", "wp:tag"):
                tag = tag_from(element, name)
                if tag is not None:
                    tags[tag.source_id] = tag
            elif name == "item":
                post_type = text(element, "wp:post_type")
                if post_type == "attachment":
                    attachments[text(element, "wp:post_id")] = text(element, "wp:attachment_url")
                elif post_type in KINDS:
                    count += 1
    if not site and not count:
        raise ExportError("This XML file has no WordPress posts or site: not a WXR export.")
    export = SourceExport(
        platform="wordpress",
        site=f"wordpress:{site}",
        authors=authors,
        tags=list(tags.values()),
        posts=posts(path, site, attachments),
        post_count=count,
    )
    export.extra["attachments"] = attachments
    export.extra["author_paths"] = {
        author.source_id: [f"/author/{author.slug}/"] for author in authors
    }
    return export


def author_from(element: Element) -> SourceAuthor:
    login = text(element, "wp:author_login")
    full = f"{text(element, 'wp:author_first_name')} {text(element, 'wp:author_last_name')}"
    name = text(element, "wp:author_display_name") or full.strip() or login
    return SourceAuthor(
        login, name, slug_of(login or name, "author"), email=text(element, "wp:author_email")
    )


def tag_from(element: Element, kind: str) -> SourceTag | None:
    if kind == "wp:category":
        slug = text(element, "wp:category_nicename")
        if slug in SKIPPED_CATEGORIES:
            return None
        parent = text(element, "wp:category_parent")
        path = f"/category/{parent}/{slug}/" if parent else f"/category/{slug}/"
        paths = [path, f"/category/{slug}/", f"/?cat={text(element, 'wp:term_id')}"]
        return SourceTag(
            f"category:{slug}",
            text(element, "wp:cat_name") or slug,
            slug,
            description=text(element, "wp:category_description"),
            archive_paths=list(dict.fromkeys(paths)),
        )
    slug = text(element, "wp:tag_slug")
    return SourceTag(
        f"post_tag:{slug}",
        text(element, "wp:tag_name") or slug,
        slug,
        description=text(element, "wp:tag_description"),
        archive_paths=[f"/tag/{slug}/", f"/?tag={slug}"],
    )


def posts(path: Path, site: str, attachments: dict[str, str]) -> Iterator[SourcePost]:
    with open_member(path, (".xml", ".wxr")) as file:
        for name, element in elements(file):
            if name == "item" and text(element, "wp:post_type") in KINDS:
                yield post_from(element, site, attachments)


def post_from(item: Element, site: str, attachments: dict[str, str]) -> SourcePost:
    status = text(item, "wp:status")
    post_id = text(item, "wp:post_id")
    if status not in STATUSES:  # trash, auto-draft: nothing a reader or writer wants back
        title = plain_text(text(item, "title")) or "Untitled"
        return SourcePost(post_id, title, "", "", skip=f'"{status}" on WordPress: not imported.')
    kind = KINDS[text(item, "wp:post_type")]
    title = plain_text(text(item, "title")) or "Untitled"
    slug = text(item, "wp:post_name") or slug_of(title)
    published = parse_time(text(item, "wp:post_date_gmt")) or pubdate(text(item, "pubDate"))
    meta = {
        text(row, "wp:meta_key"): text(row, "wp:meta_value")
        for row in children(item, "wp:postmeta")
    }
    categories = [
        f"{'category' if category.get('domain') == 'category' else 'post_tag'}:"
        f"{category.get('nicename')}"
        for category in children(item, "category")
        if category.get("domain") in ("category", "post_tag")
        and category.get("nicename") not in SKIPPED_CATEGORIES
    ]
    post = SourcePost(
        source_id=post_id,
        title=title[:200],
        slug=slug,
        html=text(item, "content:encoded"),
        kind=kind,
        subtitle=plain_text(text(item, "excerpt:encoded"))[:400],
        status=STATUSES[status],
        published_at=published,
        feature_image=[url for url in [attachments.get(meta.get("_thumbnail_id", ""))] if url],
        seo_title=(meta.get("_yoast_wpseo_title") or "")[:200],
        seo_description=(meta.get("_yoast_wpseo_metadesc") or "")[:400],
        author_ids=[text(item, "dc:creator")] if text(item, "dc:creator") else [],
        tag_ids=list(dict.fromkeys(categories)),
        old_paths=old_paths(item, site, kind, slug, post_id) if status == "publish" else [],
        comments=comments_of(item),
    )
    post.skipped_comments = len(children(item, "wp:comment")) - len(post.comments)
    if status == "private":
        post.notes.append("Private on WordPress: imported as a draft.")
    if text(item, "wp:post_password"):
        post.visibility = Post.Visibility.MEMBERS
        post.notes.append("Password-protected on WordPress: imported for members only.")
    return post


def pubdate(value: str) -> Any:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def old_paths(item: Element, site: str, kind: str, slug: str, post_id: str) -> list[str]:
    """The post's permalink, its plain link (`/?p=ID`), and the dated form, all of which the
    old site answered."""
    paths = []
    for url in (text(item, "link"), text(item, "guid")):
        if url and (not site or url.startswith(site) or url.startswith("/")):
            parts = urlsplit(url)
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    paths.append(f"/?page_id={post_id}" if kind == Post.Kind.PAGE else f"/?p={post_id}")
    local_date = text(item, "wp:post_date")
    if kind == Post.Kind.ARTICLE and local_date[:4].isdigit() and local_date[:4] != "0000":
        paths.append(f"/{local_date[:4]}/{local_date[5:7]}/{local_date[8:10]}/{slug}/")
    if kind == Post.Kind.PAGE:
        paths.append(f"/{slug}/")
    return list(dict.fromkeys(path for path in paths if path))


def comments_of(item: Element) -> list[SourceComment]:
    """Approved comments (not pingbacks), with their authors and dates."""
    found = []
    for comment in children(item, "wp:comment"):
        if text(comment, "wp:comment_approved") != "1":
            continue  # held, spam or trash: counted by the caller
        if text(comment, "wp:comment_type") not in ("", "comment"):
            continue
        parent = text(comment, "wp:comment_parent")
        found.append(
            SourceComment(
                source_id=text(comment, "wp:comment_id"),
                parent_id="" if parent in ("", "0") else parent,
                author_name=text(comment, "wp:comment_author") or "Reader",
                author_email=text(comment, "wp:comment_author_email"),
                created_at=parse_time(text(comment, "wp:comment_date_gmt"))
                or parse_time(text(comment, "wp:comment_date"))
                or datetime(1970, 1, 1, tzinfo=UTC),
                html=text(comment, "wp:comment_content"),
            )
        )
    return found
