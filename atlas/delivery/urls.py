from django.urls import path, re_path

from atlas.delivery import inbound, tracking

app_name = "delivery"

urlpatterns = [
    path("delivery/inbound/<str:token>/", inbound.inbound_email, name="inbound_email"),
    # Opens and clicks (newsletters already sent carry these addresses: they never change).
    re_path(
        r"^e/o/(?P<send_id>\d+)/(?P<recipient>[\w:.-]+)\.gif$",
        tracking.open_pixel,
        name="email_open",
    ),
    path("e/c/<str:token>/<str:recipient>/", tracking.click, name="email_click"),
]
