"""Images of imported posts: from a local folder or zip, else downloaded, checked, kept in media.

Downloads are guarded against being turned on the server's own network (SSRF): only http and
https, the host's every address must be public (no private, loopback, link-local, multicast or
reserved address; `ATLAS_IMPORT_ALLOWED_HOSTS` names test hosts that may be), the connection goes
to the address that was checked (no second DNS answer), each redirect is checked again, with a
timeout and a size cap. Every image is opened by Pillow before it is kept (a real image, not a
decompression bomb); one too wide for any page is stored at 1,600 pixels.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import ipaddress
import socket
import ssl
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from atlas.publishing import images as publishing_images  # noqa: F401  (its pixel limit)

MAX_WIDTH = 1600
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
REDIRECTS = 5
GHOST_PREFIX = "__GHOST_URL__"


class ImageError(Exception):
    """An image that could not be had: the message says why, for the report."""


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int
    timeout: float
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        return cls(
            max_bytes=settings.ATLAS_IMPORT_IMAGE_MAX_BYTES,
            timeout=settings.ATLAS_IMPORT_IMAGE_TIMEOUT,
            allowed_hosts=frozenset(settings.ATLAS_IMPORT_ALLOWED_HOSTS),
        )


def fetch(url: str, policy: FetchPolicy) -> bytes:
    """The body of `url`, or ImageError: a refused address, an error status, too large, too slow."""
    for _ in range(REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImageError("only http and https addresses are fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = checked_address(parts.hostname, port, policy)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = connect(parts.scheme, parts.hostname, address, port, policy.timeout)
        try:
            connection.request(
                "GET",
                path,
                headers={"Host": parts.netloc, "User-Agent": "Atlas importer", "Accept": "image/*"},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                url = urljoin(url, response.getheader("Location") or "")
                continue
            if response.status != 200:
                raise ImageError(f"the server answered {response.status}")
            return read_capped(response, policy.max_bytes)
        except (OSError, http.client.HTTPException) as error:
            raise ImageError(
                f"could not be downloaded ({error or type(error).__name__})"
            ) from error
        finally:
            connection.close()
    raise ImageError(f"more than {REDIRECTS} redirects")


def checked_address(host: str, port: int, policy: FetchPolicy) -> str:
    """The address to connect to, once every address of `host` is known to be public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise ImageError(f"the host {host} is unknown") from error
    addresses = [str(info[4][0]) for info in found]
    allowed = host in policy.allowed_hosts or f"{host}:{port}" in policy.allowed_hosts
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not allowed and not ip.is_global:
            raise ImageError(f"{host} is a private, loopback or link-local address ({ip})")
    if not addresses:
        raise ImageError(f"the host {host} has no address")
    return addresses[0]


def connect(
    scheme: str, host: str, address: str, port: int, timeout: float
) -> http.client.HTTPConnection:
    """A connection to the checked `address`, speaking TLS for `host` when https."""
    if scheme == "http":
        return http.client.HTTPConnection(address, port, timeout=timeout)
    context = ssl.create_default_context()

    class PinnedHTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            raw = socket.create_connection((address, port), timeout=timeout)
            self.sock = context.wrap_socket(raw, server_hostname=host)

    return PinnedHTTPSConnection(host, port, timeout=timeout, context=context)


def read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ImageError(f"larger than {max_bytes // 1_000_000} MB")
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ImageError(f"larger than {max_bytes // 1_000_000} MB")
    return body


class LocalImages:
    """Images from a folder or a zip (a Ghost `content` folder, WordPress `uploads`...), found by
    the end of their old address: `.../content/images/2023/01/a.jpg` is `DIR/images/2023/01/a.jpg`,
    `DIR/2023/01/a.jpg` or `DIR/content/images/2023/01/a.jpg`, whichever exists."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.archive: zipfile.ZipFile | None = None
        self.names: dict[str, str] = {}
        if location.is_file():
            try:
                self.archive = zipfile.ZipFile(location)
            except zipfile.BadZipFile as error:
                raise ImageError(f"{location} is neither a folder nor a zip file") from error
            for name in self.archive.namelist():
                parts = PurePosixPath(name).parts
                for start in range(len(parts)):
                    self.names.setdefault("/".join(parts[start:]), name)
        elif not location.is_dir():
            raise ImageError(f"{location} is neither a folder nor a zip file")

    def find(self, url: str) -> bytes | None:
        for suffix in suffixes(url):
            if self.archive is not None:
                if suffix in self.names:
                    return self.archive.read(self.names[suffix])
            else:
                candidate = self.location.joinpath(*suffix.split("/"))
                if candidate.is_file():
                    return candidate.read_bytes()
        return None


def suffixes(url: str) -> Iterator[str]:
    """The ends of an address's path, longest first, without Ghost's resized copies' part."""
    path = unquote(urlsplit(url.replace(GHOST_PREFIX, "https://ghost.invalid")).path)
    parts = [part for part in PurePosixPath(path).parts if part not in ("/", "..", ".")]
    if "size" in parts:  # Ghost: /content/images/size/w600/2023/01/a.jpg -> the original
        position = parts.index("size")
        if position + 1 < len(parts) and parts[position + 1][:1] in "wh":
            parts = parts[:position] + parts[position + 2 :]
    for start in range(len(parts)):
        yield "/".join(parts[start:])


@dataclass
class ImageStore:
    """One import's images: each address fetched once, each file stored once (by content)."""

    local: LocalImages | None
    policy: FetchPolicy
    dry_run: bool = False  # looks in the local folder, downloads and stores nothing
    stored: dict[str, str] = field(default_factory=dict)  # address -> media name
    failed: dict[str, str] = field(default_factory=dict)  # address -> why
    new_files: int = 0
    would_download: int = 0

    def get(self, candidates: list[str]) -> str:
        """The media name of the first candidate that gives an image; ImageError otherwise."""
        reasons = []
        for url in candidates:
            if url in self.stored:
                return self.stored[url]
            try:
                name = self.store(url)
            except ImageError as error:
                self.failed[url] = str(error)
                reasons.append(str(error))
                continue
            self.stored[url] = name
            return name
        raise ImageError(reasons[0] if reasons else "no address")

    def store(self, url: str) -> str:
        if url in self.failed:
            raise ImageError(self.failed[url])
        data = self.local.find(url) if self.local is not None else None
        if data is None:
            if url.startswith(GHOST_PREFIX):
                raise ImageError("not in the images folder given (--images)")
            if self.dry_run:
                self.would_download += 1
                return url  # a dry run: it would be downloaded
            data = fetch(url, self.policy)
        return self.keep(data)

    def keep(self, data: bytes) -> str:
        """Check `data` with Pillow and store it (resized if too wide); its media name."""
        try:
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image_format = image.format or ""
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
            raise ImageError(f"not an image Atlas can show ({error})") from error
        if image_format not in FORMATS:
            raise ImageError(
                f"a {image_format or 'unknown'} image; Atlas keeps JPEG, PNG, GIF, WebP"
            )
        digest = hashlib.sha256(data).hexdigest()
        if image.width > MAX_WIDTH and image_format in ("JPEG", "PNG", "WEBP"):
            image.thumbnail((MAX_WIDTH, MAX_WIDTH * 4), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, image_format, quality=85)
            data = buffer.getvalue()
        name = f"content/{digest[:2]}/{digest[:20]}.{FORMATS[image_format]}"
        if not self.dry_run and not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
            self.new_files += 1
        return name

    def read(self, name: str) -> bytes:
        with default_storage.open(name, "rb") as stored:
            return stored.read()

    def close(self) -> None:
        if self.local is not None and self.local.archive is not None:
            with suppress(OSError):
                self.local.archive.close()
