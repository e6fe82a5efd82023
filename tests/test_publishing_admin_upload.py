"""Staff upload a feature image through the admin's post form: it is saved with its renditions,
on a new post and on an existing one, and the typed text is kept."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from atlas.publishing.models import Post


def jpeg_upload(name: str = "harbour.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def inline_prefixes(client: Client) -> list[str]:
    """The inlines of the post form, as registered (apps add theirs through a hook)."""
    page = client.get("/admin/publishing/post/add/").content.decode()
    return re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page)


def admin_form(client: Client, **fields: Any) -> dict[str, Any]:
    management = {
        f"{prefix}-{name}": value
        for prefix in inline_prefixes(client)
        for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }
    return {
        "title": "Harbour reopens",
        "subtitle": "",
        "body": "The first ships came in at dawn.",
        "status": Post.Status.DRAFT,
        "visibility": Post.Visibility.PUBLIC,
        "feature_image_alt": "Ships at the quay",
        **management,
        **fields,
    }


def test_a_feature_image_uploaded_through_the_admin_is_saved_with_renditions(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        "/admin/publishing/post/add/", admin_form(editor_client, feature_image=jpeg_upload())
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert post.body == "The first ships came in at dawn."
    assert post.feature_image.name.startswith("features/")
    assert sorted(post.feature_image_renditions["widths"]) == ["1200", "480", "960"]


def test_a_feature_image_added_to_an_existing_post_through_the_admin_is_saved(
    editor_client: Client,
) -> None:
    editor_client.post("/admin/publishing/post/add/", admin_form(editor_client))
    post = Post.objects.get()
    response = editor_client.post(
        f"/admin/publishing/post/{post.pk}/change/",
        admin_form(editor_client, feature_image=jpeg_upload("second.jpg"), body="Updated text."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post.refresh_from_db()
    assert post.body == "Updated text."
    assert post.feature_image_renditions["width"] == 1200


def test_a_post_saved_in_the_admin_by_staff_without_a_profile_gets_one_as_its_author(
    editor: Any, editor_client: Client
) -> None:
    editor.first_name, editor.last_name = "Zoë", "Ng"
    editor.save()
    editor_client.post("/admin/publishing/post/add/", admin_form(editor_client))
    post = Post.objects.get()
    assert [author.name for author in post.authors.all()] == ["Zoë Ng"]
