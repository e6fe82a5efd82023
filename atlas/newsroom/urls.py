from django.urls import path

from atlas.newsroom import numbers, views

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("theme.css", views.theme, name="theme"),
    path("numbers/", numbers.dashboard, name="numbers"),
    path("numbers/posts/<int:post_id>/", numbers.article, name="numbers_article"),
]
