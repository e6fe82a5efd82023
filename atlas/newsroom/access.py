"""Who may open a newsroom page: one decorator, checked on the server for every view.

Deny by default: a view is for signed-in staff, and names the permission its page needs
(`"app.codename"`, see `roles.Permission`); without one, any staff member may open it. The few
pages open to everyone (sign-in, the theme's CSS, an invitation's link) say so with
`public_view`; a test walks every route and fails on a view that says neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def staff_view(permission: str = "") -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "newsroom:sign_in")
            if not user.is_active or not user.is_staff:
                raise PermissionDenied("This page is for the newsroom's staff.")
            if permission and not user.has_perm(permission):
                raise PermissionDenied("Your role does not include this page.")
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Cache-Control", "private, no-store")
            return response

        wrapped.newsroom_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


def public_view(view: View) -> View:
    """Mark a newsroom view that strangers may open (it checks what it needs itself)."""
    view.newsroom_public = True  # type: ignore[attr-defined]
    return view
