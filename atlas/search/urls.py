from django.urls import path

from atlas.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/feed/", views.search_feed, name="feed"),
    path("search/opensearch.xml", views.opensearch, name="opensearch"),
]
