"""Public media in an S3-compatible bucket (loaded only when one is configured: boto3 is slow
to import)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    """Public media in a bucket, addressed through `MEDIA_URL` when that is a full address (a
    CDN or the bucket's public domain), otherwise through the bucket's own endpoint."""

    def url(
        self,
        name: str,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        if settings.MEDIA_URL.startswith(("http://", "https://")):
            # Appended, never joined: a name like "https://elsewhere/" stays under MEDIA_URL.
            return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")
        return super().url(name, parameters, expire, http_method)
