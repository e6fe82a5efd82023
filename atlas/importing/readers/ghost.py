"""Ghost's JSON export (Settings -> Labs -> Export), Ghost 1 to 5, read in passes with ijson.

`db[0].data` (or `data`, the `db` wrapper being optional) holds `posts`, `tags`, `posts_tags`,
`users`, `posts_authors`, `posts_meta`. The small tables are read first; posts then stream one
by one, so a large export never sits in memory whole. Each post's `html` is used (Ghost 1-4's
mobiledoc and 5's lexical carry it too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from atlas.importing.readers.common import ExportError, open_member, parse_time, slug_of
from atlas.importing.records import SourceAuthor, SourceExport, SourcePost, SourceTag
from atlas.publishing.models import Post

STATUSES = {
    "published": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "scheduled": Post.Status.SCHEDULED,
    "sent": Post.Status.ARCHIVED,
}
VISIBILITIES = {
    "public": Post.Visibility.PUBLIC,
    "members": Post.Visibility.MEMBERS,
    "paid": Post.Visibility.PAID,
}


def read(path: Path) -> SourceExport:
    prefix = data_prefix(path)
    users = list(items(path, f"{prefix}.users.item"))
    tags = list(items(path, f"{prefix}.tags.item"))
    authors = [
        SourceAuthor(
            str(user["id"]),
            user.get("name") or user.get("slug") or "Author",
            user.get("slug") or slug_of(user.get("name", ""), "author"),
            bio=user.get("bio") or "",
            email=user.get("email") or "",
        )
        for user in users
    ]
    public_tags, internal = [], set()
    for tag in tags:
        if tag.get("visibility") == "internal" or str(tag.get("name", "")).startswith("#"):
            internal.add(str(tag["id"]))
            continue
        slug = tag.get("slug") or slug_of(tag.get("name", ""), "tag")
        public_tags.append(
            SourceTag(
                str(tag["id"]),
                tag.get("name") or slug,
                slug,
                description=tag.get("description") or "",
                archive_paths=[f"/tag/{slug}/"],
            )
        )
    links = Links(path, prefix, internal)
    export = SourceExport(
        platform="ghost",
        site="ghost",
        authors=authors,
        tags=public_tags,
        posts=posts(path, prefix, links),
        skipped_tags=len(internal),
    )
    export.extra["author_paths"] = {
        author.source_id: [f"/author/{author.slug}/"] for author in authors
    }
    export.post_count = links.post_count
    return export


def data_prefix(path: Path) -> str:
    """`db.item.data` or `data`, whichever the file has."""
    with open_member(path, (".json",)) as file:
        try:
            for prefix, event, value in ijson.parse(file):
                if event == "map_key" and prefix == "":
                    if value == "db":
                        return "db.item.data"
                    if value == "data":
                        return "data"
        except ijson.JSONError as error:
            raise ExportError(f"This is not a Ghost JSON export ({error}).") from error
    raise ExportError('This JSON file has no "db" or "data": not a Ghost export.')


def items(path: Path, prefix: str) -> Iterator[dict[str, Any]]:
    with open_member(path, (".json",)) as file:
        try:
            yield from ijson.items(file, prefix, use_float=True)
        except ijson.JSONError as error:
            raise ExportError(f"The Ghost export cannot be read ({error}).") from error


class Links:
    """The join tables: tags and authors of each post, in order, and each post's meta row."""

    def __init__(self, path: Path, prefix: str, internal_tags: set[str]) -> None:
        self.tags: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for link in items(path, f"{prefix}.posts_tags.item"):
            if str(link["tag_id"]) not in internal_tags:
                self.tags[str(link["post_id"])].append(
                    (int(link.get("sort_order") or 0), str(link["tag_id"]))
                )
        self.authors: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for link in items(path, f"{prefix}.posts_authors.item"):
            self.authors[str(link["post_id"])].append(
                (int(link.get("sort_order") or 0), str(link["author_id"]))
            )
        self.meta = {str(row["post_id"]): row for row in items(path, f"{prefix}.posts_meta.item")}
        self.post_count = sum(1 for _ in items(path, f"{prefix}.posts.item.id"))


def posts(path: Path, prefix: str, links: Links) -> Iterator[SourcePost]:
    for row in items(path, f"{prefix}.posts.item"):
        yield post_from(row, links)


def post_from(row: dict[str, Any], links: Links) -> SourcePost:
    post_id = str(row["id"])
    meta = {**row, **{key: value for key, value in links.meta.get(post_id, {}).items() if value}}
    slug = row.get("slug") or slug_of(row.get("title") or "", "post")
    is_page = row.get("type") == "page" or row.get("page") is True
    post = SourcePost(
        source_id=post_id,
        title=(row.get("title") or "Untitled")[:200],
        slug=slug,
        html=row.get("html") or "",
        kind=Post.Kind.PAGE if is_page else Post.Kind.ARTICLE,
        subtitle=(row.get("custom_excerpt") or "")[:400],
        status=STATUSES.get(row.get("status") or "draft", Post.Status.DRAFT),
        published_at=parse_time(row.get("published_at")),
        feature_image=[url for url in [row.get("feature_image") or meta.get("og_image")] if url],
        feature_image_alt=(meta.get("feature_image_alt") or "")[:300],
        feature_image_caption=meta.get("feature_image_caption") or "",
        seo_title=(meta.get("meta_title") or meta.get("og_title") or "")[:200],
        seo_description=(meta.get("meta_description") or meta.get("og_description") or "")[:400],
        canonical_url=row.get("canonical_url") or "",
        author_ids=[author for _, author in sorted(links.authors.get(post_id, []))]
        or ([str(row["author_id"])] if row.get("author_id") else []),
        tag_ids=[tag for _, tag in sorted(links.tags.get(post_id, []))],
        old_paths=[f"/{slug}/"],
    )
    visibility = row.get("visibility") or "public"
    post.visibility = VISIBILITIES.get(visibility, Post.Visibility.PAID)
    if visibility not in VISIBILITIES:
        post.notes.append(f'Visible to "{visibility}" on Ghost: imported for paid members only.')
    if row.get("status") == "sent":
        post.notes.append("An email-only post on Ghost: imported as archived (not on the site).")
    if not post.html and (row.get("mobiledoc") or row.get("lexical")):
        post.notes.append("The export has no HTML for this post: imported with an empty body.")
    return post
