from django.urls import path, re_path

from atlas.analytics import email_tracking, views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/posts/<int:post_id>/", views.article, name="article"),
    re_path(
        r"^e/o/(?P<send_id>\d+)/(?P<recipient>[\w:.-]+)\.gif$",
        email_tracking.open_pixel,
        name="email_open",
    ),
    path("e/c/<str:token>/<str:recipient>/", email_tracking.click, name="email_click"),
]
