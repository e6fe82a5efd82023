"""The WSGI application: static files (whitenoise), page-view counting, the page cache, Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")

django_application = get_wsgi_application()


def build_application():
    from django.conf import settings
    from whitenoise import WhiteNoise

    from atlas.analytics.wsgi import CountingMiddleware
    from atlas.lib.pagecache import PageCache

    app = PageCache(django_application) if settings.ATLAS_PAGE_CACHE else django_application
    app = CountingMiddleware(app)  # counts pages served from the cache too
    wrapped = WhiteNoise(
        app, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=31536000
    )
    return wrapped


application = build_application()
