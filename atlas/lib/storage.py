"""Where files live: media (uploads and image renditions, public) and private files (lists and
exports awaiting import, never public), on the local disk or in an S3-compatible bucket.

`settings.STORAGES` names the backends ("default" and "private"); the settings build them from
the environment with `s3_storages`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

# How long a signed address of a private file stays valid (staff downloads, if any).
PRIVATE_URL_SECONDS = 300


class PrivateStorage(LazyObject):
    """`STORAGES["private"]`, looked up when first used (as Django's `default_storage`)."""

    _wrapped: object

    def _setup(self) -> None:
        self._wrapped = storages["private"]


PRIVATE_STORAGE = PrivateStorage()


def private_storage() -> Storage:
    """The storage of files that are never public (for `FileField(storage=...)`)."""
    return cast(Storage, PRIVATE_STORAGE)


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":  # tests
        PRIVATE_STORAGE._wrapped = empty


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str,
    region: str,
    prefix: str,
    private_bucket: str,
    private_prefix: str,
    addressing_style: str,
) -> dict[str, dict[str, Any]]:
    """The "default" (public media) and "private" storages in a bucket. Credentials come from
    boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role)."""
    prefix, private_prefix = prefix.strip("/"), private_prefix.strip("/")
    private_bucket = private_bucket or bucket
    if private_bucket == bucket and (
        not prefix or not private_prefix or f"{private_prefix}/".startswith(f"{prefix}/")
    ):
        raise ImproperlyConfigured(
            "Private files would be public: in one bucket, media and private files need two "
            f"separate prefixes (now {prefix!r} and {private_prefix!r})."
        )
    shared = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "addressing_style": addressing_style or None,
        "signature_version": "s3v4",  # what every S3-compatible store accepts today
        # Two uploads of "photo.jpg" are two files, as on the local disk.
        "file_overwrite": False,
    }
    return {
        "default": {
            "BACKEND": "atlas.lib.s3_media.MediaStorage",
            "OPTIONS": {**shared, "location": prefix, "querystring_auth": False},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **shared,
                "bucket_name": private_bucket,
                "location": private_prefix,
                "querystring_auth": True,
                "querystring_expire": PRIVATE_URL_SECONDS,
            },
        },
    }


def s3_origins(*, bucket: str, endpoint_url: str, region: str, addressing_style: str) -> list[str]:
    """Where a bucket's files are fetched from (for the Content-Security-Policy)."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        host = f"{bucket}.{parts.netloc}" if addressing_style == "virtual" else parts.netloc
        return [f"{parts.scheme}://{host}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


def origin_of(url: str) -> str:
    """`https://cdn.example.com` of `https://cdn.example.com/media/`; "" for a path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@contextmanager
def local_path(stored: FieldFile) -> Iterator[Path]:
    """A path on this machine to a stored file: its own on the local disk, else a temporary
    copy (readers that need a real file, such as zip archives, get one from any storage)."""
    try:
        own_path: Path | None = Path(stored.path)
    except NotImplementedError:  # not on the local disk
        own_path = None
    if own_path is not None:
        yield own_path
        return
    suffix = Path(stored.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with stored.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


class StaticFiles(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed files with hashed names, where JavaScript modules import one
    another by their hashed names too: after an upgrade no browser pairs a new module with an
    old one it kept for a year."""

    support_js_module_import_aggregation = True
