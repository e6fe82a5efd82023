"""The WSGI application: static files (whitenoise), then the page cache, then Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")

django_application = get_wsgi_application()


def build_application():
    from django.conf import settings
    from whitenoise import WhiteNoise

    from atlas.lib.pagecache import PageCache

    app = PageCache(django_application) if settings.ATLAS_PAGE_CACHE else django_application
    wrapped = WhiteNoise(
        app, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=31536000
    )
    return wrapped


application = build_application()
