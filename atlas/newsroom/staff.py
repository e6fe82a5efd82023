"""The newsroom's staff: invite by email with a role, change a role, remove, hand over ownership.

An invitation is an account with no password yet and a link, emailed through the outbox, to
choose one (Django's password-reset token: it works until the password is set, for
PASSWORD_RESET_TIMEOUT). There is one Owner; only the Owner hands the ownership over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from atlas.members import outbox
from atlas.newsroom.roles import INVITABLE_ROLES, ROLES, role_of
from atlas.publishing.models import Publication
from atlas.publishing.roles import OWNER, ensure_roles


class StaffRefused(ValueError):
    """The change cannot be made; the message says why."""


@dataclass(frozen=True)
class StaffMember:
    user: Any
    role: str

    @property
    def invited(self) -> bool:
        """Invited and not signed in yet (no password chosen)."""
        return not self.user.has_usable_password() and self.user.last_login is None


def staff() -> list[StaffMember]:
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    users = users.prefetch_related("groups")
    found = [StaffMember(user, role_of(user)) for user in users.order_by("first_name", "username")]
    return sorted(found, key=lambda member: ROLES.index(member.role) if member.role in ROLES else 9)


def owner() -> Any:
    return get_user_model().objects.filter(groups__name=OWNER, is_active=True).first()


def _group(role: str) -> Group:
    if not Group.objects.filter(name=role).exists():
        ensure_roles()
    return Group.objects.get(name=role)


def _set_role(user: Any, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(_group(role))


def _free_username(email: str) -> str:
    base = slugify(email.split("@", 1)[0])[:100] or "staff"
    users = get_user_model().objects
    candidate, number = base, 2
    while users.filter(username=candidate).exists():
        candidate, number = f"{base}{number}", number + 1
    return candidate


def invitation_url(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("newsroom:welcome", args=[uid, token])
    return Publication.current().absolute(path)


@transaction.atomic
def invite(email: str, name: str, role: str, invited_by: Any) -> Any:
    """Make (or find) the account and email it a link to choose a password."""
    if role not in INVITABLE_ROLES:
        raise StaffRefused("Choose a role. The ownership is handed over, not given by invitation.")
    email = email.strip()
    if not email:
        raise StaffRefused("An invitation needs an email address.")
    users = get_user_model().objects
    user = users.filter(email__iexact=email).first()
    if user is not None and user.is_staff and user.is_active and user.has_usable_password():
        raise StaffRefused(f"{email} is already on the staff.")
    if user is None:
        first_name, _, last_name = name.strip().partition(" ")
        user = users.create_user(
            _free_username(email), email, None, first_name=first_name[:150],
            last_name=last_name[:150],
        )  # fmt: skip
    user.is_staff = user.is_active = True
    user.save(update_fields=["is_staff", "is_active"])
    _set_role(user, role)
    _send_invitation(user, email, role, invited_by)
    return user


def resend_invitation(user: Any, invited_by: Any) -> None:
    """The same invitation again, to this account's own address."""
    if not user.email:
        raise StaffRefused(
            f"{user.get_username()} has no email address to send the invitation to: "
            "remove them and invite them again by email."
        )
    _send_invitation(user, user.email, role_of(user), invited_by)


def _send_invitation(user: Any, email: str, role: str, invited_by: Any) -> None:
    inviter = invited_by.get_full_name() or invited_by.get_username()
    outbox.queue(
        email, "newsroom/email/invitation", link_url=invitation_url(user), role=role,
        inviter=inviter, username=user.get_username(),
    )  # fmt: skip


def change_role(user: Any, role: str, changed_by: Any) -> None:
    if role_of(user) == OWNER:
        raise StaffRefused("The Owner stays the Owner until they hand the ownership over.")
    if role not in INVITABLE_ROLES:
        raise StaffRefused("Choose one of the roles.")
    _set_role(user, role)


def remove(user: Any, removed_by: Any) -> None:
    """Take someone off the staff: they can no longer sign in; what they wrote stays theirs."""
    if role_of(user) == OWNER:
        raise StaffRefused("The Owner cannot be removed; they can hand the ownership over first.")
    if user.pk == removed_by.pk:
        raise StaffRefused("You cannot remove yourself.")
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.is_staff = user.is_active = False
    user.save(update_fields=["is_staff", "is_active"])


@transaction.atomic
def hand_over(new_owner: Any, current_owner: Any) -> None:
    """The Owner makes another staff member the Owner and becomes an Administrator."""
    if role_of(current_owner) != OWNER:
        raise StaffRefused("Only the Owner can hand the ownership over.")
    if not (new_owner.is_staff and new_owner.is_active) or new_owner.pk == current_owner.pk:
        raise StaffRefused("Choose another member of the staff.")
    _set_role(current_owner, "Administrator")
    _set_role(new_owner, OWNER)
