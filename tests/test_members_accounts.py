"""Signed-in members' accounts: the user and the member row read together, sessions kept safe."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth import authenticate
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from atlas.members import accounts
from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member
from atlas.members.services import end_all_sessions, user_for
from atlas.publishing.models import Post
from tests.factories import client_for

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in_by_link(member: Member) -> Client:
    client = Client()
    assert (
        client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/").status_code == 302
    )
    return client


def test_a_sign_in_link_starts_a_session_of_the_member_account_backend(subscriber: Member) -> None:
    client = signed_in_by_link(subscriber)
    assert client.session["_auth_user_backend"] == accounts.BACKEND


def test_a_member_s_article_reads_the_session_user_and_member_in_one_query(
    article: Post, subscriber: Member
) -> None:
    client = signed_in_by_link(subscriber)
    assert client.get(article.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as context:
        page = client.get(article.get_absolute_url())
    assert ">Account</a>" in page.text and "Post comment" in page.text
    # The table of each query's first column.
    tables = [query["sql"].split()[1].split(".")[0] for query in context.captured_queries]
    # The session with its user and member: the post, the discussion rules and what they ask
    # about the member (bans, reply emails) were read on the first visit, for this content
    # version.
    assert tables == ['"members_session"']


def test_each_member_sees_only_their_own_name(
    article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    rosa, omar = signed_in_by_link(subscriber), signed_in_by_link(other_subscriber)
    for _ in range(2):
        rosa_page, omar_page = (
            rosa.get(article.get_absolute_url()).text,
            omar.get(article.get_absolute_url()).text,
        )
        assert "<strong>Rosa Reader</strong>" in rosa_page and "Omar" not in rosa_page
        assert "<strong>Omar Other</strong>" in omar_page and "Rosa" not in omar_page


def test_signing_out_and_ending_sessions_take_effect_on_the_next_request(
    article: Post, subscriber: Member
) -> None:
    laptop, phone = signed_in_by_link(subscriber), signed_in_by_link(subscriber)
    for device in (laptop, phone):
        assert ">Account</a>" in device.get(article.get_absolute_url()).text
    laptop.post("/signout/")  # signs out every device
    for device in (laptop, phone):
        assert ">Sign in</a>" in device.get(article.get_absolute_url()).text
    tablet = signed_in_by_link(subscriber)
    assert ">Account</a>" in tablet.get(article.get_absolute_url()).text
    end_all_sessions(subscriber)
    assert ">Sign in</a>" in tablet.get(article.get_absolute_url()).text


def test_a_deactivated_account_is_signed_out(article: Post, subscriber: Member) -> None:
    client = signed_in_by_link(subscriber)
    user = user_for(subscriber)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ">Sign in</a>" in client.get(article.get_absolute_url()).text


def test_sessions_of_djangos_backend_still_load_with_their_member(
    article: Post, subscriber: Member
) -> None:
    """Sessions begun before the member backend, and staff's password sessions."""
    client = Client()
    client.force_login(user_for(subscriber), backend=MODEL_BACKEND)
    page = client.get(article.get_absolute_url()).text
    assert ">Account</a>" in page and "<strong>Rosa Reader</strong>" in page


def test_the_member_backend_signs_no_one_in_by_password(owner: Any) -> None:
    owner.set_password("a long staff password")
    owner.save()
    backend = accounts.MemberAccountBackend()
    credentials = {"username": owner.username, "password": "a long staff password"}
    assert async_to_sync(backend.aauthenticate)(None, **credentials) is None
    assert backend.authenticate(None, **credentials) is None
    signed_in = authenticate(**credentials)
    assert signed_in == owner and signed_in.backend == MODEL_BACKEND


def test_an_account_without_a_member_has_none(article: Post, outsider: Any) -> None:
    client = client_for(outsider)
    assert client.session["_auth_user_backend"] == accounts.BACKEND
    page = client.get(article.get_absolute_url()).text
    assert ">Account</a>" in page and "no member profile" in page
