from django.urls import path, re_path
from django.views.generic import RedirectView

from atlas.analytics import email_tracking

app_name = "analytics"


def moved(pattern_name: str) -> RedirectView:
    """The dashboard moved to the newsroom's Numbers pages: old links and bookmarks follow."""
    return RedirectView.as_view(pattern_name=pattern_name, query_string=True, permanent=True)


urlpatterns = [
    path("analytics/", moved("newsroom:numbers"), name="dashboard"),
    path("analytics/posts/<int:post_id>/", moved("newsroom:numbers_article"), name="article"),
    re_path(
        r"^e/o/(?P<send_id>\d+)/(?P<recipient>[\w:.-]+)\.gif$",
        email_tracking.open_pixel,
        name="email_open",
    ),
    path("e/c/<str:token>/<str:recipient>/", email_tracking.click, name="email_click"),
]
