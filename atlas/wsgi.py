"""The WSGI application: health checks, static files (whitenoise), the page cache, page-view
counting, Django; what lives as long as the process is kept out of the cycle collector."""

import os
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")

django_application = get_wsgi_application()


def build_application():
    from django.conf import settings
    from whitenoise import WhiteNoise

    from atlas.analytics.page_views import CountingMiddleware
    from atlas.lib.pagecache import OneVersionPerRequest, PageCache
    from atlas.runtime.collector import FreezeAfterWarmUp, freeze
    from atlas.runtime.health import HealthChecks

    counting = CountingMiddleware(django_application)
    app: Any = counting
    if settings.ATLAS_PAGE_CACHE:  # in front: it counts the pages it serves itself
        app = PageCache(counting, on_page=counting.count_page)
    app = OneVersionPerRequest(app)  # outside the page cache: its key is of that version too
    wrapped = WhiteNoise(
        app, root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, max_age=31536000
    )
    freeze()  # what is built now lives as long as the process (atlas/runtime/collector.py)
    return FreezeAfterWarmUp(HealthChecks(wrapped))


application = build_application()
