from django.urls import path

from atlas.delivery import inbound

app_name = "delivery"

urlpatterns = [
    path("delivery/inbound/<str:token>/", inbound.inbound_email, name="inbound_email"),
]
