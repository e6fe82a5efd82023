"""Build email messages from template sets: `<name>_subject.txt`, `<name>.txt`, `<name>.html`.

One helper for every email, so that every message carries the same headers: a Message-ID,
and List-Unsubscribe / List-Unsubscribe-Post where the mail is a list's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import make_msgid
from functools import cache
from typing import Any

import css_inline
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

_UNSAFE_HEADER = re.compile(r"[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnsafeHeaderValue(ValueError):
    """A value meant for a header carries a line break or control character."""


def header_safe(value: str) -> str:
    """Return `value` if it can go into a header as it is; raise otherwise."""
    if _UNSAFE_HEADER.search(value):
        raise UnsafeHeaderValue("Line breaks and control characters are not allowed here.")
    return value


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
    all_headers = {"Message-ID": message_id or make_msgid(domain=_domain(from_email))}
    if unsubscribe_url:
        targets = [f"<{unsubscribe_url}>"]
        if unsubscribe_mailto:
            targets.insert(0, f"<mailto:{unsubscribe_mailto}>")
        all_headers["List-Unsubscribe"] = ", ".join(targets)
        all_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    all_headers.update(headers or {})
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
