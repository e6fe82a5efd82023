"""The search index's rows, and the search app's per-newsletter setting.

`SearchDocument` is written by database triggers on the post and tag tables (`schema.py`), in
the same transaction as the post: never by Python. Its public columns are what any reader may
search; `gated_body` holds the body of a post that is not public, searched only for readers
allowed to read it. On SQLite an FTS5 table reads its text from here; on PostgreSQL two
weighted `tsvector` columns (added by the migration) live on the row itself.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from atlas.members.models import Newsletter
from atlas.publishing.models import Post


class SearchDocument(models.Model):
    post = models.OneToOneField(
        Post,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row with the post
        db_constraint=False,
        related_name="+",
    )
    title = models.TextField(default="")
    subtitle = models.TextField(default="")
    tags = models.TextField(default="")
    body = models.TextField(default="", help_text="The body of a public post.")
    gated_body = models.TextField(default="", help_text="The body of a post that is not public.")

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return self.title


class SearchVector(models.Model):
    """PostgreSQL only: a post's weighted `tsvector`s, written by the triggers of `schema.py`,
    never by Python. Migration 0002 creates the table (its storage settings and GIN indexes are
    raw SQL); this model tells Django it exists, so that emptying the database (a test's flush)
    empties it with the documents it references."""

    document = models.OneToOneField(
        SearchDocument,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the table's own ON DELETE CASCADE
        db_column="post_id",
        related_name="+",
    )
    title_vector = SearchVectorField()
    public_vector = SearchVectorField()
    full_vector = SearchVectorField(null=True)

    class Meta:
        db_table = "search_vector"

    def __str__(self) -> str:
        return f"Vectors of post {self.pk}"


class SearchWord(models.Model):
    """A word of published posts' public text: what "did you mean" may suggest."""

    word = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "search_word"

    def __str__(self) -> str:
        return self.word


class NewsletterFooter(models.Model):
    """Whether a newsletter's emails end with three related stories."""

    newsletter = models.OneToOneField(
        Newsletter, on_delete=models.CASCADE, related_name="search_footer"
    )
    related_stories = models.BooleanField(
        default=False, help_text="End each email with three related stories from the archive."
    )

    class Meta:
        verbose_name = "newsletter footer"

    def __str__(self) -> str:
        return f"{self.newsletter}: {'related stories' if self.related_stories else 'none'}"
