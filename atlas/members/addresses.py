"""Email addresses as readers type them: checked, normalised, and never a header injection."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from atlas.lib.email import UnsafeHeaderValue, header_safe

MAX_LENGTH = 254


def normalize_email(raw: str) -> str:
    """Return a clean address or raise ValidationError with a message a reader understands.

    Line breaks and control characters are refused before anything else, so no address can
    smuggle a header into a message. Internationalised domains are kept in their ASCII (IDNA)
    form; a non-ASCII part before the @ is refused, since not every mail server accepts it.
    """
    try:
        header_safe(raw)
    except UnsafeHeaderValue as error:
        raise ValidationError("An email address cannot contain line breaks.") from error
    address = raw.strip()
    if not address:
        raise ValidationError("Enter your email address.")
    if len(address) > MAX_LENGTH:
        raise ValidationError(f"That address is too long (at most {MAX_LENGTH} characters).")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError("Enter a valid email address, like name@example.org.")
    if not local.isascii():
        raise ValidationError(
            "Addresses with accented or non-Latin letters before the @ are not supported yet."
        )
    try:  # an ASCII domain needs no IDNA (validate_email checks its labels the same way)
        domain = domain.lower() if domain.isascii() else domain.encode("idna").decode().lower()
    except UnicodeError as error:
        raise ValidationError("The part after the @ is not a valid domain name.") from error
    address = f"{local}@{domain}"
    if len(address) > MAX_LENGTH:
        raise ValidationError(f"That address is too long (at most {MAX_LENGTH} characters).")
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError("Enter a valid email address, like name@example.org.") from error
    return address
