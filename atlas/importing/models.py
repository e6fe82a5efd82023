"""Imports of whole publications: each run's file and report, and where each object came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from atlas.importing.report import PLATFORM_NAMES
from atlas.lib.storage import private_storage


class ContentImport(models.Model):
    """An import of posts started from the newsroom: its file, its dry run, then its progress and
    report. A worker checks the file first (`checking` -> `checked`, with the dry run's report);
    the import runs only once staff confirm it (`queued` -> `running` -> `done`)."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked: waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    # In the private storage: never served to readers.
    file = models.FileField(
        upload_to="imports/content/", storage=private_storage, max_length=300, blank=True
    )
    images = models.FileField(
        upload_to="imports/content/", storage=private_storage, max_length=300, blank=True
    )
    original_name = models.CharField(max_length=255, blank=True)
    platform = models.CharField(max_length=16, blank=True, help_text="As detected or chosen.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    items_total = models.PositiveIntegerField(default=0)
    items_done = models.PositiveIntegerField(default=0)
    dry_run_report = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.original_name} ({self.get_status_display()})"

    @property
    def platform_name(self) -> str:
        """The platform as it spells itself ("WordPress", "beehiiv")."""
        return PLATFORM_NAMES.get(self.platform, self.platform)


class ImportedObject(models.Model):
    """Where an object came from, so that importing the same file again updates it instead of
    adding a copy, and leaves it alone once staff changed it in Atlas.

    `source_digest` fingerprints the source record as last imported (unchanged: nothing to do);
    `atlas_digest` fingerprints the Atlas object as the import left it (different now: staff
    edited it since, and it is left as they made it)."""

    class Kind(models.TextChoices):
        POST = "post", "Post or page"
        AUTHOR = "author", "Author"
        TAG = "tag", "Tag"
        COMMENT = "comment", "Comment"

    source = models.CharField(
        max_length=200, help_text="The platform and site, e.g. wordpress:https://old.example.org"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    source_digest = models.CharField(max_length=64, blank=True)
    atlas_digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="one_object_per_source_id"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_id} from {self.source}"
