"""Links in emails: single-use links that sign in, confirm or change an address (hashed at rest,
used once), and signed unsubscribe tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from atlas.lib.signing import Tokens
from atlas.members.models import EmailLink, Member

UNSUBSCRIBE_TOKENS = Tokens("atlas.members.unsubscribe")


def new_link_token() -> tuple[str, str]:
    """(token for the email, digest to store)."""
    token = secrets.token_urlsafe(32)
    return token, link_digest(token)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(member: Member, purpose: str, email: str = "", next_path: str = "") -> str:
    """Create a single-use link for `member`; return the token to put in the email."""
    token, digest = new_link_token()
    EmailLink.objects.create(
        token_digest=digest,
        member=member,
        purpose=purpose,
        email=email or member.email,
        next_path=next_path[:300],
        expires_at=timezone.now() + EmailLink.LIFETIMES[purpose],
    )
    return token


def peek_link(token: str, purpose: str) -> EmailLink | None:
    """The link, if it could still be used (for the one-button page); does not use it."""
    return (
        EmailLink.objects.select_related("member")
        .filter(
            token_digest=link_digest(token),
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def use_link(token: str, purpose: str) -> EmailLink | None:
    """Use a link once: of any number of concurrent calls with one token, one gets it."""
    now = timezone.now()
    won = EmailLink.objects.filter(
        token_digest=link_digest(token), purpose=purpose, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not won:
        return None
    return EmailLink.objects.select_related("member").get(token_digest=link_digest(token))


def unsubscribe_token(member_id: int, newsletter_id: int | None) -> str:
    """A signed, non-expiring token naming a member and a newsletter (None: everything)."""
    return UNSUBSCRIBE_TOKENS.dumps([member_id, newsletter_id])


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    found = UNSUBSCRIBE_TOKENS.ids(token, 2, optional=1)
    if found is None or found[0] is None:
        return None
    return found[0], found[1]
