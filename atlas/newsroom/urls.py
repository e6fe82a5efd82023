from django.urls import include, path

from atlas.newsroom import billing, imports, numbers, views
from atlas.newsroom.editor_urls import urlpatterns as editor_urlpatterns

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("numbers/", numbers.dashboard, name="numbers"),
    path("numbers/posts/<int:post_id>/", numbers.article, name="numbers_article"),
    path("tiers/", include(billing.urlpatterns)),
    path("import/", imports.start, name="import"),
    path("import/<int:pk>/", imports.detail, name="import_detail"),
    path("import/<int:pk>/decide/", imports.decide, name="import_decide"),
]
urlpatterns += editor_urlpatterns
