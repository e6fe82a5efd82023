"""Tokens in links: single-use email links (hashed at rest) and signed unsubscribe tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing

UNSUBSCRIBE_SALT = "atlas.members.unsubscribe"


def new_link_token() -> tuple[str, str]:
    """(token for the email, digest to store)."""
    token = secrets.token_urlsafe(32)
    return token, link_digest(token)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(member_id: int, newsletter_id: int | None) -> str:
    """A signed, non-expiring token naming a member and a newsletter (None: everything)."""
    return signing.dumps([member_id, newsletter_id], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    try:
        member_id, newsletter_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or not (
        newsletter_id is None or isinstance(newsletter_id, int)
    ):
        return None
    return member_id, newsletter_id
