"""Abstract feature illustrations for the demo stories, drawn with Pillow alone.

Each picture is deterministic for its seed and title: a palette, a gradient sky, one motif of
soft shapes (drawn small, blurred and enlarged, which is both soft and fast), a few crisp
accents at full size, and a little grain so that large flat areas do not band.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
SKETCH_SCALE = 4  # soft layers are drawn at a quarter of the size, then enlarged

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    background_top: Colour
    background_bottom: Colour
    shapes: tuple[Colour, ...]
    accent: Colour


def make_feature_image(seed: int, title: str) -> bytes:
    """Return a 1600x900 JPEG: an abstract illustration that is the same for the same input."""
    generator = random.Random(stable_seed(seed, title))
    palette = make_palette(generator)
    picture = vertical_gradient(palette.background_top, palette.background_bottom)
    motif = generator.choice(MOTIFS)
    soft_layer = motif(generator, palette)
    picture.paste(soft_layer, (0, 0), soft_layer)
    draw_accents(picture, generator, palette)
    picture = add_grain(picture)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()


def stable_seed(seed: int, title: str) -> int:
    """Mix the seed and title well (similar strings as seeds give similar first draws)."""
    digest = hashlib.sha256(f"{seed}:{title}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def make_palette(generator: random.Random) -> Palette:
    """Harmonious colours around one hue: analogous, complementary or triadic."""
    base_hue = generator.random()
    offsets = generator.choice([(0.0, 0.06, -0.06), (0.0, 0.5, 0.04), (0.0, 1 / 3, 2 / 3)])
    dark = generator.random() < 0.5
    top = hls_colour(base_hue + 0.02, 0.16 if dark else 0.90, 0.35 if dark else 0.30)
    bottom = hls_colour(base_hue - 0.04, 0.28 if dark else 0.78, 0.45)
    shapes = tuple(
        hls_colour(base_hue + offset, generator.uniform(0.42, 0.7), generator.uniform(0.35, 0.65))
        for offset in offsets * 2
    )
    accent = hls_colour(base_hue + offsets[1], 0.92 if dark else 0.22, 0.6)
    return Palette(top, bottom, shapes, accent)


def hls_colour(hue: float, lightness: float, saturation: float) -> Colour:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def vertical_gradient(top: Colour, bottom: Colour) -> Image.Image:
    mask = Image.linear_gradient("L").resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), bottom), Image.new("RGB", (WIDTH, HEIGHT), top), mask
    )


def sketch_canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    canvas = Image.new("RGBA", (WIDTH // SKETCH_SCALE, HEIGHT // SKETCH_SCALE), (0, 0, 0, 0))
    return canvas, ImageDraw.Draw(canvas)


def soften(canvas: Image.Image, radius: float) -> Image.Image:
    # Blur and enlarge with premultiplied alpha, so that edges do not darken into a fringe.
    premultiplied = canvas.convert("RGBa").filter(ImageFilter.GaussianBlur(radius))
    return premultiplied.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC).convert("RGBA")


def draw_orbs(generator: random.Random, palette: Palette) -> Image.Image:
    """Overlapping translucent discs, like light through coloured glass."""
    canvas, draw = sketch_canvas()
    width, height = canvas.size
    for index in range(generator.randint(6, 10)):
        radius = generator.uniform(0.12, 0.34) * height
        centre_x, centre_y = generator.uniform(0, width), generator.uniform(0, height)
        colour = palette.shapes[index % len(palette.shapes)]
        box = (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius)
        draw.ellipse(box, fill=(*colour, generator.randint(120, 210)))
    return soften(canvas, generator.uniform(1.5, 4))


def draw_waves(generator: random.Random, palette: Palette) -> Image.Image:
    """Stacked hills or swells, lighter at the back."""
    canvas, draw = sketch_canvas()
    width, height = canvas.size
    layers = generator.randint(4, 6)
    for layer in range(layers):
        baseline = height * (0.35 + 0.55 * layer / layers)
        swell = make_swell(generator)
        points = [(x, baseline + swell(x)) for x in range(0, width + 4, 4)]
        colour = palette.shapes[layer % len(palette.shapes)]
        draw.polygon([*points, (width, height), (0, height)], fill=(*colour, 150 + 20 * layer))
    return soften(canvas, 1.2)


def make_swell(generator: random.Random) -> Callable[[float], float]:
    """Two sine waves added together: a long swell with a shorter ripple on it."""
    long_amplitude, long_length = generator.uniform(6, 20), generator.uniform(120, 320)
    short_amplitude, short_length = generator.uniform(1, 6), generator.uniform(30, 80)
    long_phase, short_phase = generator.uniform(0, math.tau), generator.uniform(0, math.tau)

    def swell(x: float) -> float:
        return long_amplitude * math.sin(x / long_length * math.tau + long_phase) + (
            short_amplitude * math.sin(x / short_length * math.tau + short_phase)
        )

    return swell


def draw_bands(generator: random.Random, palette: Palette) -> Image.Image:
    """Broad diagonal bands of colour, like a folded paper poster."""
    canvas, draw = sketch_canvas()
    width, height = canvas.size
    slope = generator.uniform(0.4, 1.2) * generator.choice([-1, 1])
    position = -height * abs(slope)
    index = 0
    while position < width + height * abs(slope):
        band = generator.uniform(18, 60)
        if generator.random() < 0.7:
            colour = palette.shapes[index % len(palette.shapes)]
            corners = [
                (position, 0),
                (position + band, 0),
                (position + band + slope * height, height),
                (position + slope * height, height),
            ]
            draw.polygon(corners, fill=(*colour, generator.randint(110, 200)))
        position += band * generator.uniform(0.8, 1.6)
        index += 1
    return soften(canvas, 0.8)


def draw_blocks(generator: random.Random, palette: Palette) -> Image.Image:
    """A loose grid of rounded tiles, some missing, like a city seen from above."""
    canvas, draw = sketch_canvas()
    width, height = canvas.size
    columns = generator.randint(6, 10)
    cell = width / columns
    rows = int(height / cell) + 1
    for row in range(rows):
        for column in range(columns):
            if generator.random() < 0.35:
                continue
            inset = generator.uniform(2, cell * 0.25)
            box = (
                column * cell + inset,
                row * cell + inset,
                (column + 1) * cell - inset,
                (row + 1) * cell - inset,
            )
            colour = generator.choice(palette.shapes)
            draw.rounded_rectangle(
                box, radius=inset + 2, fill=(*colour, generator.randint(90, 200))
            )
    return soften(canvas, 0.9)


MOTIFS: tuple[Callable[[random.Random, Palette], Image.Image], ...] = (
    draw_orbs,
    draw_waves,
    draw_bands,
    draw_blocks,
)


def draw_accents(picture: Image.Image, generator: random.Random, palette: Palette) -> None:
    """A few crisp lines and rings at full size, for an editorial, drawn-by-hand feel."""
    draw = ImageDraw.Draw(picture)
    for _ in range(generator.randint(1, 3)):
        radius = generator.uniform(60, 220)
        centre_x, centre_y = generator.uniform(0, WIDTH), generator.uniform(0, HEIGHT)
        box = (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius)
        draw.ellipse(box, outline=palette.accent, width=generator.randint(3, 6))
    line_y = generator.uniform(0.15, 0.85) * HEIGHT
    spacing = generator.randint(14, 24)
    for offset in range(generator.randint(3, 6)):
        y = line_y + offset * spacing
        draw.line(
            (WIDTH * 0.08, y, WIDTH * generator.uniform(0.25, 0.45), y),
            fill=palette.accent,
            width=3,
        )


def add_grain(picture: Image.Image) -> Image.Image:
    noise = Image.effect_noise((WIDTH // 2, HEIGHT // 2), 10).resize((WIDTH, HEIGHT)).convert("RGB")
    return Image.blend(picture, ImageChops.soft_light(picture, noise), 0.35)
