from django.urls import path

from atlas.billing import views

app_name = "billing"

urlpatterns = [
    path("billing/checkout/", views.start_checkout, name="checkout"),
    path("billing/thanks/", views.thanks, name="thanks"),
    path("billing/portal/", views.portal, name="portal"),
    path("billing/portal/<str:token>/", views.portal_link, name="portal_link"),
    path("billing/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
