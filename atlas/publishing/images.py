"""Images: checked with Pillow before they are kept, then offered in a few widths, so pages can
offer `srcset` and emails a sensible size."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # refuse decompression bombs
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}


class ImageRefused(ValueError):
    """An upload that is not an image we keep; the message says why, for the person who sent it."""


def max_upload_bytes() -> int:
    return settings.ATLAS_MAX_IMAGE_MB * 1024 * 1024


def read_upload(upload: File | FieldFile) -> bytes:
    """The bytes of an uploaded or stored file, leaving an upload open and rewound: the storage
    still has to save it (closing it here was the admin's 500 on every feature image)."""
    if isinstance(upload, FieldFile) and getattr(upload, "_committed", True):
        with upload.open("rb") as stored:
            return stored.read()
    source = upload.file if isinstance(upload, FieldFile) else upload
    source.seek(0)
    data = source.read()
    source.seek(0)
    return data


def check_image(data: bytes, name: str = "") -> tuple[int, int]:
    """(width, height) of an image we accept; otherwise ImageRefused with a clear reason."""
    label = f"“{name}”" if name else "This file"
    if len(data) > max_upload_bytes():
        raise ImageRefused(
            f"{label} is {len(data) / 1_048_576:.1f} MB; images can be at most "
            f"{settings.ATLAS_MAX_IMAGE_MB} MB. Export it smaller (2,000 pixels wide is plenty)."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if image.format not in FORMATS:
                raise ImageRefused(
                    f"{label} is a {image.format} image; use JPEG, PNG, GIF or WebP."
                )
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(
            f"{label} is too many pixels to open safely (the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels). Resize it and try again."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused(
            f"{label} is not an image Atlas can read: its content is not JPEG, PNG, GIF or "
            "WebP, whatever its name says."
        ) from None
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            f"{label} is {width:,} x {height:,} pixels; the limit is "
            f"{MAX_PIXELS // 1_000_000} megapixels. Resize it and try again."
        )
    return width, height


def make_renditions(image: FieldFile | None) -> dict[str, object]:
    """Write JPEG renditions of `image`; return {"widths": {width: name}, "width", "height"}.

    A missing or unreadable file gives no renditions (pages then fall back to the original,
    or to no image) rather than an error.
    """
    if not image or not image.name:
        return {}
    try:
        data = read_upload(image)
    except (OSError, ValueError):
        logger.warning("Feature image %s is missing or unreadable", image.name)
        return {}
    return renditions_of(data, image.name)


def renditions_of(data: bytes, name: str = "") -> dict[str, Any]:
    try:
        opened = Image.open(io.BytesIO(data))
        source = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("Image %s is unreadable", name)
        return {}
    digest = hashlib.sha256(data).hexdigest()[:16]
    names: dict[str, str] = {}
    targets = [width for width in WIDTHS if width < source.width]
    targets.append(min(source.width, WIDTHS[-1]))  # never enlarged
    for width in targets:
        resized = source.copy()
        resized.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        rendition = f"renditions/{digest}-{resized.width}.jpg"
        if not default_storage.exists(rendition):
            buffer = io.BytesIO()
            resized.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
            default_storage.save(rendition, ContentFile(buffer.getvalue()))
        names[str(resized.width)] = rendition
    return {"widths": names, "width": source.width, "height": source.height}
