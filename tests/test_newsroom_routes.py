"""Every newsroom route, as every role, a reader and a stranger: deny by default.

The walk reads the URL patterns themselves, so a page added later is walked too; a view that
neither names its permission (`staff_view`) nor says it is open (`public_view`) fails the test.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from atlas.delivery.models import Send
from atlas.discussions.models import Comment, CommentingBan
from atlas.members.models import Member, Newsletter
from atlas.newsroom.menu import OWN_ITEMS
from atlas.newsroom.roles import ROLES
from atlas.sponsors.models import Campaign, Sponsor

ALLOWED = {200, 302, 405}  # a page, a redirect after an action, or "use POST" for actions


def newsroom_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every route under /newsroom/, however they are included."""
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("newsroom/"):
                found.append((route, pattern))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def objects(make_post: Any, db: Any) -> dict[str, int]:
    post = make_post("A story to walk")
    member = Member.objects.create(email="walker@example.org", status="active")
    comment = Comment(post=post, member=member)
    comment.set_body("A comment.")
    comment.save()
    send = Send.objects.create(post=post, subject=post.title, status=Send.Status.DONE)
    sponsor = Sponsor.objects.create(name="Walk Co")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        sponsor=sponsor, headline="Walk", destination_url="https://example.org/",
        starts_on=today, ends_on=today + timedelta(days=3),
    )  # fmt: skip
    ban = CommentingBan.objects.create(member=member, reason="Spam")
    newsletter = Newsletter.objects.create(name="Walk weekly", slug="walk-weekly")
    colleague = User.objects.create_user("colleague", "colleague@example.org", "pw-long-enough")
    colleague.is_staff = True
    colleague.save()
    return {
        "post_id": post.pk, "send_id": send.pk, "comment_id": comment.pk,
        "member_id": member.pk, "campaign_id": campaign.pk, "ban_id": ban.pk,
        "newsletter_id": newsletter.pk, "user_id": colleague.pk, "import_id": 1,
        "key": "discussions", "uidb64": "MQ", "token": "set-password", "pk": 1,
    }  # fmt: skip


def url_of(route: str, values: dict[str, Any]) -> str:
    path = "/" + route
    for name, value in values.items():
        for converter in ("int", "str", "slug", "path", "uuid"):
            path = path.replace(f"<{converter}:{name}>", str(value))
    assert "<" not in path, f"No sample value for a parameter of {route}"
    return path


def as_role(role: str) -> Client:
    user = User.objects.create_user(f"walker-{role.lower()}", f"{role.lower()}@example.org")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def test_every_newsroom_view_names_its_permission_or_says_it_is_public() -> None:
    for route, pattern in newsroom_patterns():
        view = pattern.callback
        named = hasattr(view, "newsroom_permission") or getattr(view, "newsroom_public", False)
        assert named, f"{route}: decorate the view with staff_view(...) or public_view"


def test_a_stranger_is_sent_to_sign_in_from_every_staff_page(objects: dict[str, int]) -> None:
    client = Client()
    for route, pattern in newsroom_patterns():
        if getattr(pattern.callback, "newsroom_public", False):
            continue
        response = client.get(url_of(route, objects))
        assert response.status_code == 302, route
        assert response["Location"].startswith("/newsroom/sign-in/"), route


def test_a_reader_is_refused_every_staff_page(objects: dict[str, int]) -> None:
    reader = User.objects.create_user("reader", "reader@example.org")
    client = Client()
    client.force_login(reader)
    for route, pattern in newsroom_patterns():
        if getattr(pattern.callback, "newsroom_public", False):
            continue
        assert client.get(url_of(route, objects)).status_code == 403, route
        assert client.post(url_of(route, objects)).status_code == 403, route


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_its_permissions_allow(
    role: str, objects: dict[str, int]
) -> None:
    client = as_role(role)
    user = User.objects.get(username=f"walker-{role.lower()}")
    for route, pattern in newsroom_patterns():
        permission = getattr(pattern.callback, "newsroom_permission", None)
        if permission is None:
            continue
        status = client.get(url_of(route, objects)).status_code
        if permission and not user.has_perm(permission):
            assert status == 403, f"{role} should not open {route} ({permission})"
        elif "<int:post_id>" in route and not user.has_perm("publishing.edit_others_posts"):
            # The sample post is someone else's: the editor refuses it to authors and
            # contributors (row by row), whatever the page's permission says.
            assert status in ALLOWED | {403, 404}, f"{role} on {route}: {status}"
        else:
            assert status in ALLOWED | {404}, f"{role} on {route}: {status}"


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_a_role_only_what_it_may_open(role: str, db: Any) -> None:
    client = as_role(role)
    user = User.objects.get(username=f"walker-{role.lower()}")
    page = client.get("/newsroom/").content.decode()
    for item, _ in OWN_ITEMS:
        shown = f">{item.label}</a></li>" in page
        may = not item.permission or user.has_perm(item.permission)
        assert shown == may, f"{role}: menu item {item.label}"


def test_a_contributor_has_no_members_sends_or_settings(contributor: User) -> None:
    client = Client()
    client.force_login(contributor)
    page = client.get("/newsroom/").content.decode()
    for label in ("Members", "Sends", "Settings"):
        assert f">{label}</a></li>" not in page
    for path in ("/newsroom/members/", "/newsroom/sends/", "/newsroom/settings/",
                 "/newsroom/settings/staff/", "/newsroom/members/export.csv"):  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_the_editor_gets_every_daily_page(editor_client: Client) -> None:
    for path in ("/newsroom/posts/", "/newsroom/sends/", "/newsroom/comments/",
                 "/newsroom/members/", "/newsroom/sponsors/", "/newsroom/numbers/"):  # fmt: skip
        assert editor_client.get(path).status_code == 200, path
    assert editor_client.get("/newsroom/settings/staff/").status_code == 403
    assert editor_client.get("/newsroom/settings/publication/").status_code == 403
    assert editor_client.get("/newsroom/settings/delivery/").status_code == 403
