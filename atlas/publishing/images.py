"""Feature images in a few widths, so pages can offer `srcset` and emails a sensible size."""

from __future__ import annotations

import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs


def make_renditions(image: FieldFile | None) -> dict[str, object]:
    """Write JPEG renditions of `image`; return {"widths": {width: name}, "width", "height"}.

    A missing or unreadable file gives no renditions (pages then fall back to the original,
    or to no image) rather than an error.
    """
    if not image or not image.name:
        return {}
    try:
        with image.open("rb") as source_file:
            data = source_file.read()
        opened = Image.open(io.BytesIO(data))
        source = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("Feature image %s is missing or unreadable", image.name)
        return {}
    digest = hashlib.sha256(data).hexdigest()[:16]
    names: dict[str, str] = {}
    targets = [width for width in WIDTHS if width < source.width]
    targets.append(min(source.width, WIDTHS[-1]))  # never enlarged
    for width in targets:
        resized = source.copy()
        resized.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        name = f"renditions/{digest}-{resized.width}.jpg"
        if not default_storage.exists(name):
            buffer = io.BytesIO()
            resized.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
            default_storage.save(name, ContentFile(buffer.getvalue()))
        names[str(resized.width)] = name
    return {"widths": names, "width": source.width, "height": source.height}
