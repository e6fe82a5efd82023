"""Operational state shared by every process: rate-limit counters."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one key in one fixed window; one row per (key, window)."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Unix time the window began.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="unique_rate_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.hits}"
