"""Substack's export (Settings -> Exports): a zip of `posts.csv` and `posts/<post_id>.html`.

`post_id` is `<id>.<slug>`; `audience` is everyone, only_free, only_paid or founding. Substack's
export names no authors. Images are on Substack's CDN and are downloaded (the largest working
source of a `srcset` when the plain link is dead).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from atlas.importing.readers.common import ExportError, parse_time, slug_of
from atlas.importing.records import SourceExport, SourcePost
from atlas.publishing.models import Post

AUDIENCES = {
    "everyone": Post.Visibility.PUBLIC,
    "only_free": Post.Visibility.MEMBERS,
    "only_paid": Post.Visibility.PAID,
    "founding": Post.Visibility.PAID,
}


def read(path: Path) -> SourceExport:
    if not zipfile.is_zipfile(path):
        raise ExportError("A Substack export is the zip Substack sends (posts.csv and posts/).")
    with zipfile.ZipFile(path) as archive:
        listing = csv_name(archive)
        with archive.open(listing) as file:
            count = sum(1 for _ in csv.DictReader(io.TextIOWrapper(file, encoding="utf-8-sig")))
    export = SourceExport(
        platform="substack",
        site="substack",
        authors=[],
        tags=[],
        posts=posts(path),
        post_count=count,
    )
    export.problems.append("Substack's export names no authors: the posts have no byline yet.")
    return export


def csv_name(archive: zipfile.ZipFile) -> str:
    name = next((name for name in archive.namelist() if name.endswith("posts.csv")), None)
    if name is None:
        raise ExportError("The zip has no posts.csv: not a Substack export.")
    return name


def posts(path: Path) -> Iterator[SourcePost]:
    csv.field_size_limit(1 << 26)
    with zipfile.ZipFile(path) as archive:
        listing = csv_name(archive)
        folder = listing.rsplit("posts.csv", 1)[0]
        names = set(archive.namelist())
        with archive.open(listing) as file:
            for row in csv.DictReader(io.TextIOWrapper(file, encoding="utf-8-sig")):
                html_name = f"{folder}posts/{row.get('post_id', '')}.html"
                html = (
                    archive.read(html_name).decode("utf-8", "replace") if html_name in names else ""
                )
                yield post_from(row, html, html_name in names)


def post_from(row: dict[str, str], html: str, has_body: bool) -> SourcePost:
    identifier = row.get("post_id", "")
    number, _, slug = identifier.partition(".")
    title = row.get("title") or "Untitled"
    slug = slug or slug_of(title)
    audience = (row.get("audience") or "everyone").strip()
    kind = Post.Kind.PAGE if row.get("type") == "page" else Post.Kind.ARTICLE
    post = SourcePost(
        source_id=number or identifier,
        title=title[:200],
        slug=slug,
        html=html,
        kind=kind,
        subtitle=(row.get("subtitle") or "")[:400],
        status=Post.Status.PUBLISHED
        if row.get("is_published", "").lower() == "true"
        else Post.Status.DRAFT,
        visibility=AUDIENCES.get(audience, Post.Visibility.PAID),
        published_at=parse_time(row.get("post_date")),
        old_paths=[f"/p/{slug}"],
    )
    if audience == "founding":
        post.notes.append("For founding members on Substack: imported for paid members.")
    elif audience not in AUDIENCES:
        post.notes.append(f'Audience "{audience}" on Substack: imported for paid members.')
    if not has_body:
        post.notes.append("The export has no HTML file for this post: its body is empty.")
    if row.get("type") == "podcast" and row.get("podcast_url"):
        post.html = f'<p><a href="{row["podcast_url"]}">Listen to the episode</a></p>' + post.html
    return post
