"""Template helpers for the newsroom: numbers in the publication's language, states as badges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import formats, translation

register = template.Library()

NOTHING = "\u2013"  # an en dash: no figure

# The colour of a state's badge (its words say the state; the colour only helps).
BADGES = {
    "ok": {"published", "done", "running", "active", "sent", "approved"},
    "warn": {"scheduled", "paused", "waiting", "held", "pending", "preparing", "queued", "draft"},
    "danger": {"failed", "cancelled", "bounced", "complained", "hidden", "deleted", "banned"},
    "info": {"sending", "review", "ended", "unsubscribed"},
}


@lru_cache(maxsize=64)
def thousands(language: str) -> str | None:
    """The language's thousands separator, when it groups by threes (else None: Django's
    formatter handles the other groupings)."""
    if formats.get_format("NUMBER_GROUPING", language) not in (0, 3):
        return None
    return str(formats.get_format("THOUSAND_SEPARATOR", language))


def counter(language: str) -> Callable[[int], str]:
    """`count` for one language, for code that writes many numbers (a chart's bars)."""
    separator = thousands(language)
    if separator is None:
        return lambda value: formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    return lambda value: f"{value:,}".replace(",", separator)


@register.filter
def count(value: Any) -> str:
    """A whole number grouped as the publication's language writes it (24,797 or 24 797).
    Tables of numbers call this thousands of times: whole numbers take a short way."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, int) and not isinstance(value, bool):
        separator = thousands(translation.get_language() or "en")
        if separator is not None:
            return f"{value:,}".replace(",", separator)
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def decimal(value: Any, places: int = 1) -> str:
    if value is None or value == "":
        return NOTHING
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def percent_of(part: Any, whole: Any) -> str:
    """`part` as a percentage of `whole`, one decimal (a dash when there is no whole)."""
    if not whole:
        return NOTHING
    return decimal(100 * float(part or 0) / float(whole)) + " %"


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return NOTHING
    return ("+" if value > 0 else "") + count(value)


@register.filter
def badge(status: Any) -> str:
    for colour, names in BADGES.items():
        if str(status) in names:
            return f"nr-badge nr-badge-{colour}"
    return "nr-badge"


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (None or "" removes one)."""
    request = context["request"]
    params = {key: value for key, value in request.GET.items()}
    params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


@register.filter
def cell(value: Any) -> str:
    """A table cell: whole numbers grouped, days written out, nothing as a dash."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return count(value)
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)


@register.filter
def detail(value: Any) -> str:
    """A value from a history entry's details: a list as words, not as Python writes it."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
