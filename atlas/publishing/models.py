"""The publication, its authors and tags, posts, their revisions and public corrections."""

from __future__ import annotations

import base64
import hashlib
import zoneinfo
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from atlas.lib.compiled import CompiledQuery
from atlas.lib.markdown import reading_time_minutes, render_markdown
from atlas.lib.singleton import SingletonModel
from atlas.lib.urls import url_with_slug

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a5fb4.")


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Paris).")


class Publication(SingletonModel):
    """The one publication this installation runs (a single row)."""

    name = models.CharField(max_length=120, default="Atlas News")
    description = models.CharField(max_length=300, blank=True)
    logo = models.ImageField(upload_to="publication/", blank=True)
    accent_colour = models.CharField(max_length=7, default="#1a5fb4", validators=[hex_colour])
    language = models.CharField(max_length=16, default="en", choices=settings.LANGUAGES)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    public_url = models.URLField(
        help_text="The site's address as readers see it, used in feeds, emails and links. "
        "Empty: ATLAS_PUBLIC_URL.",
        blank=True,
    )
    sponsored_after_paragraph = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Articles show the Sponsored block after this paragraph.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "publication settings"
        verbose_name_plural = "publication settings"

    def __str__(self) -> str:
        return self.name

    @property
    def base_url(self) -> str:
        return (self.public_url or settings.ATLAS_PUBLIC_URL).rstrip("/")

    def absolute(self, path: str) -> str:
        """`path` on the public site; a full address (media in a bucket) stays as it is."""
        return path if urlsplit(path).scheme else self.base_url + path

    @property
    def origin(self) -> str:
        """The public address's scheme and host: where emails' images come from."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def accent_style(self) -> str:
        """The reader pages' one inline style (base.html), allowed by its hash (CSP)."""
        return f":root{{--accent:{self.accent_colour or '#1a5fb4'}}}"

    @property
    def accent_style_source(self) -> str:
        """`accent_style` as a Content-Security-Policy source."""
        digest = hashlib.sha256(self.accent_style.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    avatar = models.ImageField(upload_to="authors/", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_with_slug("publishing:author", self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_with_slug("publishing:tag", self.slug)


class PostQuerySet(models.QuerySet["Post"]):
    def published(self, now: datetime | None = None) -> PostQuerySet:
        """What readers may see: the one definition every surface uses."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def due(self) -> PostQuerySet:
        """Scheduled posts whose time has come."""
        return self.filter(status=Post.Status.SCHEDULED, published_at__lte=timezone.now())

    def for_listing(self) -> PostQuerySet:
        return self.defer("body", "body_html").prefetch_related(
            models.Prefetch("authors", queryset=Author.objects.order_by("postauthor__position"))
        )

    def newest_first(self) -> PostQuerySet:
        return self.order_by("-published_at", "-pk")

    def articles(self) -> PostQuerySet:
        """Posts that belong in listings and feeds: not the standalone pages (About...)."""
        return self.filter(kind=Post.Kind.ARTICLE)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone"
        MEMBERS = "members", "Members only"
        PAID = "paid", "Paid members only"

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        PAGE = "page", "Page (not listed: About, Contact...)"

    title = models.CharField(max_length=200)
    subtitle = models.CharField(
        max_length=400, blank=True, help_text="Shown under the headline and as the excerpt."
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="Part of the address. Made from the title when empty; fixed once published.",
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    reading_time = models.PositiveSmallIntegerField(default=1, editable=False)

    feature_image = models.ImageField(upload_to="features/%Y/%m/", blank=True)
    feature_image_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it (screen readers, "
        "images turned off). Required before publishing.",
    )
    feature_image_caption = models.CharField(
        max_length=300, blank=True, help_text="Shown under the image."
    )
    feature_image_credit = models.CharField(
        max_length=200, blank=True, help_text="Who made the image, e.g. “Photo: Ana Lima/Reuters”."
    )
    feature_image_renditions = models.JSONField(default=dict, blank=True, editable=False)

    authors: models.ManyToManyField[Author, PostAuthor] = models.ManyToManyField(
        Author, through="PostAuthor", related_name="posts"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    kind = models.CharField(
        max_length=8,
        choices=Kind.choices,
        default=Kind.ARTICLE,
        help_text="Pages are read at their address but kept out of listings and feeds.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When it goes (or went) live."
    )
    content_modified_at = models.DateTimeField(null=True, blank=True, editable=False)

    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=400, blank=True)
    canonical_url = models.URLField(blank=True)

    review_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a contributor marked the draft ready for review (editors see it).",
    )
    # Moves on at every save: an editor's save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()
    # Set by services.save_post for one save: True when readers could not see the post before
    # or after it, so cached pages need not be retired.
    readers_unaffected = False

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # Lists newest first, a page at a time from a cursor (atlas.lib.keyset).
            models.Index(fields=["status", "kind", "published_at", "id"], name="post_listing"),
        ]
        permissions = [
            ("publish_post", "Can publish and schedule own posts"),
            ("edit_others_posts", "Can edit and publish every post"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_with_slug("publishing:post", self.slug)

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def was_published(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.ARCHIVED)

    @property
    def has_feature_image(self) -> bool:
        return bool(self.feature_image_renditions.get("widths") or self.feature_image)

    @property
    def excerpt(self) -> str:
        return self.subtitle or self.seo_description

    @property
    def date_modified(self) -> Any:
        return max(filter(None, [self.published_at, self.content_modified_at]), default=None)

    def clean(self) -> None:
        if self.status == self.Status.SCHEDULED and not self.published_at:
            raise ValidationError({"published_at": "A scheduled post needs a publish time."})
        if self.pk and self.slug:
            stored = Post.objects.filter(pk=self.pk).values("slug", "status").first()
            if (
                stored
                and stored["status"] in (self.Status.PUBLISHED, self.Status.ARCHIVED)
                and stored["slug"] != self.slug
            ):
                raise ValidationError(
                    {"slug": "The address of a published post cannot change: links to it exist."}
                )

    def render(self) -> None:
        """Render the Markdown body once, so that pages and emails only read HTML."""
        self.body_html = render_markdown(self.body)
        self.word_count, self.reading_time = reading_time_minutes(self.body)

    def ensure_slug(self) -> None:
        if self.slug:
            return
        base = slugify(self.title, allow_unicode=True)[:190] or "post"
        candidate, number = base, 2
        while Post.objects.filter(slug=candidate).exclude(pk=self.pk).exists():
            candidate, number = f"{base}-{number}", number + 1
        self.slug = candidate


# The queries of every article page, compiled once per process (see atlas.lib.compiled).
_SAMPLE_ID = -7_391_004_215
_published_by_slug = CompiledQuery(
    Post,
    lambda slug, now: Post.objects.published(now).filter(slug=slug).order_by(),
    "atlas-sample-slug",
    datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
)


_authors_of = CompiledQuery(
    Author,
    lambda post_id: Author.objects.filter(postauthor__post_id=post_id).order_by(
        "postauthor__position"
    ),
    _SAMPLE_ID,
)
_tags_of = CompiledQuery(Tag, lambda post_id: Tag.objects.filter(posts__id=post_id), _SAMPLE_ID)


def authors_of(post: Post) -> list[Author]:
    """The post's authors in byline order (compiled once)."""
    return list(_authors_of(post.pk))


def tags_of(post: Post) -> list[Tag]:
    """The post's tags (compiled once)."""
    return list(_tags_of(post.pk))


def published_post(slug: str) -> Post | None:
    """`Post.objects.published().filter(slug=slug).first()`, compiled once."""
    return next(iter(_published_by_slug(slug, timezone.now())), None)


class PostImage(models.Model):
    """An image uploaded for a post's body, with its renditions (the body links to one)."""

    file = models.ImageField(upload_to="images/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renditions = models.JSONField(default=dict, blank=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file.name

    def rendition_name(self, width: int = 960) -> str:
        """The stored rendition closest to `width` without going over (else the smallest)."""
        widths = sorted(int(each) for each in self.renditions.get("widths", {}))
        if not widths:
            return self.file.name
        fitting = [each for each in widths if each <= width] or widths[:1]
        return self.renditions["widths"][str(fitting[-1])]


class PostAuthor(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "author"], name="unique_post_author")
        ]
        verbose_name = "author"

    def __str__(self) -> str:
        return f"{self.author} on {self.post}"


class Revision(models.Model):
    """A copy of a post's words as saved, with who saved it and what changed."""

    TRACKED_FIELDS = ("title", "subtitle", "body", "seo_title", "seo_description", "status")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=400, blank=True)
    body = models.TextField(blank=True)
    seo_title = models.CharField(max_length=200, blank=True)
    seo_description = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=16, choices=Post.Status.choices)
    changed_fields = models.JSONField(default=list)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} at {self.created_at:%Y-%m-%d %H:%M}"

    def snapshot(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.TRACKED_FIELDS}


class Correction(models.Model):
    """A dated, public note at the end of an article: what was wrong, or what changed."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="Markdown. Say what was wrong and what is right.")
    text_html = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.published_at:%d %B %Y}: {self.post}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#correction-{self.pk}"

    def render(self) -> None:
        self.text_html = render_markdown(self.text, profile="inline")


class Redirect(models.Model):
    """An old address that lives elsewhere now, answered with a 301 (`RedirectMiddleware`).

    Imports fill it with every address the old site had (Ghost `/slug/`, WordPress
    `/2019/05/01/slug/` and `/?p=123`, Substack and beehiiv `/p/slug`, tag and author archives);
    staff edit it in the admin. `old_path` is stored normalised (`normalize_old_path`)."""

    old_path = models.CharField(
        max_length=500,
        unique=True,
        help_text="The old address on this site: a path such as /2019/05/01/slug/, or /?p=123.",
    )
    new_path = models.CharField(
        max_length=500, help_text="Where it lives now: a path such as /posts/slug/, or a full URL."
    )
    source = models.CharField(
        max_length=40, blank=True, help_text="Where it came from: ghost, wordpress, staff..."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.old_path = normalize_old_path(self.old_path)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.old_path = normalize_old_path(self.old_path)
        if not (self.new_path.startswith("/") or self.new_path.startswith(("https://", "http://"))):
            raise ValidationError({"new_path": "Use a path starting with / or a full http(s) URL."})
        if normalize_old_path(self.new_path) == self.old_path:
            raise ValidationError({"new_path": "An address cannot redirect to itself."})


# Query parameters that name content on the old site (WordPress's plain links): kept in
# `Redirect.old_path`; every other parameter (utm_*, fbclid...) is ignored when matching.
REDIRECT_QUERY_KEYS = ("p", "page_id", "cat", "tag", "author", "attachment_id")


def normalize_old_path(address: str) -> str:
    """`/Path/?p=1&utm_source=x` -> `/Path?p=1`: no host, no trailing slash (but `/`), only the
    query parameters that name content, in a stable order."""
    address = address.strip()
    if "://" in address:
        address = "/" + address.split("://", 1)[1].partition("/")[2]
    path, _, query = address.partition("?")
    path = "/" + path.split("#", 1)[0].strip("/")
    if path != "/":
        path = path.rstrip("/")
    pairs = sorted(
        (key, value)
        for key, _, value in (part.partition("=") for part in query.split("&") if part)
        if key in REDIRECT_QUERY_KEYS
    )
    return path + ("?" + "&".join(f"{key}={value}" for key, value in pairs) if pairs else "")
