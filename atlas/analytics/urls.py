from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import path
from django.views.generic import RedirectView

app_name = "analytics"


def moved(pattern_name: str) -> Callable[..., HttpResponseBase]:
    """The dashboard moved to the newsroom's Numbers pages: old links and bookmarks follow."""
    return RedirectView.as_view(pattern_name=pattern_name, query_string=True, permanent=True)


urlpatterns = [
    path("analytics/", moved("newsroom:numbers"), name="dashboard"),
    path("analytics/posts/<int:post_id>/", moved("newsroom:numbers_article"), name="article"),
]
