"""Signed tokens in links: every token Atlas puts in a link is made and read here.

Each kind of token has a salt of its own (what it is for), so a token made for one purpose is
refused for any other. A token that does not verify (edited, cut short, signed with another
SECRET_KEY) or has expired reads as None, never as an exception. Two shapes, both Django's
`django.core.signing`:

- `dumps(value)`: any JSON value, compressed (unsubscribe, reply-email, preview and report
  links); `ids(token, count)` reads back a list of ids, each checked to be a whole number (or
  None where `optional`).
- `sign(text)`: a short text and its signature, for links where length matters because they
  are on every cached page or in every newsletter (sponsor clicks and impressions, email opens
  and clicks); `unsign_ids(token, count)` reads back dotted whole numbers.

Links already sent carry these tokens: changing a salt or a shape breaks every one of them.
"""

from __future__ import annotations

from typing import Any

from django.core import signing

_ID = int | None


class Tokens:
    """Tokens for one purpose. `max_age` (seconds) makes them expire; none do by default."""

    def __init__(self, salt: str, *, max_age: int | None = None) -> None:
        self.salt = salt
        self.max_age = max_age

    def dumps(self, value: Any) -> str:
        return signing.dumps(value, salt=self.salt, compress=True)

    def loads(self, token: str, max_age: int | None = None) -> Any:
        """The value, or None when the token does not verify or has expired."""
        try:
            return signing.loads(token, salt=self.salt, max_age=max_age or self.max_age)
        except (signing.BadSignature, ValueError, TypeError):
            return None

    def ids(self, token: str, count: int, *, optional: int = 0) -> tuple[_ID, ...] | None:
        """A `dumps`-made list of `count` ids; the last `optional` of them may be None."""
        value = self.loads(token)
        if not isinstance(value, list) or len(value) != count:
            return None
        for position, item in enumerate(value):
            allowed_none = position >= count - optional
            if not (_is_id(item) or (item is None and allowed_none)):
                return None
        return tuple(value)

    def sign(self, text: str) -> str:
        return signing.Signer(salt=self.salt).sign(text)

    def unsign(self, token: str) -> str | None:
        try:
            return signing.Signer(salt=self.salt).unsign(token)
        except signing.BadSignature:
            return None

    def sign_ids(self, *numbers: int) -> str:
        """Whole numbers (negative ones too) as a short signed token: "12.3:signature"."""
        return self.sign(".".join(str(number) for number in numbers))

    def unsign_ids(self, token: str, count: int) -> tuple[int, ...] | None:
        text = self.unsign(token)
        parts = text.split(".") if text is not None else []
        if len(parts) != count or not all(part.lstrip("-").isdigit() for part in parts):
            return None
        return tuple(int(part) for part in parts)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
