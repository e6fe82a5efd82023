"""Sending pre-built messages over one SMTP connection, and reading what the server said."""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import Header
from email.utils import parseaddr
from typing import Any, TypeVar

import idna
from django.core.mail.backends.filebased import EmailBackend as DjangoFileBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")
_HARD_BOUNCE_WORDS = re.compile(
    r"user unknown|no such (user|mailbox)|does not exist|mailbox unavailable|invalid recipient|"
    r"recipient address rejected|unknown (user|recipient)",
    re.IGNORECASE,
)


class ConnectionLost(Exception):
    """The connection failed or dropped; whether the message in flight arrived is unknown."""


class RecipientError(Exception):
    """This one message cannot be sent (its address, or what was in it): fail it, go on. The
    connection is still usable."""


INTERNATIONAL_REFUSED = "server does not accept internationalised addresses"


def ascii_domain(address: str) -> str:
    """`address` with its domain in IDNA form (punycode), as every server accepts it; the local
    part is left as it is. Raises RecipientError for a domain that has no IDNA form."""
    local, separator, domain = address.rpartition("@")
    if not separator or domain.isascii():
        return address
    try:
        encoded = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise RecipientError(f"invalid internationalised domain {domain!r}: {error}") from error
    return f"{local}@{encoded}"


def envelope_address(address: str, smtputf8: bool) -> str:
    """The address as MAIL FROM or RCPT TO carries it: the domain always in IDNA form; a
    non-ASCII local part only over a session that offered SMTPUTF8 (RFC 6531)."""
    address = ascii_domain(address)
    if not address.isascii() and not smtputf8:
        raise RecipientError(INTERNATIONAL_REFUSED)
    return address


def utf8_address_headers(message: bytes, addresses: Iterable[str]) -> bytes:
    """`message` with every non-ASCII local part of `addresses` written in UTF-8 in its headers
    (RFC 6532), as newsletters write them. Django writes such a local part as an RFC 2047 word
    (`=?utf-8?b?...?=@example.org`), which names another address: a reply would go nowhere."""
    head, separator, body = message.partition(b"\r\n\r\n" if b"\r\n" in message else b"\n\n")
    for address in addresses:
        local, at, _ = parseaddr(address)[1].rpartition("@")
        if at and not local.isascii():
            encoded = Header(local, "utf-8").encode().encode("ascii")
            head = head.replace(encoded + b"@", local.encode() + b"@")
    return head + separator + body


def message_addresses(email_message: Any) -> list[str]:
    """Every address a Django message names in its headers."""
    return [email_message.from_email, *email_message.recipients(), *email_message.reply_to]


@dataclass(frozen=True)
class Reply:
    code: int
    text: str

    @property
    def enhanced(self) -> str:
        match = _ENHANCED.match(self.text)
        return ".".join(match.groups()) if match else ""

    @property
    def accepted(self) -> bool:
        return 200 <= self.code < 300

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500

    @property
    def hard_bounce(self) -> bool:
        """The mailbox does not exist (5.1.x), as opposed to a policy or content refusal."""
        if not 500 <= self.code < 600:
            return False
        if self.enhanced:
            return self.enhanced.startswith("5.1.")
        return self.code in (550, 551, 553) and bool(_HARD_BOUNCE_WORDS.search(self.text))

    def summary(self) -> str:
        return f"{self.code} {self.text}"[:500]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float = 30.0


def _socket_of(client: smtplib.SMTP) -> socket.socket:
    """The session's socket. smtplib drops it (None) once the server has hung up: that is a
    lost connection, not an AttributeError."""
    if client.sock is None:
        raise smtplib.SMTPServerDisconnected("The server closed the connection.")
    return client.sock


Tag = TypeVar("Tag")
SEND_BUFFER = 256 * 1024


class SmtpConnection:
    """One session. `send` writes an already dot-safe message with a single DATA round trip;
    `submit` and `drain` pipeline one message behind the next (see `submit`)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None
        self.eight_bit = False
        self.pipelining = False
        self.smtputf8 = False
        self.in_flight: list[Any] = []  # the tag of a message whose final reply is not read yet
        self.announced = b""  # the next message's envelope, sent ahead (see `submit`)

    def open(self) -> None:
        settings = self.settings
        try:
            if settings.use_ssl:
                self.client = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                self.client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            _socket_of(self.client).setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # Room for a whole message: its write returns at once instead of waiting for the
            # server to read, and the next message is built meanwhile (see `submit`).
            _socket_of(self.client).setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
            self.client.ehlo()
            if settings.use_tls:
                self.client.starttls(context=ssl.create_default_context())
                self.client.ehlo()
            if settings.username:
                self.client.login(settings.username, settings.password)
            self.eight_bit = self.client.has_extn("8bitmime")
            self.pipelining = self.client.has_extn("pipelining")
            self.smtputf8 = self.client.has_extn("smtputf8")
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ConnectionLost(f"Could not open SMTP connection: {error}") from error

    def send(self, sender: str, recipient: str, data: bytes) -> Reply:
        """Send one message; `data` ends with CRLF and has no line starting with a dot.

        Raises RecipientError when this message cannot go over this session (the connection
        stays usable), ConnectionLost when the session is gone."""
        replies = self.submit(sender, recipient, data, None) + self.drain()
        return replies[-1][1]

    def submit(
        self, sender: str, recipient: str, data: bytes, tag: Tag, next_recipient: str = ""
    ) -> list[tuple[Tag, Reply]]:
        """Hand one message over (`data` as for `send`); return the replies known so far, each
        with the `tag` of its message.

        Over a session that offers PIPELINING (RFC 2920) the final reply to a message is read
        with the next message's MAIL, RCPT and DATA, which follow its end of data in the same
        stream: one round trip a message instead of two, and the caller builds the next message
        while the server takes this one in. This message's own reply then comes with the next
        `submit`, or from `drain()`; a session lost meanwhile (ConnectionLost) leaves it unknown.
        Given the `next_recipient` (whose message is built already), its envelope is written
        right after this message's end of data, so that the server has answered it by the time
        the caller, having built another message, hands that one over: the next `submit` must
        then be that recipient's, or the session ends.
        Raises RecipientError for this message alone (nothing of it was written)."""
        client = self.client
        assert client is not None, "open() first"
        if self.pipelining:
            commands = self._envelope(sender, recipient)
            following = b""
            if next_recipient:
                with contextlib.suppress(RecipientError):  # it fails alone in its own turn
                    following = self._envelope(sender, next_recipient)
            return self._submit_pipelined(client, commands, data, tag, following)
        sender, recipient, options = self._addressed(sender, recipient)
        try:
            return [(tag, self._send_in_turn(client, sender, recipient, data, options))]
        except (TimeoutError, OSError, smtplib.SMTPServerDisconnected) as error:
            self.close()
            raise ConnectionLost(str(error) or type(error).__name__) from error
        except (UnicodeError, smtplib.SMTPException) as error:
            self._reset(client)
            raise RecipientError(f"{type(error).__name__}: {error}"[:400]) from error

    def drain(self) -> list[tuple[Any, Reply]]:
        """The final reply to the message still in flight, if any (see `submit`)."""
        if not self.in_flight or self.client is None:
            return []
        tag = self.in_flight.pop()
        try:
            return [(tag, Reply(*_decoded(self.client.getreply())))]
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            self.close()
            raise ConnectionLost(str(error) or type(error).__name__) from error

    def _send_in_turn(
        self, client: smtplib.SMTP, sender: str, recipient: str, data: bytes, options: list[str]
    ) -> Reply:
        code, text = client.mail(sender, options)
        if code >= 300:
            client.rset()
            return Reply(code, text.decode(errors="replace"))
        code, text = client.rcpt(recipient)
        if code >= 300:
            client.rset()
            return Reply(code, text.decode(errors="replace"))
        client.putcmd("data")
        code, text = client.getreply()
        if code != 354:
            client.rset()
            return Reply(code, text.decode(errors="replace"))
        _socket_of(client).sendall(data + b".\r\n")
        code, text = client.getreply()
        return Reply(code, text.decode(errors="replace"))

    def _addressed(self, sender: str, recipient: str) -> tuple[str, str, list[str]]:
        """The envelope's sender and recipient as this server takes them, and MAIL's options."""
        sender = envelope_address(sender, self.smtputf8)
        recipient = envelope_address(recipient, self.smtputf8)
        options = ["BODY=8BITMIME"] if self.eight_bit else []
        if not (sender.isascii() and recipient.isascii()):
            options.append("SMTPUTF8")
        return sender, recipient, options

    def _envelope(self, sender: str, recipient: str) -> bytes:
        """MAIL, RCPT and DATA for one message, as written on the wire."""
        sender, recipient, options = self._addressed(sender, recipient)
        mail_options = "".join(f" {option}" for option in options)
        try:
            return (
                f"MAIL FROM:<{sender}>{mail_options}\r\nRCPT TO:<{recipient}>\r\nDATA\r\n"
            ).encode()
        except UnicodeError as error:
            raise RecipientError(f"{type(error).__name__}: {error}"[:400]) from error

    def _submit_pipelined(
        self, client: smtplib.SMTP, commands: bytes, data: bytes, tag: Tag, following: bytes
    ) -> list[tuple[Tag, Reply]]:
        announced, self.announced = self.announced, b""
        if announced and announced != commands:
            self.close()  # the server waits for another message's data: end the session
            raise ConnectionLost("The message after the one announced was another.")
        try:
            if not announced:
                _socket_of(client).sendall(commands)
            known = self.drain() if self.in_flight else []
            replies = [Reply(*_decoded(client.getreply())) for _ in range(3)]
            failed = next((reply for reply in replies[:2] if reply.code >= 300), None)
            if failed is not None or replies[2].code != 354:
                if replies[2].code == 354:  # a server that accepted DATA anyway: end it empty
                    _socket_of(client).sendall(b".\r\n")
                    client.getreply()
                client.rset()
                return [*known, (tag, failed or replies[2])]
            _socket_of(client).sendall(data + b".\r\n" + following)
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            # Mid-stream, any surprise leaves the session's state unknown: it is lost.
            self.close()
            raise ConnectionLost(str(error) or type(error).__name__) from error
        self.in_flight.append(tag)
        self.announced = following
        return known

    def _reset(self, client: smtplib.SMTP) -> None:
        """After a refusal raised mid-transaction, start the next one clean (RSET)."""
        client.command_encoding = "ascii"
        try:
            client.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        self.in_flight.clear()  # its reply, if any, is never read: its outcome stays unknown
        announced, self.announced = self.announced, b""
        if self.client is None:
            return
        try:
            if announced:  # the server may be reading a message: QUIT would be part of it
                raise smtplib.SMTPServerDisconnected("ended with a message announced")
            self.client.quit()
        except (OSError, smtplib.SMTPException):
            with contextlib.suppress(OSError):
                self.client.close()
        self.client = None


def _decoded(reply: tuple[int, bytes]) -> tuple[int, str]:
    return reply[0], reply[1].decode(errors="replace")


class EmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend for transactional mail (the outbox), with internationalised
    addresses as newsletters have them: the domain in IDNA form, a non-ASCII local part over
    SMTPUTF8 when the server offers it, and RecipientError when it does not (Django alone would
    turn the local part into an RFC 2047 word: another address, silently)."""

    def _send(self, email_message: Any) -> bool:
        if not email_message.recipients():
            return False
        assert self.connection is not None, "open() first"
        self.connection.ehlo_or_helo_if_needed()  # what the server offers is known after EHLO
        smtputf8 = self.connection.has_extn("smtputf8")
        sender = envelope_address(parseaddr(email_message.from_email)[1], smtputf8)
        recipients = [
            envelope_address(parseaddr(address)[1], smtputf8)
            for address in email_message.recipients()
        ]
        international = not all(address.isascii() for address in [sender, *recipients])
        message = email_message.message().as_bytes(linesep="\r\n")
        if international:  # only over SMTPUTF8: envelope_address refused it otherwise
            message = utf8_address_headers(message, message_addresses(email_message))
        try:
            self.connection.sendmail(
                sender, recipients, message, mail_options=["SMTPUTF8"] if international else []
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


class CapturedEmailBackend(DjangoFileBackend):
    """Django's file backend (mail captured under var/outbox when no EMAIL_URL is set), writing
    each message as the SMTP backend sends it to a server that offers SMTPUTF8: a non-ASCII
    local part in UTF-8 in the headers, not an RFC 2047 word."""

    def write_message(self, message: Any) -> None:
        data = utf8_address_headers(message.message().as_bytes(), message_addresses(message))
        stream: Any = self.stream  # opened in binary mode ("ab") by Django's file backend
        stream.write(data + b"\n" + b"-" * 79 + b"\n")
