"""Who may read what (the read policy members registers): members-only posts for members, posts
for paying members as the entitlement rule says (`members/hooks.py`)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from atlas.lib.compiled import CompiledQuery
from atlas.members.hooks import may_read
from atlas.members.models import Member
from atlas.publishing.models import Post

# Every signed-in reader's page asks (the read policy, the discussion, the sponsors' blocks).
_member_of_user = CompiledQuery(
    Member, lambda user_id: Member.objects.filter(user_id=user_id).order_by(), -8_204_117_391
)


# The user's side of Member.user: MemberAccountBackend reads the member with the user.
_account = Member._meta.get_field("user").remote_field


def current_member(request: HttpRequest) -> Member | None:
    """The signed-in reader's member row, read once per request (with the user, when the
    session's backend is MemberAccountBackend)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if _account.is_cached(user):
        return cast(Member | None, _account.get_cached_value(user))
    held = request.__dict__.get("_current_member")
    if held is None or held[0] != user.pk:
        found = _member_of_user(user.pk)
        held = (user.pk, found[0] if found else None)
        request.__dict__["_current_member"] = held
    return held[1]


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
