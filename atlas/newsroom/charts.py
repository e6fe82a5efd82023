"""Bar charts drawn on the server as SVG: no script, nothing fetched, readable with one bar or a
hundred (bars keep a sensible width, labels thin out, the scale steps by whole round numbers).

The chart is a picture of a table that the page shows too: it has a title for screen readers,
each bar a tooltip (<title>), and the page's CSS colours it (the publication's accent).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 880, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 44
MAX_BAR = 56  # a lone bar stays a bar, not a wall
MAX_LABELS = 12
MAX_TICKS = 5


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    css_class: str = "nr-bar-shape"


def nice_steps() -> Iterator[int]:
    """1, 2, 5, 10, 20, 50, 100...: the steps a scale reads at a glance."""
    power = 1
    while True:
        yield from (power, 2 * power, 5 * power)
        power *= 10


def axis_ticks(value: int) -> list[int]:
    """The scale's lines, from 0 to the first at or above `value`, a whole nice step apart and
    at most MAX_TICKS of them above 0 (a top of 7 reads 0 2 4 6 8)."""
    step = next(step for step in nice_steps() if value <= step * MAX_TICKS)
    return [step * tick for tick in range(max(1, math.ceil(value / step)) + 1)]


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    number: Callable[[int], str] = lambda value: f"{value:,}",
) -> SafeString:
    """Grouped bars, one group per label; `number` writes values as the publication does.
    Built as plain strings (a year of days is over a thousand shapes): only the words are
    escaped, once each; the numbers are ours."""
    count = len(labels)
    if not count:
        return format_html('<p class="nr-empty">{}: nothing in this range.</p>', title)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ticks = axis_ticks(max((max(s.values, default=0) for s in series), default=0))
    top = ticks[-1]
    slot = plot_width / count
    group = min(slot * 0.8, MAX_BAR * len(series))
    bar = group / len(series)
    every = max(1, math.ceil(count / MAX_LABELS))
    names = [(escape(each.name), escape(each.css_class)) for each in series]
    parts: list[str] = []
    for tick in ticks:
        y = TOP + plot_height - plot_height * tick / top
        parts.append(
            f'<line class="nr-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(number(tick))}</text>'
        )
    for index, label in enumerate(labels):
        shown = escape(label)
        left = LEFT + slot * index + (slot - group) / 2
        for offset, (each, (name, css_class)) in enumerate(zip(series, names, strict=True)):
            value = each.values[index] if index < len(each.values) else 0
            height = plot_height * value / top
            parts.append(
                f'<rect class="{css_class}" x="{left + bar * offset:.1f}" '
                f'y="{TOP + plot_height - height:.1f}" width="{max(bar - 1, 1):.1f}" '
                f'height="{height:.1f}">'
                f"<title>{shown}: {escape(number(value))} {name}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{LEFT + slot * index + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label[:14])}</text>'
            )
    return format_html(
        '<svg class="nr-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>{}',
        WIDTH, HEIGHT, title, title, mark_safe("".join(parts)), legend(series),
    )  # fmt: skip


def legend(series: Sequence[Series]) -> SafeString:
    if len(series) < 2:
        return mark_safe("")
    keys = format_html_join(
        "",
        '<li><span class="nr-key{}" aria-hidden="true"></span>{}</li>',
        ((" nr-key-second" if "second" in each.css_class else "", each.name) for each in series),
    )
    return format_html('<ul class="nr-legend">{}</ul>', keys)
