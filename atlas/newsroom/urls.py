from django.urls import path

from atlas.newsroom import views
from atlas.newsroom.editor_urls import urlpatterns as editor_urlpatterns

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
]
urlpatterns += editor_urlpatterns
