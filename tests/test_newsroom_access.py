"""The newsroom is for staff: strangers are sent to sign in, readers are refused, staff get in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client


def test_a_stranger_is_sent_to_the_newsroom_sign_in(db: Any, client: Client) -> None:
    response = client.get("/newsroom/")
    assert response.status_code == 302
    assert response["Location"].startswith("/newsroom/sign-in/?next=/newsroom/")


def test_a_signed_in_reader_who_is_not_staff_is_refused(db: Any, client: Client) -> None:
    client.force_login(User.objects.create_user("reader", "reader@example.org"))
    assert client.get("/newsroom/").status_code == 403


def test_staff_sign_in_with_a_password_and_see_the_home(editor: User, client: Client) -> None:
    editor.set_password("a long enough password")
    editor.save()
    response = client.post(
        "/newsroom/sign-in/", {"username": "editor", "password": "a long enough password"}
    )
    assert response.status_code == 302 and response["Location"] == "/newsroom/"
    page = client.get("/newsroom/")
    assert page.status_code == 200
    assert 'aria-current="page">Home</a>' in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


def test_a_wrong_password_is_refused_with_a_message(editor: User, client: Client) -> None:
    response = client.post("/newsroom/sign-in/", {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
