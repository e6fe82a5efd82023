"""The accounts behind members' sessions, read with their member row in one query.

Every request of a signed-in reader needs its user (Django's authentication) and, on most pages,
its member (the read policy, the discussion, the sponsors' blocks): Django's `ModelBackend`
reads the user, then `current_member` read the member. This backend reads both at once, by a
query compiled once per process (atlas.lib.compiled). Django checks the session against the
user's password hash as before, so ending a member's sessions (`services.end_all_sessions`) and
signing out take effect on the next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from atlas.lib.compiled import CompiledQuery

BACKEND = "atlas.members.accounts.MemberAccountBackend"

_user_with_member = CompiledQuery(
    get_user_model(),
    lambda user_id: get_user_model().objects.select_related("member").filter(pk=user_id).order_by(),
    -2_104_117_392,  # within a 32-bit id (PostgreSQL finds nothing for a value out of range)
)


class MemberAccountBackend(ModelBackend):
    """Loads a session's user with `user.member` (None when the account has no member). It
    signs no one in by password (staff do that through `ModelBackend`): the members' sign-in
    links name it when they call `login()`."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None

    async def aauthenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> Any:
        found = _user_with_member(user_id)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
