"""Every request sees the publication once, in the publication's own time zone; old addresses
(the redirects table) answer 301."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone

from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import REDIRECT_QUERY_KEYS, Redirect, normalize_old_path


class PublicationTimezoneMiddleware:
    """Dates on pages and in the editor read in the newsroom's time zone, not the server's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(current_publication(request).timezone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class RedirectMiddleware:
    """Answer 301 for an address in the redirects table: asked only when nothing else answered
    (a 404), and for the home page with a query naming old content (WordPress's `/?p=123`),
    so that pages that exist never pay for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path == "/" and any(key in request.GET for key in REDIRECT_QUERY_KEYS):
            redirect = self.redirect_for(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code == 404:
            return self.redirect_for(request) or response
        return response

    @staticmethod
    def redirect_for(request: HttpRequest) -> HttpResponse | None:
        new_path = (
            Redirect.objects.filter(old_path=normalize_old_path(request.get_full_path()))
            .values_list("new_path", flat=True)
            .first()
        )
        return HttpResponsePermanentRedirect(new_path) if new_path else None
