"""Feature images come in several widths with srcset; a missing file never breaks a page."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image


def jpeg(width: int, height: int) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="feature.jpg")


def test_feature_image_is_resized_and_offered_with_srcset(client: Client, make_post: Any) -> None:
    post = make_post(
        "Pictured", feature_image=jpeg(2000, 1000), feature_image_alt="A harbour at dawn"
    )
    widths = post.feature_image_renditions["widths"]
    assert sorted(int(width) for width in widths) == [480, 960, 1600]
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'srcset="/media/renditions/' in html and "480w" in html and "1600w" in html
    assert 'alt="A harbour at dawn"' in html
    assert '<meta property="og:image" content="http://127.0.0.1:8000/media/renditions/' in html
    rendition = client.get(f"/media/{widths['480']}")
    assert rendition.status_code == 200
    image = Image.open(io.BytesIO(b"".join(rendition.streaming_content)))
    assert image.width == 480


def test_small_image_is_not_enlarged(make_post: Any) -> None:
    post = make_post("Small", feature_image=jpeg(600, 400))
    assert sorted(int(width) for width in post.feature_image_renditions["widths"]) == [480, 600]


def test_missing_or_broken_image_does_not_break_the_page(client: Client, make_post: Any) -> None:
    broken = make_post("Broken", feature_image=ContentFile(b"not an image", name="broken.jpg"))
    assert broken.feature_image_renditions == {}
    assert client.get(broken.get_absolute_url()).status_code == 200
    missing = make_post("Missing", feature_image=jpeg(800, 600))
    missing.feature_image.storage.delete(missing.feature_image.name)
    assert client.get(missing.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
