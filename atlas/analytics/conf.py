"""Analytics switches: Django settings when present, else the environment, else defaults."""

from __future__ import annotations

import os

from django.conf import settings


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(name, default)))


def enabled() -> bool:
    """ATLAS_ANALYTICS=0 turns web counting off (the benchmark's switch)."""
    return _setting("ATLAS_ANALYTICS", "1").lower() not in ("0", "false", "no", "off")


def flush_seconds() -> float:
    return float(_setting("ATLAS_ANALYTICS_FLUSH_SECONDS", "10"))


def retention_days() -> int:
    return int(_setting("ATLAS_ANALYTICS_RETENTION_DAYS", "90"))
