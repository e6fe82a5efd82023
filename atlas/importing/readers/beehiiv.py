"""beehiiv's posts export: one CSV, the body in `content_html`, the address in `url` (`/p/slug`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from atlas.importing.readers.common import ExportError, open_member, parse_time, slug_of
from atlas.importing.records import SourceExport, SourcePost, SourceTag
from atlas.publishing.models import Post

AUDIENCES = {
    "free": Post.Visibility.PUBLIC,
    "both": Post.Visibility.PUBLIC,
    "all": Post.Visibility.PUBLIC,
    "premium": Post.Visibility.PAID,
}
STATUSES = {
    "confirmed": Post.Status.PUBLISHED,
    "published": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "scheduled": Post.Status.SCHEDULED,
    "archived": Post.Status.ARCHIVED,
}
REQUIRED = {"web_title", "content_html"}


def rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 26)
    with open_member(path, (".csv",)) as file:
        reader = csv.DictReader(io.TextIOWrapper(file, encoding="utf-8-sig", newline=""))
        if not set(reader.fieldnames or ()) >= REQUIRED:
            raise ExportError("This CSV has no web_title and content_html: not beehiiv's posts.")
        yield from reader


def read(path: Path) -> SourceExport:
    tags: dict[str, SourceTag] = {}
    count = 0
    for row in rows(path):
        count += 1
        for name in tag_names(row):
            slug = slug_of(name, "tag")
            tags.setdefault(slug, SourceTag(slug, name, slug, archive_paths=[f"/t/{slug}"]))
    export = SourceExport(
        platform="beehiiv",
        site="beehiiv",
        authors=[],
        tags=list(tags.values()),
        posts=(post_from(row) for row in rows(path)),
        post_count=count,
    )
    export.problems.append("beehiiv's posts export names no authors: the posts have no byline yet.")
    return export


def tag_names(row: dict[str, str]) -> list[str]:
    return [name.strip() for name in (row.get("content_tags") or "").split(",") if name.strip()]


def post_from(row: dict[str, str]) -> SourcePost:
    title = row.get("web_title") or row.get("title") or "Untitled"
    url = (row.get("url") or row.get("web_url") or "").strip()
    slug = url.rstrip("/").rsplit("/p/", 1)[-1] if "/p/" in url else slug_of(title)
    audience = (row.get("audience") or "free").strip().lower()
    status = (row.get("status") or "draft").strip().lower()
    post = SourcePost(
        source_id=row.get("id") or slug,
        title=title[:200],
        slug=slug,
        html=row.get("content_html") or "",
        subtitle=(row.get("web_subtitle") or "")[:400],
        status=STATUSES.get(status, Post.Status.DRAFT),
        visibility=AUDIENCES.get(audience, Post.Visibility.PAID),
        published_at=parse_time(row.get("publish_date") or row.get("created_at")),
        feature_image=[url for url in [row.get("thumbnail_url")] if url],
        tag_ids=[slug_of(name, "tag") for name in tag_names(row)],
        old_paths=[f"/p/{slug}"],
    )
    if status not in STATUSES:
        post.notes.append(f'Status "{status}" on beehiiv: imported as a draft.')
    if audience not in AUDIENCES:
        post.notes.append(f'Audience "{audience}" on beehiiv: imported for paid members.')
    return post
