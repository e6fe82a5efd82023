"""Form helpers shared by the newsroom's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models


def https_urls(field: models.Field, **kwargs: Any) -> forms.Field:
    """Form fields as the model says, addresses typed without a scheme taken as https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)  # type: ignore[return-value]
