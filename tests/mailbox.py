"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes = b""

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"']+", self.text)


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    # Faults per recipient: an SMTP reply for RCPT ("451 4.7.1 ...") or DATA ("data:554 ..."),
    # "drop" (close the connection after the final dot, before replying), or "slow:0.2".
    faults: dict[str, str] = field(default_factory=dict)
    pipelining: bool = True

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd reads pipelined commands in turn; it only never says so
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        fault = self.faults.get(address, "")
        if fault[:1] in ("4", "5"):
            return fault
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipient = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        fault = self.faults.get(recipient, "")
        if fault.startswith("data:"):
            return fault[len("data:") :]
        if fault.startswith("slow:"):
            await asyncio.sleep(float(fault[len("slow:") :]))
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
        )
        if fault == "drop":
            server.transport.close()  # received, but the sender never hears so
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """`smtputf8`: whether the server offers SMTPUTF8 (RFC 6531); without it, a command or a
    message with non-ASCII bytes is refused ("500 Error: strict ASCII mode"). `pipelining`:
    whether it offers PIPELINING (RFC 2920), as Postfix and most servers do."""

    def __init__(self, smtputf8: bool = False, pipelining: bool = True) -> None:
        self.handler = _Handler(pipelining=pipelining)
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=smtputf8
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.handler.received

    @property
    def faults(self) -> dict[str, str]:
        return self.handler.faults

    def to(self, address: str) -> list[Received]:
        return [item for item in self.messages if address in item.recipients]

    def last_to(self, address: str) -> Received:
        found = self.to(address)
        assert found, f"no message to {address}; got {[m.recipients for m in self.messages]}"
        return found[-1]
