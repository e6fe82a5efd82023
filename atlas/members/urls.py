from django.urls import path

from atlas.members import views

app_name = "members"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm_link, name="confirm_link"),
    path("signin/", views.sign_in, name="sign_in"),
    path("signin/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("signout/", views.sign_out, name="sign_out"),
    path("account/", views.account, name="account"),
    path("account/email/", views.change_email, name="change_email"),
    path("account/email/<str:token>/", views.change_email_link, name="change_email_link"),
    path("account/data.json", views.export_data, name="export_data"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
