from django.contrib import admin
from django.urls import include, path, re_path

from atlas.publishing import sitemaps
from atlas.publishing.views import media

admin.site.site_header = "Atlas"
admin.site.site_title = "Atlas newsroom"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("newsroom/", include("atlas.newsroom.urls")),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemaps.section, name="sitemap_section"),
    re_path(r"^media/(?P<path>.*)$", media, name="media"),
    # The reader's pages first: the paths asked for most are matched without walking the rest.
    path("", include("atlas.publishing.urls")),
    path("", include("atlas.members.urls")),
    path("", include("atlas.billing.urls")),
    path("", include("atlas.delivery.urls")),
    path("anymail/", include("anymail.urls")),
    path("", include("atlas.discussions.urls")),
    path("", include("atlas.sponsors.urls")),
    path("", include("atlas.search.urls")),
    path("", include("atlas.analytics.urls")),
]

handler500 = "atlas.runtime.unavailable.server_error"
