"""Sessions read by a compiled query: the same sessions as Django's database store reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from atlas.lib.sessions import SessionStore
from atlas.members.models import Member
from tests.factories import client_for


def test_a_session_reads_what_djangos_store_reads(db: Any) -> None:
    saved = SessionStore()
    saved["reader"] = "Rosa"
    saved.save()
    assert SessionStore(saved.session_key).load() == DjangoSessionStore(saved.session_key).load()
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
