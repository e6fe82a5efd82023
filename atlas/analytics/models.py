"""Aggregate counts only: page-view counters, salted visitor hashes, event counters, daily rollups.

Nothing here points into another app's tables: posts and newsletters are named by their ids, so
analytics depends on no app that counts through it. Nothing here identifies a reader: no IP
address is stored, visitor hashes are salted with a random per-day salt that is deleted once the
day is over, so yesterday's hashes cannot be linked to anyone or to today's.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DailySalt(models.Model):
    """Today's random salt for visitor hashes; deleted after the day ends."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Salt of {self.day}"


class PageViewCounter(models.Model):
    """Views of one path on one day from one source: the fine-grained counts, kept for
    ATLAS_ANALYTICS_RETENTION_DAYS, written only by upserts from the counting middleware."""

    day = models.DateField()
    path = models.CharField(max_length=300)
    referrer_domain = models.CharField(max_length=255, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    device = models.CharField(max_length=8)
    country = models.CharField(max_length=2, blank=True, help_text="With ATLAS_GEOIP_DATABASE.")
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day", "path", "referrer_domain", "utm_source", "utm_campaign", "device",
                    "country",
                ],
                name="one_page_view_counter_per_country",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


class DailyVisitor(models.Model):
    """One salted visitor hash per (day, path): counts unique visitors exactly."""

    day = models.DateField()
    path = models.CharField(max_length=300)
    visitor_hash = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "path", "visitor_hash"], name="one_daily_visitor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.path}"


class EventCounter(models.Model):
    """What another app counts through `analytics.services` (a sponsor's impressions and
    clicks): one row per (day, kind, subject, channel), only ever added to by upserts.

    `visitors` holds the distinct visitors of days that are over; today's are `EventVisitor`
    rows until the periodic rollup adds them up here and deletes them. Kept indefinitely.
    """

    day = models.DateField()
    kind = models.CharField(max_length=40)
    subject = models.PositiveBigIntegerField(help_text="The counted thing's id, e.g. a campaign.")
    channel = models.CharField(max_length=16, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "day", "channel"], name="one_event_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.subject} {self.channel}: {self.count}"


class EventVisitor(models.Model):
    """A salted visitor hash behind today's events of one counter (for unique counts)."""

    day = models.DateField()
    kind = models.CharField(max_length=40)
    subject = models.PositiveBigIntegerField()
    channel = models.CharField(max_length=16, blank=True)
    visitor_hash = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "day", "channel", "visitor_hash"],
                name="one_event_visitor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.subject}"


class DailyPageStats(models.Model):
    """Rolled up: one path on one day. Kept indefinitely."""

    day = models.DateField()
    path = models.CharField(max_length=300)
    post_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The post this path showed, when it was an article."
    )
    views = models.PositiveBigIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="one_daily_page_stats")]
        indexes = [models.Index(fields=["post_id", "day"], name="analytics_page_post_day")]
        verbose_name_plural = "daily page stats"

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


class DailyReferrerStats(models.Model):
    """Rolled up: views of one path on one day from one referring domain or campaign."""

    day = models.DateField()
    path = models.CharField(max_length=300)
    referrer_domain = models.CharField(max_length=255, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "path", "referrer_domain", "utm_source", "utm_campaign"],
                name="one_daily_referrer_stats",
            )
        ]
        indexes = [models.Index(fields=["day"])]
        verbose_name_plural = "daily referrer stats"

    def __str__(self) -> str:
        return f"{self.day} {self.referrer_domain or '(direct)'}: {self.views}"


class DailyCountryStats(models.Model):
    """Rolled up: views from one country on one day ("" when unknown). Kept indefinitely."""

    day = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "country"], name="one_daily_country_stats")
        ]
        verbose_name_plural = "daily country stats"

    def __str__(self) -> str:
        return f"{self.day} {self.country or '(unknown)'}: {self.views}"


class DailySiteStats(models.Model):
    """Rolled up: the whole site on one day (traffic and member growth). Kept indefinitely."""

    day = models.DateField(unique=True)
    views = models.PositiveBigIntegerField(default=0)
    visitors = models.PositiveBigIntegerField(default=0)
    mobile_views = models.PositiveBigIntegerField(default=0)
    signups = models.PositiveIntegerField(default=0)
    paid_signups = models.PositiveIntegerField(default=0)
    confirmations = models.PositiveIntegerField(default=0)
    unsubscribes = models.PositiveIntegerField(default=0)
    signup_sources = models.JSONField(
        default=dict, blank=True, help_text="Sign-ups by source or utm_source."
    )
    rolled_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name_plural = "daily site stats"

    def __str__(self) -> str:
        return f"{self.day}: {self.views} views"

    @property
    def net_growth(self) -> int:
        return self.signups - self.unsubscribes


class DailyNewsletterStats(models.Model):
    """Rolled up: subscriptions started and ended for one newsletter on one day."""

    day = models.DateField()
    newsletter_id = models.PositiveBigIntegerField()
    subscribed = models.PositiveIntegerField(default=0)
    unsubscribed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "newsletter_id"], name="one_daily_newsletter")
        ]
        verbose_name_plural = "daily newsletter stats"

    def __str__(self) -> str:
        return f"{self.day} {self.newsletter_id}: +{self.subscribed} -{self.unsubscribed}"
