"""Text for the terminal: a box around what a person must not miss among the log lines."""

from __future__ import annotations


def box(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    top = "╭" + "─" * (width + 2) + "╮"
    bottom = "╰" + "─" * (width + 2) + "╯"
    return "\n".join([top, *(f"│ {line.ljust(width)} │" for line in lines), bottom])
