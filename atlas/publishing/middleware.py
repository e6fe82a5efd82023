"""Every request sees the publication once, in the publication's own time zone."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from atlas.publishing.context_processors import current_publication


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
