"""Details of the article and its email: column alignment, bylines without authors, the feature
image's caption and credit (not its alt text), figures for titled images."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from atlas.delivery import rendering
from atlas.delivery.models import Send
from atlas.lib.markdown import render_markdown
from atlas.publishing import services
from atlas.publishing.models import Post

TABLE = "| Town | Votes |\n|:--|--:|\n| Évora | 1,204 |\n"


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (200, 90, 40)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="quay.jpg")


def test_table_columns_keep_their_alignment_as_classes() -> None:
    html = render_markdown(TABLE)
    assert '<th class="align-left">Town</th>' in html
    assert '<td class="align-right">1,204</td>' in html
    assert "style=" not in html  # nothing a Content-Security-Policy would block


def test_a_titled_image_alone_in_its_paragraph_is_a_figure_with_a_caption() -> None:
    html = render_markdown('![Cranes at dusk](/media/a.jpg "The port at night · Photo: Lu")')
    assert "<figure><img" in html and 'alt="Cranes at dusk"' in html
    assert "<figcaption>The port at night · Photo: Lu</figcaption></figure>" in html


def test_a_post_without_authors_shows_no_bare_by(client: Client, make_post: Any) -> None:
    post = make_post("Nobody wrote this", authors=[])
    post.postauthor_set.all().delete()
    page = client.get(post.get_absolute_url()).content.decode()
    assert ">By <" not in page and 'class="byline"' not in page
    text, html = rendering.render_parts(Send(post=post, subject=post.title), full=True)
    assert "By ·" not in html and "By  -" not in text and "\nBy " not in text


def test_the_feature_image_shows_caption_and_credit_and_keeps_alt_as_alt(
    client: Client, make_post: Any
) -> None:
    post = make_post(
        "Quay",
        feature_image=jpeg(),
        feature_image_alt="Two cranes over an empty quay",
        feature_image_caption="The quay on the first day of the strike.",
        feature_image_credit="Photo: Ana Lima",
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Two cranes over an empty quay"' in page
    assert "<figcaption>The quay on the first day of the strike." in page
    assert "Photo: Ana Lima" in page
    assert "<figcaption>Two cranes" not in page
    text, html = rendering.render_parts(Send(post=post, subject=post.title), full=True)
    assert "The quay on the first day of the strike. Photo: Ana Lima" in html
    assert "The quay on the first day of the strike. Photo: Ana Lima" in text


def test_an_image_without_caption_has_no_figcaption(client: Client, make_post: Any) -> None:
    post = make_post("Quay", feature_image=jpeg(), feature_image_alt="Cranes")
    post.refresh_from_db()
    services.save_post(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<figcaption>" not in page
    assert Post.objects.get(pk=post.pk).feature_image_renditions["width"] == 800
