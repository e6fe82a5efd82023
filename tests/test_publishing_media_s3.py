"""Media in an S3-compatible bucket (moto's server on 127.0.0.1 stands in): uploads through the
editor and the admin land in the bucket with their renditions, pages point readers at the
bucket, which serves them; files awaiting import stay private there."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from atlas.importing.models import ContentImport
from atlas.importing.runs import run_import as run_content_import
from atlas.lib.storage import private_storage, s3_storages
from atlas.members.import_runs import run_import as run_member_import
from atlas.members.models import MemberImport
from atlas.publishing.models import Post
from tests.fake_s3 import FakeS3, anonymous_get

DATA = Path(__file__).parent / "data"


def jpeg(name: str = "quay.jpg", size: tuple[int, int] = (1200, 800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def assert_served_from_bucket(url: str, fake_s3: FakeS3, bucket: str) -> None:
    assert url.startswith(f"{fake_s3.endpoint}/{bucket}/media/"), url
    status, body, content_type = anonymous_get(url)
    assert (status, content_type) == (200, "image/jpeg"), url
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_an_image_for_the_body_is_kept_in_the_bucket_with_its_renditions(
    editor_client: Client, s3_media: str, fake_s3: FakeS3, settings: Any
) -> None:
    answer = editor_client.post("/newsroom/images/", {"image": jpeg(size=(1000, 600))}).json()
    assert answer["ok"], answer
    assert_served_from_bucket(answer["url"], fake_s3, s3_media)
    keys = fake_s3.keys(s3_media)
    assert any(re.fullmatch(r"media/images/\d{4}/\d\d/quay\w*\.jpg", key) for key in keys), keys
    assert sum(key.startswith("media/renditions/") for key in keys) == 3  # 480, 960, 1000 wide
    assert not settings.MEDIA_ROOT.exists()  # nothing on this machine's disk


def test_two_uploads_of_one_name_are_two_files(
    editor_client: Client, s3_media: str, fake_s3: FakeS3
) -> None:
    for colour in ((200, 30, 30), (30, 200, 30)):
        buffer = io.BytesIO()
        Image.new("RGB", (500, 300), colour).save(buffer, "JPEG")
        upload = SimpleUploadedFile("same.jpg", buffer.getvalue(), content_type="image/jpeg")
        assert editor_client.post("/newsroom/images/", {"image": upload}).json()["ok"]
    originals = [key for key in fake_s3.keys(s3_media) if key.startswith("media/images/")]
    assert len(originals) == 2, originals


def test_a_feature_image_uploaded_through_the_admin_is_served_from_the_bucket(
    editor_client: Client, s3_media: str, fake_s3: FakeS3, client: Client
) -> None:
    form = {
        "title": "Harbour reopens", "subtitle": "", "body": "The first ships came in at dawn.",
        "status": Post.Status.PUBLISHED, "visibility": Post.Visibility.PUBLIC,
        "feature_image_alt": "Ships at the quay", "feature_image": jpeg(),
    }  # fmt: skip
    page = editor_client.get("/admin/publishing/post/add/").content.decode()
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = editor_client.post("/admin/publishing/post/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert sorted(post.feature_image_renditions["widths"]) == ["1200", "480", "960"]
    assert f"media/{post.feature_image.name}" in fake_s3.keys(s3_media)

    html = client.get(post.get_absolute_url()).content.decode()
    srcset = re.search(r'srcset="([^"]+)"', html)
    assert srcset is not None, html
    urls = [candidate.split()[0] for candidate in srcset.group(1).split(", ")]
    assert len(urls) == 3
    for url in urls:
        assert_served_from_bucket(url, fake_s3, s3_media)
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html)
    assert og_image is not None and og_image.group(1).startswith(fake_s3.endpoint)


def test_member_lists_awaiting_import_are_private_in_the_bucket(
    admin_client: Client, s3_media: str, fake_s3: FakeS3,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with (DATA / "ghost.csv").open("rb") as upload, django_capture_on_commit_callbacks():
        response = admin_client.post(
            "/admin/members/member/import/", {"file": upload, "confirmed": "on"}
        )
    assert response.status_code == 302
    member_import = MemberImport.objects.get()
    key = f"private/{member_import.file.name}"
    assert fake_s3.keys(s3_media) == [key]  # nothing under the public media/ prefix
    # The bucket's public policy covers media/ only: a reader gets nothing...
    assert anonymous_get(f"{fake_s3.endpoint}/{s3_media}/{key}")[0] == 403
    assert admin_client.get(f"/media/{member_import.file.name}").status_code == 404
    # ...and only a signed, short-lived address opens it.
    signed = private_storage().url(member_import.file.name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    assert anonymous_get(signed)[0] == 200

    run_member_import(member_import.pk)  # the worker reads it from the bucket
    member_import.refresh_from_db()
    assert (member_import.status, member_import.rows_total) == ("checked", 10)


def test_an_export_awaiting_import_is_private_and_read_from_the_bucket(
    owner_client: Client, s3_media: str, fake_s3: FakeS3,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with (
        (DATA / "content" / "wordpress.xml").open("rb") as upload,
        django_capture_on_commit_callbacks(),
    ):
        owner_client.post("/newsroom/import/", {"file": upload})
    content_import = ContentImport.objects.get()
    key = f"private/{content_import.file.name}"
    assert fake_s3.keys(s3_media) == [key]
    assert anonymous_get(f"{fake_s3.endpoint}/{s3_media}/{key}")[0] == 403
    run_content_import(content_import.pk)
    content_import.refresh_from_db()
    assert (content_import.status, content_import.platform) == ("checked", "wordpress")


def test_media_addresses_on_this_site_lead_to_the_bucket(
    client: Client, s3_media: str, fake_s3: FakeS3, db: Any, settings: Any
) -> None:
    name = default_storage.save("renditions/0123456789abcdef-480.jpg", jpeg())
    response = client.get(f"/media/{name}")
    assert response.status_code == 301
    assert_served_from_bucket(response["Location"], fake_s3, s3_media)
    assert client.get("/media/imports/list.csv").status_code == 404
    elsewhere = client.get("/media/https://elsewhere.example/a.jpg")
    assert elsewhere["Location"].startswith(f"{fake_s3.endpoint}/{s3_media}/media/")
    settings.MEDIA_URL = "https://media.example.org/"  # a CDN in front of the bucket
    elsewhere = client.get("/media/https://elsewhere.example/a.jpg")
    assert elsewhere["Location"].startswith("https://media.example.org/")


def test_the_email_preview_may_show_images_from_the_bucket(
    editor_client: Client, s3_media: str, fake_s3: FakeS3, settings: Any, make_post: Any
) -> None:
    settings.MEDIA_ORIGINS = [fake_s3.endpoint]  # as the settings make it of the environment
    post = make_post("Harbour reopens")
    answer = editor_client.get(f"/newsroom/posts/{post.pk}/email/")
    img_src = next(
        directive.split()[1:]
        for directive in answer["Content-Security-Policy"].split("; ")
        if directive.startswith("img-src ")
    )
    assert fake_s3.endpoint in img_src and "'self'" in img_src


@pytest.mark.parametrize(
    ("prefix", "private_bucket", "private_prefix"),
    [("", "", "private"), ("media", "", "media/private"), ("media", "", "media")],
)
def test_private_files_never_share_the_public_prefix(
    prefix: str, private_bucket: str, private_prefix: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match="would be public"):
        s3_storages(
            bucket="news", endpoint_url="", region="", prefix=prefix,
            private_bucket=private_bucket, private_prefix=private_prefix, addressing_style="",
        )  # fmt: skip


def test_a_bucket_of_their_own_lets_private_files_have_any_prefix() -> None:
    configured = s3_storages(
        bucket="news", endpoint_url="", region="", prefix="",
        private_bucket="news-private", private_prefix="", addressing_style="",
    )  # fmt: skip
    assert configured["private"]["OPTIONS"]["bucket_name"] == "news-private"
    assert configured["private"]["OPTIONS"]["querystring_auth"] is True
    assert configured["default"]["OPTIONS"]["querystring_auth"] is False


def settings_of(environment: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """What an `atlas` process configured by `environment` makes of it."""
    script = (
        "import json; from django.conf import settings;"
        "from django.core.files.storage import default_storage as media;"
        "print(json.dumps({'img_src': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'],"
        "'url': media.url('renditions/a-480.jpg')}))"
    )
    printed = subprocess.run(
        [sys.executable, "-m", "atlas", "shell", "-c", script],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "ATLAS_VAR_DIR": str(tmp_path), **environment},
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    return json.loads(printed.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_pages_may_show_images_from_the_bucket_and_nowhere_else(
    fake_s3: FakeS3, tmp_path: Path
) -> None:
    bucket = fake_s3.new_bucket()
    direct = settings_of(fake_s3.environment(bucket), tmp_path)
    assert direct["url"] == f"{fake_s3.endpoint}/{bucket}/media/renditions/a-480.jpg"
    assert direct["img_src"] == ["'self'", fake_s3.endpoint]
    through_cdn = settings_of(
        {**fake_s3.environment(bucket), "ATLAS_MEDIA_URL": "https://media.example.org/"}, tmp_path
    )
    assert through_cdn["url"] == "https://media.example.org/renditions/a-480.jpg"
    assert through_cdn["img_src"] == ["'self'", "https://media.example.org"]
    on_disk = settings_of({}, tmp_path)
    assert (on_disk["url"], on_disk["img_src"]) == ("/media/renditions/a-480.jpg", ["'self'"])
