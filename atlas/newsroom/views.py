"""The newsroom's pages. Thin views: each reads its input, calls a service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from atlas.newsroom.access import staff_view
from atlas.newsroom.menu import menu_for
from atlas.publishing.context_processors import current_publication


def page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a newsroom page in the newsroom's layout."""
    context = {"menu": menu_for(request), "publication": current_publication(request), **context}
    return render(request, template, context)


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "newsroom/home.html", {})


class SignInView(auth_views.LoginView):
    template_name = "newsroom/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return "/newsroom/"


class SignOutView(auth_views.LogoutView):
    next_page = "newsroom:sign_in"
