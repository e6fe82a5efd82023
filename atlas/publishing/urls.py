from django.urls import path

from atlas.publishing import feeds, views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("posts/", views.archive, name="archive"),
    path("posts/<str:slug>/", views.post_detail, name="post"),
    path("tags/<str:slug>/", views.tag, name="tag"),
    path("authors/<str:slug>/", views.author, name="author"),
    path("corrections/", views.corrections, name="corrections"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("feed/", feeds.PostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.AtomPostsFeed(), name="feed_atom"),
    path("feed.json", feeds.json_feed, name="feed_json"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed_rss"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("tags/<str:slug>/feed.json", feeds.json_feed, {"kind": "tag"}, name="tag_feed_json"),
    path("authors/<str:slug>/feed/", feeds.AuthorFeed(), name="author_feed_rss"),
    path("authors/<str:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path(
        "authors/<str:slug>/feed.json", feeds.json_feed, {"kind": "author"}, name="author_feed_json"
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
