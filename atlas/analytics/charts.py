"""Charts as inline SVG drawn on the server by pygal: no script, nothing fetched."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, sans-serif",
    colors=("#1a5fb4", "#c64600", "#26a269", "#813d9c"),
)


def _config(chart_class: type, title: str, labels: Sequence[str]) -> pygal.graph.graph.Graph:
    return chart_class(
        title=title,
        style=STYLE,
        js=[],  # pygal links a script from a CDN by default
        width=900,
        height=320,
        show_legend=True,
        legend_at_bottom=True,
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels=list(labels),
        x_labels_major_every=max(1, len(labels) // 10),
        truncate_label=-1,
        disable_xml_declaration=True,
    )


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def render(chart: pygal.graph.graph.Graph) -> SafeString:
    """The SVG without pygal's inline tooltip script: the page works without JavaScript."""
    svg = chart.render(is_unicode=True, disable_xml_declaration=True)
    return mark_safe(_SCRIPT.sub("", svg))


def line_chart(title: str, labels: Sequence[str], series: dict[str, list[int]]) -> SafeString:
    chart = _config(pygal.Line, title, labels)
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)


def bar_chart(title: str, labels: Sequence[str], series: dict[str, list[int]]) -> SafeString:
    chart = _config(pygal.Bar, title, labels)
    for name, values in series.items():
        chart.add(name, values)
    return render(chart)
