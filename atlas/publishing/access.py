"""Who may read a post in full. Public posts: everyone. Other posts: staff, unless an app that
knows about readers (members) installs its own rule with `set_policy`."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from atlas.publishing.models import Post

AccessPolicy = Callable[[HttpRequest, Post], bool]


def staff_only(request: HttpRequest, post: Post) -> bool:
    if post.visibility == Post.Visibility.PUBLIC:
        return True
    return bool(request.user.is_authenticated and request.user.is_staff)


_policy: AccessPolicy = staff_only


def set_policy(policy: AccessPolicy) -> None:
    global _policy
    _policy = policy


def can_read(request: HttpRequest, post: Post) -> bool:
    return _policy(request, post)
