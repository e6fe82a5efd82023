"""Email messages: template sets (`<name>_subject.txt`, `<name>.txt`, `<name>.html`) and the
headers every message carries.

`message_headers()` is the one place that says which headers a message has: a Message-ID
always; for a list's mail, List-Id, List-Unsubscribe (mailto and https) and RFC 8058's
List-Unsubscribe-Post; Precedence: bulk for newsletters. Transactional mail (`build_message`,
the outbox) and newsletters (delivery's MessageFactory, which writes raw bytes to sign them)
both take their headers from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.header import Header
from email.utils import make_msgid
from functools import cache
from typing import Any

import css_inline
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

_UNSAFE_HEADER = re.compile(r"[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class UnsafeHeaderValue(ValueError):
    """A value meant for a header carries a line break or control character."""


def header_safe(value: str) -> str:
    """Return `value` if it can go into a header as it is; raise otherwise."""
    if _UNSAFE_HEADER.search(value):
        raise UnsafeHeaderValue("Line breaks and control characters are not allowed here.")
    return value


def header_text(value: str) -> str:
    """A value someone typed (a name, a subject) made fit for a header: control characters and
    line breaks become spaces."""
    return _CONTROL.sub(" ", value).strip()


def encoded_header(value: str) -> str:
    """`header_text`, RFC 2047-encoded when it is not ASCII."""
    value = header_text(value)
    return value if value.isascii() else Header(value, "utf-8").encode(maxlinelen=900)


def message_headers(
    message_id: str,
    *,
    list_id: str = "",
    unsubscribe_url: str = "",
    unsubscribe_mailto: str = "",
    bulk: bool = False,
) -> list[tuple[str, str]]:
    """The headers that say what a message is and how to stop it, in order: Message-ID; for a
    list's mail List-Id, and List-Unsubscribe with RFC 8058 one-click (only with an https
    link: a mailto alone cannot take the POST); Precedence: bulk for newsletters."""
    headers = [("Message-ID", message_id)]
    if list_id:
        headers.append(("List-Id", list_id))
    targets = [f"<mailto:{unsubscribe_mailto}>"] if unsubscribe_mailto else []
    targets += [f"<{unsubscribe_url}>"] if unsubscribe_url else []
    if targets:
        headers.append(("List-Unsubscribe", ", ".join(targets)))
    if unsubscribe_url:
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    if bulk:
        headers.append(("Precedence", "bulk"))
    return headers


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def render_email(name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the template set `name`, the HTML with its CSS inlined."""
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    text = render_to_string(f"{name}.txt", context)
    html = _inliner().inline(render_to_string(f"{name}.html", context))
    return subject, text, html


def build_message(
    name: str,
    context: Mapping[str, Any],
    to: str,
    from_email: str,
    *,
    message_id: str | None = None,
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
    unsubscribe_mailto: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A ready-to-send multipart message (text and HTML) for one recipient."""
    subject, text, html = render_email(name, context)
    standard = message_headers(
        message_id or make_msgid(domain=_domain(from_email)),
        unsubscribe_url=unsubscribe_url or "",
        unsubscribe_mailto=(unsubscribe_mailto or "") if unsubscribe_url else "",
    )
    all_headers = {**dict(standard), **(headers or {})}
    for value in [to, from_email, subject, reply_to or "", *all_headers.values()]:
        header_safe(value)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers=all_headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _domain(address: str) -> str:
    match = re.search(r"@([^>\s]+)", address)
    return match.group(1) if match else "localhost"
