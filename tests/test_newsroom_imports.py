"""Moving in from the newsroom: upload, the dry run's report, confirm, progress, permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atlas.importing.models import ContentImport
from atlas.importing.runs import run_import
from atlas.publishing.models import Post, Redirect

DATA = Path(__file__).parent / "data" / "content"


@pytest.fixture
def owner_client(db: Any) -> Client:
    user = User.objects.create_superuser("owner", "owner@example.org", "a-long-test-password")
    client = Client()
    client.force_login(user)
    return client


def test_an_export_is_checked_shown_then_imported_once_confirmed(
    owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        (DATA / "wordpress.xml").open("rb") as upload,
        django_capture_on_commit_callbacks() as queued,
    ):
        response = owner_client.post("/newsroom/import/", {"file": upload})
    content_import = ContentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/newsroom/import/{content_import.pk}/"
    assert (content_import.status, len(queued)) == ("checking", 1)
    assert content_import.file.name.startswith("imports/content/")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Checking" in page and 'http-equiv="refresh"' in page
    run_import(content_import.pk)
    content_import.refresh_from_db()
    assert (content_import.status, content_import.platform) == ("checked", "wordpress")
    assert not Post.objects.exists()
    page = owner_client.get(response["Location"]).content.decode()
    assert "What the import will do" in page and "5 to create" in page
    assert "Removed a &lt;script&gt;" in page and 'value="confirm"' in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        owner_client.post(f"/newsroom/import/{content_import.pk}/decide/", {"action": "confirm"})
    assert len(queued) == 1
    run_import(content_import.pk)
    run_import(content_import.pk)  # a second delivery of the task does nothing
    content_import.refresh_from_db()
    assert (content_import.status, content_import.file.name) == ("done", "")
    assert content_import.items_done == content_import.items_total == 7
    assert Post.objects.count() == 6 and Redirect.objects.exists()
    page = owner_client.get(response["Location"]).content.decode()
    assert "What was imported" in page and "5 created" in page


def test_a_checked_import_can_be_cancelled(owner_client: Client) -> None:
    with (DATA / "ghost.json").open("rb") as upload:
        owner_client.post("/newsroom/import/", {"file": upload})
    content_import = ContentImport.objects.get()
    run_import(content_import.pk)
    owner_client.post(f"/newsroom/import/{content_import.pk}/decide/", {"action": "cancel"})
    content_import.refresh_from_db()
    assert (content_import.status, content_import.file.name) == ("cancelled", "")
    run_import(content_import.pk)
    assert not Post.objects.exists()
    page = owner_client.get(f"/newsroom/import/{content_import.pk}/").content.decode()
    assert "<strong>Cancelled</strong> · Ghost" in page and "Failed" not in page


def test_platforms_are_spelled_as_they_spell_themselves(owner_client: Client) -> None:
    page = owner_client.get("/newsroom/import/").content.decode()
    assert '<option value="wordpress">WordPress</option>' in page
    assert '<option value="beehiiv">beehiiv</option>' in page
    with (DATA / "wordpress.xml").open("rb") as upload:
        owner_client.post("/newsroom/import/", {"file": upload})
    content_import = ContentImport.objects.get()
    run_import(content_import.pk)
    page = owner_client.get(f"/newsroom/import/{content_import.pk}/").content.decode()
    assert " · WordPress · " in page


def test_a_file_atlas_cannot_read_fails_with_its_reason(
    owner_client: Client, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n")
    with notes.open("rb") as upload:
        owner_client.post("/newsroom/import/", {"file": upload})
    content_import = ContentImport.objects.get()
    run_import(content_import.pk)
    content_import.refresh_from_db()
    assert content_import.status == "failed"
    assert "cannot tell which platform" in content_import.error
    page = owner_client.get(f"/newsroom/import/{content_import.pk}/").content.decode()
    assert "cannot tell which platform" in page


def test_an_upload_that_is_no_export_is_refused_on_the_form(owner_client: Client) -> None:
    response = owner_client.post(
        "/newsroom/import/", {"file": SimpleUploadedFile("photo.png", b"\x89PNG")}
    )
    assert response.status_code == 200
    assert "Upload a .json, .xml, .zip or .csv export." in response.content.decode()
    assert not ContentImport.objects.exists()


def test_the_menu_shows_import_to_editors_only(editor_client: Client, db: Any) -> None:
    contributor = User.objects.create_user("cora", "cora@example.org", "a-long-test-password",
                                           is_staff=True)  # fmt: skip
    contributor.groups.add(Group.objects.get(name="Contributor"))
    assert 'href="/newsroom/import/"' in editor_client.get("/newsroom/").content.decode()
    assert editor_client.get("/newsroom/import/").status_code == 200
    other = Client()
    other.force_login(contributor)
    assert 'href="/newsroom/import/"' not in other.get("/newsroom/").content.decode()
    assert other.get("/newsroom/import/").status_code == 403
    assert Client().get("/newsroom/import/").status_code == 302  # to sign in
