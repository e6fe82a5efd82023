"""Email addresses as readers type them: checked, normalised, and never a header injection.

Internationalised addresses (RFC 6531) are welcome: `tomás@example.org` and `leser@münchen.example`
both sign up. One address has one stored form, so the same reader never becomes two members:
- the part before the @ is kept as typed, in Unicode normal form C (an "á" typed as "a" plus a
  combining accent and one typed as a single letter are the same address);
- the domain is stored lowercase in its ASCII (IDNA 2008, UTS #46) form, `xn--mnchen-3ya.example`,
  which every mail server and DNS resolver understands; `display_address` shows it in Unicode.
Whether a message can reach a non-ASCII mailbox is the mail server's call (SMTPUTF8), decided per
recipient at delivery, never at sign-up.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from atlas.lib.email import UnsafeHeaderValue, header_safe

MAX_LENGTH = 254
MAX_LOCAL_OCTETS = 64  # RFC 5321, counted in UTF-8 octets for RFC 6531 addresses
INVALID = "Enter a valid email address, like name@example.org."
# Letters, marks and digits of any script may appear before the @; spaces, control and
# invisible formatting characters (which make two addresses look alike) may not.
ALLOWED_NON_ASCII_CATEGORIES = ("L", "M", "N")


# The common case, checked by one regular expression: an ASCII dot-atom before the @ and an ASCII
# domain that is not IDNA-encoded. Everything it accepts, the full check below accepts with the
# same result (tests/test_members_addresses.py compares the two); anything else takes the full
# check. A member import normalises every row, so this is most of its per-row cost.
_PLAIN_ADDRESS = re.compile(
    r"(?P<local>[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?!-)[a-z-]{2,63}(?<!-))",
    re.IGNORECASE,
)


def normalize_email(raw: str) -> str:
    """Return the one stored form of an address or raise ValidationError a reader understands."""
    match = _PLAIN_ADDRESS.fullmatch(raw) if len(raw) <= MAX_LENGTH else None
    if match and len(match["local"]) <= MAX_LOCAL_OCTETS:
        domain = match["domain"].lower()
        if "xn--" not in domain:
            return f"{match['local']}@{domain}"
    return normalize_email_fully(raw)


def normalize_email_fully(raw: str) -> str:
    """`normalize_email` without its fast path for plain ASCII addresses."""
    try:
        header_safe(raw)
    except UnsafeHeaderValue as error:
        raise ValidationError("An email address cannot contain line breaks.") from error
    address = unicodedata.normalize("NFC", raw.strip())
    if not address:
        raise ValidationError("Enter your email address.")
    if len(address) > MAX_LENGTH:
        raise ValidationError(f"That address is too long (at most {MAX_LENGTH} characters).")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(INVALID)
    local = checked_local_part(local)
    address = f"{local}@{ascii_domain(domain)}"
    if len(address) > MAX_LENGTH:
        raise ValidationError(f"That address is too long (at most {MAX_LENGTH} characters).")
    # Django's check knows ASCII only: it sees each accepted non-ASCII letter as an "a".
    stand_in = "".join(character if character.isascii() else "a" for character in local)
    try:
        validate_email(f"{stand_in}@{address.rpartition('@')[2]}")
    except ValidationError as error:
        raise ValidationError(INVALID) from error
    return address


def checked_local_part(local: str) -> str:
    if len(local.encode()) > MAX_LOCAL_OCTETS:
        raise ValidationError(
            f"The part before the @ is too long (at most {MAX_LOCAL_OCTETS} bytes)."
        )
    for character in local:
        if not character.isascii() and not unicodedata.category(character).startswith(
            ALLOWED_NON_ASCII_CATEGORIES
        ):
            raise ValidationError(
                f"The part before the @ cannot contain “{character}” "
                f"(U+{ord(character):04X}): use letters, digits, dots, hyphens or underscores."
            )
    return local


def ascii_domain(domain: str) -> str:
    """The domain in lowercase ASCII: IDNA 2008 with the UTS #46 mapping (case folded, width
    and compatibility forms mapped), so `MÜNCHEN.example` and `münchen.example` are one domain."""
    if domain.isascii() and not domain.lower().startswith("xn--") and ".xn--" not in domain.lower():
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as error:
        raise ValidationError("The part after the @ is not a valid domain name.") from error


def display_address(address: str) -> str:
    """The address as a person reads it: an IDNA domain shown in Unicode."""
    local, _, domain = address.rpartition("@")
    if "xn--" not in domain:
        return address
    try:
        return f"{local}@{idna.decode(domain)}"
    except (idna.IDNAError, UnicodeError):
        return address


def validate_address(value: str) -> None:
    """Model-field validator: the value must already be in its stored form."""
    if normalize_email(value) != value:
        raise ValidationError("Not the normalised form of this address: save it through a form.")


class EmailAddressFormField(forms.CharField):
    """A text box for an address: `type="text" inputmode="email"`, because browsers refuse
    non-ASCII addresses in `type="email"` before our own check can say what is wrong."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 320)
        kwargs.setdefault("error_messages", {"required": "Enter your email address."})
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            inputmode="email", autocomplete="email", autocapitalize="none", spellcheck="false"
        )
        return attrs

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_email(value) if value else value


class EmailAddressField(models.EmailField):
    """An address in its stored form (see `normalize_email`), international ones included.

    Only the checks differ from Django's EmailField, so migrations see an EmailField: no
    migration (and no table rebuild on SQLite) for a change that never touches the schema.
    """

    default_validators = [validate_address]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.EmailField", args, kwargs

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or EmailAddressFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )
