"""Who may open a newsroom page: one decorator, checked on the server for every view.

Deny by default: a view is for signed-in staff, and names the permission its page needs
(`"app.codename"`); without one, any staff member may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


class StaffRequest(HttpRequest):
    """The request a `staff_view` gets: a signed-in, active staff member (checked before)."""

    user: User


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
