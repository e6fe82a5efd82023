"""Personas and helpers shared by the discussions tests (loaded with `pytest_plugins`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from atlas.discussions import services
from atlas.discussions.models import Comment, DiscussionSettings
from atlas.members.models import Member
from atlas.members.services import user_for
from atlas.publishing.models import Post

MemberFactory = Callable[..., Member]


@pytest.fixture
def make_member(db: Any) -> MemberFactory:
    """An active, confirmed member who has signed in once (so has a user account)."""
    counter = iter(range(1, 10_000))

    def factory(name: str = "", **fields: Any) -> Member:
        number = next(counter)
        joined = fields.pop("created_at", timezone.now() - timedelta(days=30))
        member = Member.objects.create(
            email=fields.pop("email", f"member{number}@example.org"),
            name=name or f"Member {number}",
            status=fields.pop("status", Member.Status.ACTIVE),
            created_at=joined,
            confirmed_at=fields.pop("confirmed_at", joined + timedelta(minutes=5)),
            **fields,
        )
        user_for(member)
        return member

    return factory


def client_for(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def reader(make_member: MemberFactory) -> Member:
    return make_member("Rosa Reader", email="rosa@example.org")


@pytest.fixture
def reader_client(reader: Member) -> Client:
    return client_for(reader)


@pytest.fixture
def other_reader(make_member: MemberFactory) -> Member:
    return make_member("Omar Other", email="omar@example.org")


@pytest.fixture
def other_client(other_reader: Member) -> Client:
    return client_for(other_reader)


MODERATOR_PERMISSIONS = [
    "view_comment", "change_comment", "view_report", "view_commentingban", "add_commentingban",
    "change_commentingban", "view_moderationaction",
]  # fmt: skip


@pytest.fixture
def moderator(db: Any) -> User:
    user = User.objects.create_user("moderator", "moderator@example.org", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="discussions", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return user


@pytest.fixture
def moderator_client(moderator: User) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def article(make_post: Any) -> Post:
    return make_post("Harbour dredging plan divides the council")


def configure(**changes: Any) -> DiscussionSettings:
    settings_row = DiscussionSettings.current()
    for name, value in changes.items():
        setattr(settings_row, name, value)
    settings_row.save()
    return settings_row


def add_comment(member: Member, post: Post, text: str, parent: Comment | None = None) -> Comment:
    """A comment through the service (the rules apply; no rate limit worries for a few)."""
    return services.post_comment(member, post, text, parent)


def submit(client: Client, post: Post, text: str, parent: Comment | None = None) -> Any:
    data = {"body": text, "parent": parent.pk if parent else ""}
    return client.post(f"{post.get_absolute_url()}comments/", data)


def page(client: Client, post: Post, query: str = "") -> str:
    response = client.get(post.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def bulk_thread(post: Post, members: list[Member], count: int) -> list[Comment]:
    """`count` comments in threads: every third a top-level comment, the others replies."""
    started = timezone.now() - timedelta(days=1)
    created: list[Comment] = []
    for number in range(count):
        comment = Comment(post=post, member=members[number % len(members)])
        comment.created_at = started + timedelta(seconds=number)
        comment.set_body(
            f"Comment number {number}, with *some* emphasis and a [link](https://example.org)."
        )
        if number % 3 and created:
            answered = created[-1]
            services.attach_reply(comment, answered)
        comment.save()
        created.append(comment)
    return created
