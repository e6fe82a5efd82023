"""Where newsletter messages go: SMTP (EMAIL_URL), a provider API (django-anymail), or files."""

from __future__ import annotations

import email
import email.policy
import itertools
import os
from pathlib import Path
from typing import Any, Protocol, TypeVar

from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection

from atlas.lib.dkim import DkimKey
from atlas.lib.smtp import ConnectionLost, Reply, SmtpConnection, SmtpSettings

Tag = TypeVar("Tag")


class Transport(Protocol):
    """`submit` hands a message over and returns the replies known so far, each with the tag of
    its message (and may announce the next message's recipient); `drain` returns the replies
    still owed (`SmtpConnection.submit`)."""

    def open(self) -> None: ...
    def submit(
        self, sender: str, recipient: str, data: bytes, tag: Tag, next_recipient: str = ""
    ) -> list[tuple[Tag, Reply]]: ...
    def drain(self) -> list[tuple[Any, Reply]]: ...
    def close(self) -> None: ...


class OneAtATime:
    """A transport whose every message is answered before the next one is handed over."""

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        raise NotImplementedError

    def submit(
        self, sender: str, recipient: str, data: bytes, tag: Tag, next_recipient: str = ""
    ) -> list[tuple[Tag, Reply]]:
        return [(tag, self.send(sender, recipient, data))]

    def drain(self) -> list[tuple[Any, Reply]]:
        return []


def smtp_settings() -> SmtpSettings:
    return SmtpSettings(
        host=settings.EMAIL_HOST,
        port=int(settings.EMAIL_PORT),
        username=settings.EMAIL_HOST_USER,
        password=settings.EMAIL_HOST_PASSWORD,
        use_tls=bool(settings.EMAIL_USE_TLS),
        use_ssl=bool(settings.EMAIL_USE_SSL),
        timeout=float(settings.EMAIL_TIMEOUT or 30),
    )


def open_transport() -> Transport:
    if settings.ATLAS_EMAIL_PROVIDER:
        return ProviderTransport(settings.ATLAS_EMAIL_PROVIDER)
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return SmtpConnection(smtp_settings())
    return FileTransport(Path(getattr(settings, "EMAIL_FILE_PATH", settings.VAR_DIR / "outbox")))


class FileTransport(OneAtATime):
    """Local development without a mail server: each message is a file under the outbox."""

    counter = itertools.count()

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "newsletters"

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        name = f"{os.getpid()}-{next(self.counter):08d}.eml"
        (self.folder / name).write_bytes(data)
        return Reply(250, "Written to the local outbox")

    def close(self) -> None:
        pass


class ProviderTransport(OneAtATime):
    """A provider's HTTP API through django-anymail (the provider signs with its own DKIM)."""

    def __init__(self, provider: str) -> None:
        self.backend = f"anymail.backends.{provider}.EmailBackend"
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection(self.backend)

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        from anymail.exceptions import AnymailError

        parsed = email.message_from_bytes(data, policy=email.policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        keep = ("Message-ID", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence")
        message = AnymailMessage(
            subject=str(parsed["Subject"]),
            body=text.get_content() if text else "",
            from_email=str(parsed["From"]),
            to=[recipient],
            headers={name: str(parsed[name]) for name in keep if parsed[name]},
            connection=self.connection,
        )
        if html:
            message.attach_alternative(html.get_content(), "text/html")
        message.metadata = {"message_id": str(parsed["Message-ID"])}  # comes back in events
        try:
            message.send()
        except AnymailError as error:
            status = getattr(error, "status_code", None) or 0
            return Reply(550 if 400 <= status < 500 and status != 429 else 451, str(error)[:400])
        except OSError as error:
            raise ConnectionLost(str(error)) from error
        return Reply(250, "Accepted by the provider")

    def close(self) -> None:
        self.connection = None


_loaded_keys: dict[tuple[object, ...], list[DkimKey]] = {}


def dkim_keys() -> list[DkimKey]:
    """Keys found in ATLAS_DKIM_DIR for ATLAS_DKIM_DOMAIN (see `atlas dkim_keygen`), read again
    when a key file is added, removed or replaced (its inode, size or mtime moved): a rotated
    key signs the next batch without a worker restart."""
    domain = settings.ATLAS_DKIM_DOMAIN
    folder = Path(settings.ATLAS_DKIM_DIR)
    if not domain or not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.pem"))
    identity = (domain, str(folder), *(_file_identity(path) for path in paths))
    if identity not in _loaded_keys:
        keys = [
            DkimKey.from_pem(domain, path.stem.split(".")[0], path.read_bytes()) for path in paths
        ]
        _loaded_keys.clear()
        _loaded_keys[identity] = keys
    return _loaded_keys[identity]


def _file_identity(path: Path) -> tuple[str, int, int, int]:
    status = path.stat()
    return (path.name, status.st_ino, status.st_size, status.st_mtime_ns)
