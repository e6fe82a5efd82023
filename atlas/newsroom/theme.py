"""The publication's accent in the newsroom, with the colours that stay readable on and beside it.

Any accent staff choose is shown: as a background with black or white text (whichever reads
better), and as links and outlines on white, darkened until they reach WCAG AA (4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass

WHITE = "#ffffff"
INK = "#1b1b1f"
AA_TEXT = 4.5


def _channel(value: int) -> float:
    share = value / 255
    return share / 12.92 if share <= 0.03928 else ((share + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darken(colour: str, factor: float) -> str:
    channels = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return "#" + "".join(f"{round(value * factor):02x}" for value in channels)


@dataclass(frozen=True)
class Theme:
    accent: str
    accent_ink: str  # text on the accent
    accent_text: str  # the accent as text on white

    def css(self) -> str:
        return (
            f":root{{--nr-accent:{self.accent};--nr-accent-ink:{self.accent_ink};"
            f"--nr-accent-text:{self.accent_text}}}\n"
        )


def theme_for(accent: str) -> Theme:
    accent = accent.lower() if _is_colour(accent) else "#1a5fb4"
    ink = WHITE if contrast(accent, WHITE) >= contrast(accent, INK) else INK
    text, factor = accent, 1.0
    while contrast(text, WHITE) < AA_TEXT and factor > 0:
        factor = round(factor - 0.05, 2)
        text = darken(accent, factor)
    return Theme(accent, ink, text)


def _is_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
