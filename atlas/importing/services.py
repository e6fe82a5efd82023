"""Import a whole publication: authors, tags, posts and pages with their images, comments and old
addresses, from Ghost, WordPress, Substack or beehiiv.

`import_content(path, platform=None, images=None, dry_run=False, progress=None)` detects the
platform, reads the export as a stream and returns a `ContentReport`. Every object remembers its
source and source id (`ImportedObject`): importing again creates no copy, skips what did not
change, updates what did, and leaves alone (and reports) a post staff edited in Atlas since.
Each post is its own transaction: one that fails is reported and the others go on.
"""

from __future__ import annotations

import hashlib
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from atlas.importing import html as html_conversion
from atlas.importing.images import FetchPolicy, ImageError, ImageStore, LocalImages
from atlas.importing.models import ImportedObject
from atlas.importing.readers import beehiiv, ghost, substack, wordpress
from atlas.importing.readers.common import ExportError, slug_of
from atlas.importing.records import SourceExport, SourcePost
from atlas.importing.report import ContentReport
from atlas.lib import pagecache
from atlas.publishing.hooks import ImportedComment, import_comments
from atlas.publishing.images import make_renditions
from atlas.publishing.models import Author, Post, PostAuthor, Redirect, Tag, normalize_old_path
from atlas.publishing.services import save_post

__all__ = ["ContentReport", "ExportError", "detect_platform", "import_content"]

READERS: dict[str, Callable[[Path], SourceExport]] = {
    "ghost": ghost.read,
    "wordpress": wordpress.read,
    "substack": substack.read,
    "beehiiv": beehiiv.read,
}
Progress = Callable[[int, int], None]  # (posts done, posts in all)
Kind = ImportedObject.Kind


def detect_platform(path: Path) -> str:
    """Which platform an export comes from, by its shape; ExportError if none fits."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [name.lower() for name in archive.namelist()]
        if any(name.endswith("posts.csv") for name in names):
            return "substack"
        if any(name.endswith(".json") for name in names):
            return "ghost"
        if any(name.endswith((".xml", ".wxr")) for name in names):
            return "wordpress"
        if any(name.endswith(".csv") for name in names):
            return "beehiiv"
        raise ExportError("The zip holds no Ghost, WordPress, Substack or beehiiv export.")
    with path.open("rb") as file:
        head = file.read(8192).decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    if head.startswith(("{", "[")):
        return "ghost"
    if head.startswith("<") and "wordpress.org/export" in head:
        return "wordpress"
    if "web_title" in head.splitlines()[0] if head else False:
        return "beehiiv"
    raise ExportError(
        "Atlas cannot tell which platform this file comes from: give a Ghost JSON export, a "
        "WordPress WXR file, a Substack zip or a beehiiv posts CSV (or say which with --from)."
    )


def import_content(
    path: Path,
    *,
    platform: str | None = None,
    images: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ContentReport:
    """Import the export at `path`; ExportError if it cannot be read at all."""
    started = time.monotonic()
    platform = platform or detect_platform(path)
    if platform not in READERS:
        raise ExportError(f"Unknown platform {platform!r} (known: {', '.join(READERS)}).")
    try:
        local = LocalImages(images) if images else None
    except ImageError as error:
        raise ExportError(str(error)) from error
    if local is None and platform == "ghost" and zipfile.is_zipfile(path):
        local = LocalImages(path)  # a Ghost zip with its content folder
    export = READERS[platform](path)
    store = ImageStore(local, FetchPolicy.from_settings(), dry_run=dry_run)
    run = Run(export, ContentReport(platform=platform, dry_run=dry_run), store, dry_run)
    try:
        with pagecache.deferred():  # readers' pages change once, at the end
            run.import_all(progress)
    finally:
        store.close()
    run.report.images_stored = len(store.stored) - store.would_download
    run.report.images_to_download = store.would_download
    run.report.images_failed = len(store.failed)
    run.report.seconds = time.monotonic() - started
    return run.report


@dataclass
class Run:
    """One import: the export, what is known of its earlier imports, the report."""

    export: SourceExport
    report: ContentReport
    images: ImageStore
    dry_run: bool
    known: dict[tuple[str, str], ImportedObject] = field(default_factory=dict)
    made_renditions: dict[str, dict[str, object]] = field(default_factory=dict)
    # post source id -> {comment source id: Comment id}
    comment_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)  # source id -> Author id
    tags: dict[str, int] = field(default_factory=dict)  # source id -> Tag id

    def import_all(self, progress: Progress | None) -> None:
        for record in ImportedObject.objects.filter(source=self.export.site).iterator():
            if record.kind == Kind.COMMENT:
                post_id, _, comment_id = record.source_id.partition("/")
                self.comment_ids.setdefault(post_id, {})[comment_id] = record.object_id
            else:
                self.known[(record.kind, record.source_id)] = record
        for problem in self.export.problems:
            self.report.problem("Export", problem)
        if self.export.skipped_tags:
            self.report.tags.skipped += self.export.skipped_tags
        for author in self.export.authors:
            self.authors[author.source_id] = self.person(author)
        for tag in self.export.tags:
            self.tags[tag.source_id] = self.topic(tag)
        for done, source_post in enumerate(self.export.posts, start=1):
            try:
                self.import_post(source_post)
            except Exception as error:  # one broken post never stops the others
                self.report.problem(where(source_post), f"Not imported: {error}")
            if progress is not None:
                progress(done, max(self.export.post_count, done))

    # Authors and tags: matched by earlier imports, then by slug (or name), else created.

    def person(self, author: Any) -> int:
        record = self.known.get((Kind.AUTHOR, author.source_id))
        if record is not None and Author.objects.filter(pk=record.object_id).exists():
            self.report.authors.unchanged += 1
            return record.object_id
        existing = Author.objects.filter(slug=author.slug).first()
        if existing is not None:
            self.report.authors.unchanged += 1
            self.remember(Kind.AUTHOR, author.source_id, existing.pk)
            self.redirect_archive(author.source_id, existing.get_absolute_url())
            return existing.pk
        self.report.authors.created += 1
        if self.dry_run:
            self.redirect_archive(author.source_id, f"/authors/{author.slug}/")
            return -1
        created = Author.objects.create(
            name=author.name[:120], slug=unique_slug(Author, author.slug), bio=author.bio
        )
        self.remember(Kind.AUTHOR, author.source_id, created.pk)
        self.redirect_archive(author.source_id, created.get_absolute_url())
        return created.pk

    def redirect_archive(self, author_id: str, new_path: str) -> None:
        for old_path in self.export.extra.get("author_paths", {}).get(author_id, []):
            self.redirect(old_path, new_path)

    def topic(self, tag: Any) -> int:
        record = self.known.get((Kind.TAG, tag.source_id))
        found = Tag.objects.filter(pk=record.object_id).first() if record else None
        found = found or Tag.objects.filter(slug=tag.slug).first()
        found = found or Tag.objects.filter(name__iexact=tag.name.strip()).first()
        if found is not None:
            self.report.tags.unchanged += 1
        else:
            self.report.tags.created += 1
            if self.dry_run:
                for old_path in tag.archive_paths:
                    self.redirect(old_path, f"/tags/{tag.slug}/")
                return -1
            found = Tag.objects.create(
                name=tag.name.strip()[:80],
                slug=unique_slug(Tag, tag.slug)[:80],
                description=tag.description,
            )
        if not self.dry_run:
            self.remember(Kind.TAG, tag.source_id, found.pk)
            for old_path in tag.archive_paths:
                self.redirect(old_path, found.get_absolute_url())
        return found.pk

    # Posts

    def import_post(self, source: SourcePost) -> None:
        tally = self.report.pages if source.kind == Post.Kind.PAGE else self.report.posts
        if source.skip:
            tally.skipped += 1
            self.report.problem(where(source), source.skip)
            return
        record = self.known.get((Kind.POST, source.source_id))
        digest = source.digest()
        post = Post.objects.filter(pk=record.object_id).first() if record else None
        if record is not None and post is None:
            tally.skipped += 1
            self.report.problem(where(source), "Deleted in Atlas since the last import: left so.")
            return
        if post is not None and record is not None:
            if atlas_digest(post) != record.atlas_digest:
                tally.kept += 1
                self.report.problem(
                    where(source), "Edited in Atlas since the last import: left as it is now."
                )
                self.import_comments(source, post.pk)
                return
            if record.source_digest == digest:
                tally.unchanged += 1
                self.import_comments(source, post.pk)
                return
        for note in source.notes:
            self.report.problem(where(source), note)
        body = self.body(source)
        feature_image = self.feature_image(source)
        if post is None:
            tally.created += 1
        else:
            tally.updated += 1
        if self.dry_run:
            self.report.comments.created += len(source.comments)
            self.report.comments.skipped += source.skipped_comments
            new_path = (post or Post(slug=source.slug)).get_absolute_url()
            for old_path in source.old_paths:
                self.redirect(old_path, new_path)
            return
        with transaction.atomic():
            post = self.save(source, post, body, feature_image)
            self.remember(Kind.POST, source.source_id, post.pk, digest, atlas_digest(post))
            self.redirects(source.old_paths, post.get_absolute_url())
        self.import_comments(source, post.pk)

    def body(self, source: SourcePost) -> str:
        attachments: dict[str, str] = self.export.extra.get("attachments", {})

        def resolve(candidates: list[str], alt: str) -> str:
            try:
                return default_storage.url(self.images.get(candidates))
            except ImageError as error:
                self.report.problem(where(source), f"Image {candidates[0]}: {error}")
                return ""

        def gallery(ids: str) -> list[str]:
            return [
                attachments[number.strip()]
                for number in ids.split(",")
                if number.strip() in attachments
            ]

        converted = html_conversion.to_markdown(source.html, resolve, shortcode_images=gallery)
        for note in converted.notes:
            self.report.problem(where(source), note)
        return converted.markdown

    def feature_image(self, source: SourcePost) -> str:
        if not source.feature_image:
            return ""
        try:
            return self.images.get(source.feature_image)
        except ImageError as error:
            self.report.problem(where(source), f"Feature image {source.feature_image[0]}: {error}")
            return ""

    def save(self, source: SourcePost, post: Post | None, body: str, feature_image: str) -> Post:
        if post is None:
            post = Post(slug=unique_slug(Post, source.slug))
            if post.slug != source.slug:
                self.report.problem(
                    where(source),
                    f'The address "{source.slug}" is taken in Atlas: imported as "{post.slug}".',
                )
        post.title, post.subtitle, post.body = source.title, source.subtitle, body
        post.kind, post.status, post.visibility = source.kind, source.status, source.visibility
        post.published_at = source.published_at
        post.seo_title, post.seo_description = source.seo_title, source.seo_description
        post.canonical_url = source.canonical_url[:200]
        kept_image = feature_image and not feature_image.startswith(("http://", "https://"))
        if kept_image:
            post.feature_image_alt = source.feature_image_alt
        post.feature_image_caption = source.feature_image_caption[:300]
        note = f"Imported from {self.report.platform_name}"
        save_post(post, note=note)
        if kept_image and post.feature_image.name != feature_image:
            # Set after saving: renditions made once per image, not once per post using it
            post.feature_image.name = feature_image
            post.feature_image_renditions = self.renditions(feature_image)
            Post.objects.filter(pk=post.pk).update(
                feature_image=feature_image, feature_image_renditions=post.feature_image_renditions
            )
        authors = [self.authors[key] for key in source.author_ids if self.authors.get(key, -1) > 0]
        PostAuthor.objects.filter(post=post).delete()
        PostAuthor.objects.bulk_create(
            [
                PostAuthor(post=post, author_id=author_id, position=position)
                for position, author_id in enumerate(dict.fromkeys(authors))
            ]
        )
        post.tags.set([self.tags[key] for key in source.tag_ids if self.tags.get(key, -1) > 0])
        return post

    def renditions(self, name: str) -> dict[str, object]:
        """The renditions of a stored image (content-addressed: the same name, the same image)."""
        if name not in self.made_renditions:
            self.made_renditions[name] = make_renditions(Post(feature_image=name).feature_image)
        return self.made_renditions[name]

    def import_comments(self, source: SourcePost, post_id: int) -> None:
        if not source.comments:
            return
        self.report.comments.skipped += source.skipped_comments
        known = self.comment_ids.get(source.source_id, {})
        fresh = [comment for comment in source.comments if comment.source_id not in known]
        self.report.comments.unchanged += len(source.comments) - len(fresh)
        if not fresh or self.dry_run:
            self.report.comments.created += len(fresh) if self.dry_run else 0
            return
        handed = [
            ImportedComment(
                source_id=comment.source_id,
                parent_source_id=comment.parent_id,
                author_name=comment.author_name,
                author_email=comment.author_email,
                created_at=comment.created_at,
                body=comment_text(comment.html),
            )
            for comment in source.comments
        ]
        stored = import_comments(post_id, handed, known)
        if stored is None:
            self.report.comments.skipped += len(fresh)
            self.report.problem(where(source), "Comments not imported: discussions are off.")
            return
        self.report.comments.created += len(stored)
        records = [
            ImportedObject(source=self.export.site, kind=Kind.COMMENT, object_id=atlas_id,
                           source_id=f"{source.source_id}/{comment_id}")
            for comment_id, atlas_id in stored.items()
        ]  # fmt: skip
        ImportedObject.objects.bulk_create(records, ignore_conflicts=True)
        self.comment_ids.setdefault(source.source_id, {}).update(stored)

    # Records and redirects

    def remember(
        self,
        kind: str,
        source_id: str,
        object_id: int,
        source_digest: str = "",
        atlas_digest: str = "",
    ) -> None:
        if self.dry_run:
            return
        record, _ = ImportedObject.objects.update_or_create(
            source=self.export.site,
            kind=kind,
            source_id=source_id,
            defaults={
                "object_id": object_id,
                "source_digest": source_digest,
                "atlas_digest": atlas_digest,
                "updated_at": timezone.now(),
            },
        )
        self.known[(kind, source_id)] = record

    def redirects(self, old_paths: list[str], new_path: str) -> None:
        """`redirect` for the old addresses of one page: a query to read, one to write."""
        wanted = {normalize_old_path(path) for path in old_paths}
        wanted -= {"/", normalize_old_path(new_path)}
        existing = set(
            Redirect.objects.filter(old_path__in=wanted).values_list("old_path", flat=True)
        )
        fresh = sorted(wanted - existing)
        self.report.redirects.created += len(fresh)
        if not self.dry_run:
            Redirect.objects.bulk_create(
                [Redirect(old_path=old, new_path=new_path, source=self.export.platform)
                 for old in fresh],
                ignore_conflicts=True,
            )  # fmt: skip
        for old in sorted(existing):
            self.redirect(old, new_path)

    def redirect(self, old_path: str, new_path: str) -> None:
        old = normalize_old_path(old_path)
        if old == normalize_old_path(new_path) or old == "/":
            return
        existing = Redirect.objects.filter(old_path=old).first()
        if existing is None:
            self.report.redirects.created += 1
            if not self.dry_run:
                Redirect.objects.create(
                    old_path=old, new_path=new_path, source=self.export.platform
                )
        elif existing.new_path == new_path:
            self.report.redirects.unchanged += 1
        elif existing.source == self.export.platform:
            self.report.redirects.updated += 1
            if not self.dry_run:
                Redirect.objects.filter(pk=existing.pk).update(new_path=new_path)
        else:
            self.report.redirects.kept += 1
            self.report.problem(old, f"Already redirects to {existing.new_path}: left so.")


def where(source: SourcePost) -> str:
    return f'"{source.title[:80]}" ({source.source_id})'


def atlas_digest(post: Post) -> str:
    """What staff may change in Atlas, as the import left it."""
    fields = [
        post.title,
        post.subtitle,
        post.body,
        post.status,
        post.visibility,
        post.kind,
        post.slug,
        post.seo_title,
        post.seo_description,
        post.canonical_url,
        post.feature_image.name or "",
        post.feature_image_alt,
        post.published_at.isoformat() if post.published_at else "",
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def comment_text(source_html: str) -> str:
    """A comment's HTML as the little Markdown comments are written in."""
    return html_conversion.to_markdown(source_html, lambda candidates, alt: "").markdown.strip()


def unique_slug(model: type[Post] | type[Tag] | type[Author], slug: str) -> str:
    base = slug_of(slug)[:180]
    candidate, number = base, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate
