"""The accounts behind members' sessions, read with their member row, and with the session.

Every request of a signed-in reader needs its user (Django's authentication) and, on most pages,
its member (the read policy, the discussion, the sponsors' blocks): Django's `ModelBackend`
reads the user, then `current_member` read the member. The session store reads both with the
session itself (atlas.members.sessions); this backend hands Django that user when it is the
account the session names, and otherwise reads the user and member at once, by a query compiled
once per process (atlas.lib.compiled). `AuthenticationMiddleware` is Django's, but for telling
the backend which request's session it is asked about. Django checks the session against the
user's password hash as before, so ending a member's sessions (`services.end_all_sessions`) and
signing out take effect on the next request.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import partial
from typing import Any

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

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
        session = _session_asked_about.get()
        user = session.account(user_id) if hasattr(session, "account") else None
        if user is None:
            found = _user_with_member(user_id)
            if not found:
                return None
            user = found[0]
        return user if self.user_can_authenticate(user) else None


# While Django's `get_user` finds a request's user: that request's session.
_session_asked_about: ContextVar[Any] = ContextVar("session_asked_about", default=None)


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, its `request.user` found while the backend can see the request's session."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(partial(user_of, request))  # type: ignore[assignment]


def user_of(request: HttpRequest) -> Any:
    """Django's `auth.get_user(request)`, once per request (as Django's middleware keeps it).
    Found, it takes the lazy object's place on the request: a page asks `request.user` dozens
    of times, and each question through the lazy object costs a caught `AttributeError`."""
    if not hasattr(request, "_cached_user"):
        asked = _session_asked_about.set(request.session)
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            _session_asked_about.reset(asked)
        request.user = request._cached_user  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]
