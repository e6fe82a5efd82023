"""What an export says, whatever the platform: authors, tags, posts and their comments.

Each reader (`ghost`, `wordpress`, `substack`, `beehiiv`) turns its platform's file into these;
the services map them onto Atlas. Posts come lazily, one at a time: memory stays flat.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from atlas.publishing.models import Post


@dataclass
class SourceAuthor:
    source_id: str
    name: str
    slug: str
    bio: str = ""
    email: str = ""


@dataclass
class SourceTag:
    source_id: str
    name: str
    slug: str
    description: str = ""
    archive_paths: list[str] = field(default_factory=list)  # its old listing's addresses


@dataclass
class SourceComment:
    source_id: str
    parent_id: str
    author_name: str
    author_email: str
    created_at: datetime
    html: str


@dataclass
class SourcePost:
    source_id: str
    title: str
    slug: str
    html: str
    kind: str = Post.Kind.ARTICLE
    subtitle: str = ""
    status: str = Post.Status.DRAFT
    visibility: str = Post.Visibility.PUBLIC
    published_at: datetime | None = None
    feature_image: list[str] = field(default_factory=list)  # candidate addresses, best first
    feature_image_alt: str = ""
    feature_image_caption: str = ""
    seo_title: str = ""
    seo_description: str = ""
    canonical_url: str = ""
    author_ids: list[str] = field(default_factory=list)  # byline order
    tag_ids: list[str] = field(default_factory=list)  # the primary tag first
    old_paths: list[str] = field(default_factory=list)  # addresses on the old site
    comments: list[SourceComment] = field(default_factory=list)
    skipped_comments: int = 0  # held, spam, trash, pingbacks
    skip: str = ""  # why the post is not imported at all (in the trash...)
    notes: list[str] = field(default_factory=list)  # what the mapping could not keep as it was

    def digest(self) -> str:
        """A fingerprint of everything imported from the post, comments aside."""
        data = asdict(self)
        data.pop("comments")
        data.pop("skipped_comments")
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


@dataclass
class SourceExport:
    """One export, opened: the platform, the site it came from, its authors and tags, and its
    posts as a lazy iterator (with an estimate of their number, for progress)."""

    platform: str
    site: str  # the source key: the same site's objects are matched across imports
    authors: list[SourceAuthor]
    tags: list[SourceTag]
    posts: Iterator[SourcePost]
    post_count: int = 0
    problems: list[str] = field(default_factory=list)
    skipped_tags: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
