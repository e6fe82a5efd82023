"""A page's frame: the whole template but its slots, rendered once per content version.

A page rendered for each reader (a signed-in member's article; any page with the page cache off)
is, but for its slots, the same for every reader of that page who is signed in, and for every
one who is not: `render()` keeps that frame (`atlas.lib.fragments`, per content version, keyed
by the page, the query string and whether the reader is signed in), and on each request renders
only the slots, with the page's own context and the reader's own request, and puts them in place.

Nothing about the first reader to ask can be kept in a frame: it is rendered with a stand-in for
the reader (signed in or not, and nothing else: no name, no email, not staff, no permission),
no messages, and a stand-in for the CSRF token, put in place per request if the frame holds it.
Each `{% slot %}` of the frame leaves a mark (random for each process, so no text of a post
holds one but by chance) instead of rendering.

Only for templates whose slots sit where the page's own context reaches them: not in a loop
(a slot in a `{% for %}` makes the frame unusable: the page is rendered whole, every time) and
not assigned with `{% slot ... as name %}` (which would hand the mark to the template's logic;
tests compare each framed page with its whole rendering).
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.shortcuts import render as render_whole
from django.template import Context
from django.template.context import make_context
from django.template.loader import get_template

from atlas.lib import fragments
from atlas.lib.hooks import render_slot, same_for_every_reader

FRAMING = "_atlas_framing"  # in a frame's context: where its slots are noted
_PER_PROCESS = secrets.token_hex(16)
SLOT_MARK = f"<!--slot {_PER_PROCESS}-->"
CSRF_MARK = f"csrf{_PER_PROCESS}"


class SignedInReader(AnonymousUser):
    """A reader who is signed in, and nothing else about them."""

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


@dataclass(frozen=True)
class Frame:
    """The frame's HTML between its slots (one more part than slots), and the slots' names."""

    parts: tuple[str, ...]
    slots: tuple[str, ...]
    csrf: bool


class Framing:
    """What a frame's `{% slot %}` tags note while it is rendered."""

    def __init__(self) -> None:
        self.slots: list[str] = []
        self.usable = True

    def mark(self, name: str, context: Context) -> str:
        """The slot's mark; or its HTML, when it is the same for every reader of the page."""
        if same_for_every_reader(name):
            return render_slot(name, context)
        if context.get("forloop") is not None:
            self.usable = False  # the slot needs the loop's context: not a frame's slot
        self.slots.append(name)
        return SLOT_MARK


def render(
    request: HttpRequest, template_name: str, context: dict[str, Any], key: tuple[Hashable, ...]
) -> HttpResponse:
    """`django.shortcuts.render(request, template_name, context)`, its frame kept under `key`
    (what, with the content version, makes the page's HTML but its slots the same)."""
    signed_in = bool(request.user.is_authenticated)
    query = request.META.get("QUERY_STRING", "")
    frame_key = ("frame", template_name, *key, signed_in, query)
    frame = fragments.value(
        frame_key,
        lambda: _frame(request, template_name, context, signed_in),
        size=lambda made: sum(map(len, made.parts)) if made else 64,
    )
    if frame is None:
        return render_whole(request, template_name, context)
    template: Any = get_template(template_name)  # the backend's, holding the engine's
    page = make_context(context, request, autoescape=template.backend.engine.autoescape)
    with page.bind_template(template.template):
        slots = [render_slot(name, page) for name in frame.slots]
    pieces: list[str] = [frame.parts[0]]
    for slot_html, part in zip(slots, frame.parts[1:], strict=True):
        pieces += [slot_html, part]
    html = "".join(pieces)
    return HttpResponse(with_csrf_token(html, request) if frame.csrf else html)


def with_csrf_token(html: str, request: HttpRequest) -> str:
    """`html` with this request's CSRF token in place of `CSRF_MARK` (a kept part of a page
    rendered with `csrf_token` as the mark). Only a page that holds a form makes a token."""
    return html.replace(CSRF_MARK, csrf_token(request)) if CSRF_MARK in html else html


_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
_ALPHABET = len(CSRF_ALLOWED_CHARS)
_UNBIASED_BELOW = 256 - 256 % _ALPHABET  # bytes from here up would favour the first letters


def csrf_token(request: HttpRequest) -> str:
    """Django's `get_token(request)`: the request's CSRF secret under a new random mask, and
    the cookie sent again. Django draws the mask one character at a time, each from the system's
    randomness (a thirtieth of a signed-in reader's article); this draws it at once, as uniform."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # no cookie yet: Django's makes one
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = ""
    while len(mask) < CSRF_SECRET_LENGTH:
        drawn = secrets.token_bytes(2 * CSRF_SECRET_LENGTH)
        mask += "".join(CSRF_ALLOWED_CHARS[b % _ALPHABET] for b in drawn if b < _UNBIASED_BELOW)
    mask = mask[:CSRF_SECRET_LENGTH]
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % _ALPHABET]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def _frame(
    request: HttpRequest, template_name: str, context: dict[str, Any], signed_in: bool
) -> Frame | None:
    reader = SignedInReader() if signed_in else AnonymousUser()
    framing = Framing()
    stand_ins = {
        "user": reader,
        "perms": PermWrapper(reader),
        "messages": (),
        "csrf_token": CSRF_MARK,
        FRAMING: framing,
    }
    html = get_template(template_name).render({**context, **stand_ins}, request)
    parts = tuple(html.split(SLOT_MARK))
    if not framing.usable or len(parts) != len(framing.slots) + 1:
        return None
    return Frame(parts=parts, slots=tuple(framing.slots), csrf=CSRF_MARK in html)
