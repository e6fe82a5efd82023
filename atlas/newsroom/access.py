"""Who may open a newsroom page: one decorator, checked on the server for every view.

Deny by default: a view is for signed-in staff, and names the permission its page needs
(`"app.codename"`, see `roles.Permission`); without one, any staff member may open it. The few
pages open to everyone (sign-in, the theme's CSS, an invitation's link) say so with
`public_view`; a test walks every route and fails on a view that says neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from atlas.newsroom.menu import menu_for
from atlas.newsroom.roles import role_of

View = Callable[..., HttpResponseBase]
logger = logging.getLogger("django.security.newsroom")


class StaffRequest(HttpRequest):
    """The request a `staff_view` gets: a signed-in, active staff member (checked before)."""

    user: User


def staff_view(permission: str = "") -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "newsroom:sign_in")
            if not user.is_active or not user.is_staff:
                return denied(request, "This page is for the newsroom's staff.")
            if permission and not user.has_perm(permission):
                return denied(request, "Your role does not include this page.")
            response = view(request, *args, **kwargs)
            response.headers.setdefault("Cache-Control", "private, no-store")
            return response

        wrapped.newsroom_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


def denied(request: HttpRequest, reason: str) -> HttpResponse:
    """403, in the newsroom's layout (with the menu the person's role has)."""
    logger.warning("Forbidden (%s): %s", reason, request.path)
    user = request.user
    context = {"reason": reason, "menu": menu_for(request) if user.is_staff else [],
               "staff_role": role_of(user) if user.is_staff else ""}  # fmt: skip
    response = render(request, "newsroom/denied.html", context, status=403)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def public_view(view: View) -> View:
    """Mark a newsroom view that strangers may open (it checks what it needs itself)."""
    view.newsroom_public = True  # type: ignore[attr-defined]
    return view
