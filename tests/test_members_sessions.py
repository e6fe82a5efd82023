"""Sessions read with their account in one query: the same sessions as Django's database store
reads, the same user as Django's backend finds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.members import sessions
from atlas.members.models import Member, Session
from atlas.members.services import user_for
from atlas.members.sessions import SessionStore
from atlas.publishing.models import Post
from tests.factories import client_for


def test_a_session_reads_what_djangos_store_reads(db: Any) -> None:
    saved = SessionStore()
    saved["reader"] = "Rosa"
    saved.save()
    theirs = DjangoSessionStore()
    assert SessionStore(saved.session_key).load() == theirs.decode(
        Session.objects.get(pk=saved.session_key).session_data
    )
    assert SessionStore(saved.session_key)["reader"] == "Rosa"


def test_an_expired_or_unknown_session_reads_as_none(db: Any) -> None:
    saved = SessionStore()
    saved["reader"] = "Rosa"
    saved.save()
    Session.objects.filter(pk=saved.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (saved.session_key, "no-such-session-key", "short", None):
        store = SessionStore(key)
        assert store.load() == {} and store.session_key is None


def test_a_signed_in_member_stays_signed_in(make_post: Any, subscriber: Member) -> None:
    post = make_post()
    client = client_for(subscriber)
    assert ">Account</a>" in client.get(post.get_absolute_url()).text
    Session.objects.all().delete()
    assert ">Sign in</a>" in client.get(post.get_absolute_url()).text


def test_the_session_names_its_account_from_sign_in_to_sign_out(
    article: Post, subscriber: Member
) -> None:
    client = client_for(subscriber)
    client.get(article.get_absolute_url())
    row = Session.objects.get(pk=client.session.session_key)
    assert row.user_id == subscriber.user_id
    client.post("/signout/")
    assert not Session.objects.filter(user_id=subscriber.user_id).exists()


def test_the_member_s_page_reads_session_user_and_member_in_one_query(
    article: Post, subscriber: Member
) -> None:
    client = client_for(subscriber)
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as context:
        page = client.get(article.get_absolute_url())
    assert "<strong>Rosa Reader</strong>" in page.text
    reads = [
        query["sql"] for query in context.captured_queries if "members_session" in query["sql"]
    ]
    assert len(reads) == 1 and '"auth_user"' in reads[0] and '"members_member"' in reads[0]
    assert not [query for query in context.captured_queries if query["sql"].startswith(
        'SELECT "auth_user"')]  # fmt: skip


def test_a_session_whose_column_names_another_account_still_gets_its_own(
    article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    """The data decides, as in Django's store; the column only saves a query when it agrees."""
    client = client_for(subscriber)
    Session.objects.filter(pk=client.session.session_key).update(user=other_subscriber.user)
    page = client.get(article.get_absolute_url()).text
    assert "<strong>Rosa Reader</strong>" in page and "Omar" not in page


def test_deleting_an_account_deletes_its_sessions(subscriber: Member) -> None:
    client_for(subscriber)
    user = user_for(subscriber)
    assert Session.objects.filter(user=user).count() == 1
    get_user_model().objects.filter(pk=user.pk).delete()
    assert not Session.objects.filter(user_id=user.pk).exists()


def test_decoded_data_is_kept_only_when_no_one_can_change_it(db: Any, caplog: Any) -> None:
    store = SessionStore()
    plain = store.encode({"reader": "Rosa", "count": 3})
    assert store.decode(plain) == {"reader": "Rosa", "count": 3}
    decoded = store.decode(plain)
    decoded["reader"] = "changed"
    assert store.decode(plain) == {"reader": "Rosa", "count": 3}
    listed = store.encode({"ids": [1, 2]})
    store.decode(listed)["ids"].append(3)
    assert store.decode(listed) == {"ids": [1, 2]}
    forged = plain[:-3] + ("AAA" if not plain.endswith("AAA") else "BBB")
    for _ in range(2):
        assert store.decode(forged) == {}
    assert [record.message for record in caplog.records] == ["Session data corrupted"] * 2


def test_the_upgrade_carries_signed_in_sessions_over(subscriber: Member) -> None:
    """Sessions in Django's own table before the upgrade: each unexpired one moves over with its
    account, and still signs its reader in."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("atlas.members.migrations.0010_sessions_with_their_account")
    theirs = DjangoSessionStore()
    theirs.update(
        {
            "_auth_user_id": str(subscriber.user_id),
            "_auth_user_backend": "atlas.members.accounts.MemberAccountBackend",
            "_auth_user_hash": user_for(subscriber).get_session_auth_hash(),
        }
    )
    theirs.create()
    expired = DjangoSessionStore()
    expired["reader"] = "gone"
    expired.create()
    DjangoSession.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.carry_sessions_over(apps, editor)
    moved = Session.objects.get(pk=theirs.session_key)
    assert moved.user_id == subscriber.user_id
    assert not Session.objects.filter(pk=expired.session_key).exists()
    assert not DjangoSession.objects.exists()  # nothing left where no one looks
    store = SessionStore(theirs.session_key)
    assert store["_auth_user_id"] == str(subscriber.user_id)
    assert store.account(subscriber.user_id) == user_for(subscriber)
    assert sessions.account_id({"_auth_user_id": "not a number"}) is None


def test_a_session_row_decodes_through_the_store(subscriber: Member) -> None:
    client = client_for(subscriber)
    row = Session.objects.get(pk=client.session.session_key)
    assert row.get_decoded()["_auth_user_id"] == str(subscriber.user_id)


def test_data_signed_with_a_former_secret_key_no_longer_decodes(db: Any, settings: Any) -> None:
    store = SessionStore()
    signed = store.encode({"reader": "Rosa"})
    assert store.decode(signed) == {"reader": "Rosa"}
    settings.SECRET_KEY = "another secret key, long enough to be taken for a real one"
    assert store.decode(signed) == {}
