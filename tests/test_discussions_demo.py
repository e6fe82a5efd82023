"""The demo publication comes with discussions: threads, staff answers, one held comment."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from atlas.demo.services import load_demo
from atlas.discussions.demo import create_demo_threads
from atlas.discussions.models import Comment, ModerationAction

pytestmark = pytest.mark.slow  # builds the whole demo publication


def test_demo_threads_fill_several_stories_once(db: Any, client: Client) -> None:
    demo = load_demo()

    assert demo.comment_count == Comment.objects.count() >= 15
    posts = {comment.post for comment in Comment.objects.select_related("post")}
    assert len(posts) >= 3
    held = Comment.objects.get(status=Comment.Status.HELD)
    assert ModerationAction.objects.filter(comment=held, action="held").exists()
    assert Comment.objects.filter(member__user__username="editor", depth__gt=0).exists()
    for post in posts:
        html = client.get(post.get_absolute_url()).content.decode()
        assert 'class="comment-list"' in html and "cheap-flights" not in html
    badges = "".join(client.get(post.get_absolute_url()).content.decode() for post in posts)
    assert '<span class="comment-badge">Editor</span>' in badges
    assert '<span class="comment-badge">Author</span>' in badges

    staff = Client()
    staff.force_login(User.objects.get(username=demo.editor_username))  # the Editor role
    queue = staff.get("/admin/discussions/comment/?attention=yes").content.decode()
    assert "Cheap flights" in queue
    assert create_demo_threads() == 0
