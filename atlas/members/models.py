"""Readers who subscribe: members, newsletters, subscriptions, sign-in links, history, mail."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

from atlas.lib.singleton import SingletonModel
from atlas.lib.storage import private_storage
from atlas.members.addresses import EmailAddressField, display_address


def email_digest(email: str) -> str:
    """A stable, one-way fingerprint of an address (for suppression without keeping it)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Newsletter(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(
        default=False, help_text="Offered, ticked, on every sign-up form."
    )
    from_name = models.CharField(max_length=120, blank=True)
    from_email = models.EmailField(blank=True)
    reply_to = models.EmailField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet["Member"]):
    def active(self) -> MemberQuerySet:
        return self.filter(status=Member.Status.ACTIVE)

    def with_email(self, email: str) -> MemberQuerySet:
        return self.filter(email_lower=email.strip().lower())


class Member(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"

    class Tier(models.TextChoices):
        FREE = "free", "Free"
        PAID = "paid", "Paid"
        COMPED = "comped", "Complimentary"

    email = EmailAddressField()
    # Unique by a constraint, not `unique=True`: on PostgreSQL the field option adds a second
    # index (`varchar_pattern_ops`, for LIKE 'prefix%') that no query uses and every insert pays.
    email_lower = models.CharField(max_length=254, editable=False)
    name = models.CharField(max_length=120, blank=True)
    comment_name = models.CharField(
        max_length=60, blank=True, help_text="Shown with comments; the name when empty."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    tier = models.CharField(
        max_length=8,
        choices=Tier.choices,
        default=Tier.FREE,
        help_text="The plan as stored for lists and sends; kept current by billing when it "
        "manages the member's payments.",
    )
    stripe_customer_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="The reader's customer at Stripe (from an import, or set when they pay).",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="members")
    notes = models.TextField(blank=True)
    newsletters: models.ManyToManyField[Newsletter, Subscription] = models.ManyToManyField(
        Newsletter, through="Subscription", related_name="members", blank=True
    )

    source = models.CharField(max_length=40, blank=True, help_text="web, import, admin, api")
    signup_page = models.CharField(max_length=300, blank=True)
    referrer = models.CharField(max_length=300, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["email_lower"], name="members_member_email_lower_key")
        ]
        indexes = [
            # In Meta rather than `db_index=True`, for the same reason as `email_lower`.
            models.Index(fields=["stripe_customer_id"], name="members_stripe_customer"),
            models.Index(fields=["status", "created_at"]),
            # Sends walk the active members in key order, a batch at a time: without this,
            # SQLite picks the status index and sorts every active member for each batch.
            models.Index(fields=["status", "id"], name="members_active_in_key_order"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_lower = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_email(self) -> str:
        """The address as the reader reads it: an internationalised domain in Unicode."""
        return display_address(self.email)

    @property
    def display_name(self) -> str:
        return self.comment_name or self.name or self.email.split("@", 1)[0]

    @property
    def is_paid(self) -> bool:
        return self.tier in (self.Tier.PAID, self.Tier.COMPED)


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    # No index of their own: `unique_subscription` starts with the member and the
    # (newsletter, status) index with the newsletter, and every index costs each insert.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions", db_index=False
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "newsletter"], name="unique_subscription")
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.newsletter}: {self.status}"


class MemberEvent(models.Model):
    """A member's history: what happened, when, and where from."""

    class Kind(models.TextChoices):
        SIGNED_UP = "signed_up", "Signed up"
        CONFIRMED = "confirmed", "Confirmed"
        SUBSCRIBED = "subscribed", "Subscribed to a newsletter"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed from a newsletter"
        UNSUBSCRIBED_ALL = "unsubscribed_all", "Unsubscribed from everything"
        SIGNED_IN = "signed_in", "Signed in"
        EMAIL_CHANGED = "email_changed", "Changed email address"
        PROFILE_CHANGED = "profile_changed", "Changed profile"
        IMPORTED = "imported", "Imported"
        TIER_CHANGED = "tier_changed", "Plan changed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"
        DELETED = "deleted", "Deleted their account"

    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """An address that must not be (re)added by an import: only its fingerprint is kept."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Complained"
        DELETED = "deleted", "Deleted their account"

    email_digest = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.email_digest[:12]}… ({self.reason})"


class EmailLink(models.Model):
    """A single-use link sent by email: sign in, confirm a subscription, confirm a new address.

    Only a hash of the token is stored; using a link is a conditional update, so one token
    signs in exactly once however many requests race for it.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "Sign in"
        CONFIRM = "confirm", "Confirm subscription"
        CHANGE_EMAIL = "change_email", "Confirm new address"

    LIFETIMES: dict[str, timedelta] = {
        Purpose.SIGN_IN: timedelta(minutes=10),
        Purpose.CONFIRM: timedelta(days=7),
        Purpose.CHANGE_EMAIL: timedelta(hours=24),
    }

    token_digest = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    email = EmailAddressField(help_text="The address the link was sent to.")
    next_path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.email}"


class OutboundEmail(models.Model):
    """A transactional email: a row before it is a message, sent by a worker, at most once."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = EmailAddressField()
    template = models.CharField(max_length=80)
    context = models.JSONField(default=dict)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"


class MembershipSettings(SingletonModel):
    """How readers join (a single row)."""

    double_opt_in = models.BooleanField(
        default=True,
        help_text="Ask new readers to confirm their address before anything else is sent.",
    )
    consent_text = models.CharField(
        max_length=300,
        default="By subscribing you agree to receive our newsletter. "
        "Every email has a one-click unsubscribe link.",
    )
    signup_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = "membership settings"
        verbose_name_plural = "membership settings"

    def __str__(self) -> str:
        return "Membership settings"


class PermissionRequest(models.Model):
    """One re-permission email to a member imported as pending: asked once, by the outbox.

    Who confirmed is read from the member (`confirmed_at` after `requested_at`): confirming
    goes through the same link and code as any sign-up."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="permission_request"
    )
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "re-permission request"

    def __str__(self) -> str:
        return f"Re-permission request to {self.member}"

    @property
    def confirmed(self) -> bool:
        confirmed_at = self.member.confirmed_at
        return confirmed_at is not None and confirmed_at >= self.requested_at


class MemberImport(models.Model):
    """A CSV import started by staff: its file and options, its dry run, then its progress and
    report. A worker checks the file first (`checking` -> `checked`, with the dry run's report);
    the import runs only once staff confirm it (`queued` -> `running` -> `done`)."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked: waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    # In the private storage: member lists are never public.
    file = models.FileField(
        upload_to="imports/", storage=private_storage, max_length=300, blank=True
    )
    original_name = models.CharField(max_length=255, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="newsletters, labels, confirmed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0, help_text="Lines in the file, less one.")
    rows_done = models.PositiveIntegerField(default=0)
    dry_run_report = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.original_name} ({self.get_status_display()})"


class Session(AbstractBaseSession):
    """A browser's session (Django's), with the account it is signed in to as a column of its
    own, so that the session, the user and their member row are read in one query
    (`atlas.members.sessions`). No database constraint: a session names an account the way its
    data does, and deleting an account deletes its sessions through Django."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        """The store of `SESSION_ENGINE` (`atlas.members.sessions`), for `get_decoded()`."""
        store: type[Any] = import_module(settings.SESSION_ENGINE).SessionStore
        return store
