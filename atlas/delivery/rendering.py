"""The newsletter email: rendered once per send, personalised per recipient by substitution.

A send renders its post twice at most (the full text, and a teaser for readers not entitled to
a gated post), with CSS inlined and the body put in DKIM-canonical form once. Each recipient's
message is then the template with a few placeholders replaced, a SHA-256 and a signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formataddr, formatdate
from functools import cached_property
from html import escape as escape_html
from typing import Any

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from atlas.delivery.hooks import render_blocks
from atlas.delivery.models import DeliverySettings
from atlas.delivery.tracking import RECIPIENT, instrument_email_html, recipient_token
from atlas.lib.dkim import DkimKey, canonical_body, sign_message
from atlas.lib.email import encoded_header, header_safe, header_text, message_headers
from atlas.lib.plaintext import html_to_text
from atlas.lib.smtp import RecipientError, ascii_domain
from atlas.members.links import unsubscribe_token
from atlas.publishing.models import Publication
from atlas.publishing.structured_data import feature_image_url

UNSUBSCRIBE = "%%ATLAS-UNSUBSCRIBE%%"
NEWSLETTER = "%%ATLAS-NEWSLETTER%%"
NEWSLETTER_HTML = "%%ATLAS-NEWSLETTER-HTML%%"
_UNSUBSCRIBE, _NEWSLETTER, _NEWSLETTER_HTML = (
    UNSUBSCRIBE.encode(), NEWSLETTER.encode(), NEWSLETTER_HTML.encode()
)  # fmt: skip
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')
_LONG_LINE = 900
_RECIPIENT = RECIPIENT.encode()
_TOKEN = "ATLAS-TOKEN"
_LEADING_DOT = re.compile(rb"(?m)^\.")
_PLACEHOLDER = re.compile(rb"(%%ATLAS-[A-Z-]+%%)")


@dataclass(frozen=True)
class BodyTemplate:
    """A body cut once at its placeholders: each recipient's body is then one join, not a
    search of the whole body per placeholder."""

    pieces: tuple[bytes, ...]  # text, placeholder, text, ..., text

    @classmethod
    def of(cls, body: bytes) -> BodyTemplate:
        return cls(tuple(_PLACEHOLDER.split(body)))

    def fill(self, values: dict[bytes, bytes]) -> bytes:
        pieces = list(self.pieces)
        pieces[1::2] = [values.get(placeholder, placeholder) for placeholder in pieces[1::2]]
        return b"".join(pieces)


def wrap_long_lines(text: str) -> str:
    """Keep every line under SMTP's 998-octet limit by breaking at spaces."""
    lines = []
    for line in text.splitlines():
        while len(line.encode()) > _LONG_LINE and " " in line[:_LONG_LINE]:
            cut = line.rfind(" ", 0, _LONG_LINE)
            lines.append(line[:cut])
            line = line[cut + 1 :]
        lines.append(line)
    return "\n".join(lines)


def render_parts(send: Any, full: bool) -> tuple[str, str]:
    """(text, html) of the newsletter for this send, with placeholders for each recipient."""
    publication = Publication.current()
    post = send.post
    base = publication.base_url
    body_html = _RELATIVE_URL.sub(rf"\1{base}/", post.body_html)
    image = feature_image_url(post, "960")
    context = {
        "publication": publication,
        "post": post,
        "full": full,
        "body_html": body_html,
        "body_text": html_to_text(body_html) if full else "",
        "authors": list(post.authors.order_by("postauthor__position")),
        "post_url": publication.absolute(post.get_absolute_url()) if post.is_live else "",
        "image_url": publication.absolute(image) if image else "",
        "logo_url": publication.absolute(publication.logo.url) if publication.logo else "",
        "unsubscribe_url": UNSUBSCRIBE,
        "newsletter_name": NEWSLETTER,
        "postal_address": send_settings().postal_address,
        "subscribe_url": publication.absolute(reverse("members:subscribe")),
    }
    context["after_body_html"], context["after_body_text"] = (
        render_blocks("after_body", send) if full else ("", "")
    )
    context["footer_html"], context["footer_text"] = render_blocks("footer", send)
    html: str = render_to_string(
        "delivery/email/post.html", {**context, "newsletter_name": NEWSLETTER_HTML}
    )
    html = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False).inline(html)
    if send.pk:  # admin previews render unsaved sends: nothing to track
        html = instrument_email_html(html, send.pk)
    text = render_to_string("delivery/email/post.txt", context)
    return wrap_long_lines(text), wrap_long_lines(html)


def send_settings() -> DeliverySettings:
    return DeliverySettings.current()


def sender_header() -> str:
    """The From header staff set in Settings > Delivery (the publication's name and
    DEFAULT_FROM_EMAIL's address by default): newsletters and the site's own emails use it."""
    delivery_settings = send_settings()
    name = delivery_settings.from_name or Publication.current().name
    address = delivery_settings.from_email or _address_of(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, address))


@dataclass
class Recipient:
    email: str
    member_id: int
    newsletter_id: int | None
    newsletter_name: str
    full_text: bool


class MessageFactory:
    """Builds the bytes of each recipient's message for one send."""

    def __init__(self, send, keys: list[DkimKey]) -> None:
        self.send = send
        self.keys = keys
        self.publication = Publication.current()
        delivery_settings = send_settings()
        name = delivery_settings.from_name or self.publication.name
        address = delivery_settings.from_email or _address_of(settings.DEFAULT_FROM_EMAIL)
        self.sender = address
        self.domain = address.rpartition("@")[2] or "localhost"
        self.from_header = formataddr((header_text(name), address), charset="utf-8")
        self.reply_to = delivery_settings.reply_to
        self.subject = encoded_header(send.subject)
        self.boundary = f"atlas-send-{send.pk}"
        # The same for every recipient but the token: reversed once.
        self.unsubscribe_template = self.publication.absolute(
            reverse("members:unsubscribe", args=[_TOKEN])
        )

    @cached_property
    def bodies(self) -> dict[bool, tuple[BodyTemplate, BodyTemplate | None]]:
        """Per variant (full or teaser): the canonical body, and the same dot-stuffed for the
        wire when a line in it starts with a dot (None when none does)."""
        variants = {True: (self.send.full_text, self.send.full_html)}
        if self.send.teaser_html:
            variants[False] = (self.send.teaser_text, self.send.teaser_html)
        bodies = {}
        for full, (text, html) in variants.items():
            body = canonical_body(
                f"--{self.boundary}\n"
                'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
                f"{text}\n--{self.boundary}\n"
                'Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
                f"{html}\n--{self.boundary}--\n"
            )
            encoded = body.encode()
            stuffed = _LEADING_DOT.sub(b"..", encoded) if b"\n." in encoded else None
            bodies[full] = (
                BodyTemplate.of(encoded),
                BodyTemplate.of(stuffed) if stuffed is not None else None,
            )
        return bodies

    def unsubscribe_url(self, recipient: Recipient) -> str:
        token = unsubscribe_token(recipient.member_id, recipient.newsletter_id)
        return self.unsubscribe_template.replace(_TOKEN, token)

    def build(self, recipient: Recipient, message_id: str) -> bytes:
        """The message's bytes, ready for DATA (dot-stuffed). Raises RecipientError when this
        recipient's address cannot be written into a message."""
        body_template, stuffed_template = self.bodies.get(recipient.full_text) or self.bodies[True]
        unsubscribe_url = self.unsubscribe_url(recipient)
        newsletter_name = header_text(recipient.newsletter_name)
        values = {
            _UNSUBSCRIBE: unsubscribe_url.encode(),
            _NEWSLETTER_HTML: escape_html(newsletter_name).encode(),
            _NEWSLETTER: newsletter_name.encode(),
            _RECIPIENT: recipient_token(self.send.pk, recipient.member_id).encode(),
        }
        body = body_template.fill(values)
        headers = [
            ("From", self.from_header),
            ("To", _recipient_header(recipient.email)),
            ("Subject", self.subject),
            ("Date", formatdate(localtime=False, usegmt=True)),
            *message_headers(
                message_id,
                list_id=f"{encoded_header(recipient.newsletter_name)} <newsletter-"
                        f"{recipient.newsletter_id or 0}.{self.domain}>",
                unsubscribe_url=unsubscribe_url,
                unsubscribe_mailto=f"unsubscribe@{self.domain}?subject=unsubscribe",
                bulk=True,
            ),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/alternative; boundary="{self.boundary}"'),
        ]  # fmt: skip
        if self.reply_to:
            headers.insert(2, ("Reply-To", self.reply_to))
        headers = sign_message(headers, body, self.keys) + headers if self.keys else headers
        head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode()
        if newsletter_name.startswith("."):  # it may begin a line: stuff this very body
            return head + b"\r\n" + _LEADING_DOT.sub(b"..", body)
        if stuffed_template is None:
            return head + b"\r\n" + body
        return head + b"\r\n" + stuffed_template.fill(values)


def _recipient_header(address: str) -> str:
    """The To header: the domain in IDNA form, so that the message is plain ASCII wherever the
    address is; a non-ASCII local part stays UTF-8 (it only travels over SMTPUTF8, RFC 6532)."""
    try:
        return header_safe(ascii_domain(address))
    except ValueError as error:
        raise RecipientError(f"The address cannot be written in a header: {error}") from error


def _address_of(value: str) -> str:
    match = re.search(r"<([^>]+)>", value)
    return match.group(1) if match else value.strip()
