"""Importing members from the newsroom: upload, the check's report by line, confirm, progress."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from atlas.members.import_runs import run_import
from atlas.members.models import Member, MemberImport

SUBSTACK = (
    "email,active_subscription,expiry,plan,email_disabled,created_at,name\n"
    "zoe.avila@example.org,false,,,,2024-01-03T10:00:00Z,Zoë Ávila\n"
    "tomas@example.org,false,,,,2024-02-03T10:00:00Z,Tomás Núñez\n"
    "not-an-address,false,,,,2024-02-04T10:00:00Z,Nobody\n"
)


def upload(client: Client, text: str = SUBSTACK) -> MemberImport:
    response = client.post("/newsroom/members/import/", {
        "file": SimpleUploadedFile("substack.csv", text.encode(), "text/csv"),
    })  # fmt: skip
    member_import = MemberImport.objects.get()
    assert response["Location"] == f"/newsroom/members/import/{member_import.pk}/"
    return member_import


def test_a_list_is_checked_first_and_imported_only_once_confirmed(editor_client: Client) -> None:
    member_import = upload(editor_client)
    assert member_import.status == "checking"
    run_import(member_import.pk)  # the worker's dry run
    page = editor_client.get(f"/newsroom/members/import/{member_import.pk}/").content.decode()
    assert "Substack" in page and "Every problem, by line" in page
    assert '<td class="nr-num">4</td>' in page  # the bad address, on line 4
    assert not Member.objects.exists()  # the check wrote nothing
    editor_client.post(f"/newsroom/members/import/{member_import.pk}/decide/",
                       {"action": "confirm"})  # fmt: skip
    run_import(member_import.pk)  # the worker's import
    member_import.refresh_from_db()
    assert member_import.status == "done"
    assert set(Member.objects.values_list("name", flat=True)) == {"Zoë Ávila", "Tomás Núñez"}
    progress = editor_client.get(f"/newsroom/members/import/{member_import.pk}/progress.json")
    assert progress.json()["finished"] is True


def test_a_checked_import_can_be_cancelled(editor_client: Client) -> None:
    member_import = upload(editor_client)
    run_import(member_import.pk)
    editor_client.post(f"/newsroom/members/import/{member_import.pk}/decide/",
                       {"action": "cancel"})  # fmt: skip
    member_import.refresh_from_db()
    assert member_import.status == "cancelled" and not member_import.file
    assert not Member.objects.exists()
    page = editor_client.get(f"/newsroom/members/import/{member_import.pk}/").content.decode()
    assert "Cancelled" in page and "Failed" not in page
    home = editor_client.get("/newsroom/").content.decode()
    assert "substack.csv failed" not in home  # nothing waits for a decision


def test_a_file_without_an_email_column_is_refused_on_the_form(editor_client: Client) -> None:
    response = editor_client.post("/newsroom/members/import/", {
        "file": SimpleUploadedFile("people.csv", b"name,city\nAnn,Oslo\n", "text/csv"),
    })  # fmt: skip
    assert response.status_code == 200 and "email" in response.content.decode().lower()
    assert not MemberImport.objects.exists()


def test_contributors_cannot_import(contributor: Any) -> None:
    client = Client()
    client.force_login(contributor)
    assert client.get("/newsroom/members/import/").status_code == 403
