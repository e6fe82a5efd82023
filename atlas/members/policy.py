"""Who may read what (the read policy members registers): members-only posts for members, posts
for paying members as the entitlement rule says (`members/hooks.py`)."""

from __future__ import annotations

from django.http import HttpRequest

from atlas.members.hooks import may_read
from atlas.members.models import Member
from atlas.publishing.models import Post


def current_member(request: HttpRequest) -> Member | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def can_read(request: HttpRequest, post: Post) -> bool:
    if post.visibility == Post.Visibility.PUBLIC:
        return True
    if request.user.is_authenticated and request.user.is_staff:
        return True
    member = current_member(request)
    if member is None or member.confirmed_at is None:
        return False
    if post.visibility == Post.Visibility.MEMBERS:
        return True
    return may_read(member, post)
