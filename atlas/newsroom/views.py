"""The newsroom's layout, home and sign-in. Thin views: each reads its input, calls a service,
renders. The pages of each part of the work live in their own module (posts.py, sends.py...)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from atlas.newsroom.access import public_view, staff_view
from atlas.newsroom.attention import attention_for
from atlas.newsroom.menu import menu_for
from atlas.newsroom.roles import role_of
from atlas.newsroom.theme import theme_for
from atlas.publishing.context_processors import current_publication


def page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a newsroom page in the newsroom's layout, numbers and dates in the publication's
    language."""
    publication = current_publication(request)
    user = request.user
    staff_role = role_of(user) if user.is_authenticated and user.is_staff else ""
    context = {"menu": menu_for(request), "staff_role": staff_role, **context}
    with translation.override(publication.language):
        return render(request, template, context)


@staff_view()
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "newsroom/home.html", {"attention": attention_for(request.user)})


@public_view
@require_safe
def theme(request: HttpRequest) -> HttpResponse:
    """The publication's accent as CSS (linked with its version, so it is cached for long)."""
    css = theme_for(current_publication(request).accent_colour).css()
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class SignInView(auth_views.LoginView):
    template_name = "newsroom/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return "/newsroom/"


class SignOutView(auth_views.LogoutView):
    next_page = "newsroom:sign_in"


sign_in = public_view(SignInView.as_view())
sign_out = public_view(SignOutView.as_view())
