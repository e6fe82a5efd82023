"""Newsletter sends and the delivery ledger: one row per (send, recipient), the truth."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from atlas.lib.singleton import SingletonModel
from atlas.members.models import Label, Member, Newsletter
from atlas.publishing.models import Post


class DeliverySettings(SingletonModel):
    """How this publication sends (a single row)."""

    from_name = models.CharField(max_length=120, blank=True, help_text="Default: the publication.")
    from_email = models.EmailField(blank=True, help_text="Default: DEFAULT_FROM_EMAIL.")
    reply_to = models.EmailField(blank=True)
    postal_address = models.CharField(
        max_length=300, blank=True, help_text="Shown in every newsletter's footer (anti-spam laws)."
    )
    messages_per_minute = models.PositiveIntegerField(
        default=0, help_text="Upper bound on the sending rate per worker; 0: as fast as possible."
    )
    batch_size = models.PositiveIntegerField(default=500)
    pause_after_connection_errors = models.PositiveIntegerField(default=5)
    retry_for = models.DurationField(
        default=timedelta(days=2), help_text="How long deferred (4xx) messages are retried."
    )
    resume_window = models.DurationField(
        default=timedelta(hours=6),
        help_text="After an outage longer than this, an unfinished send waits for staff.",
    )
    track_opens = models.BooleanField(
        default=False, help_text="Add an invisible image to newsletters to count opens."
    )
    track_clicks = models.BooleanField(
        default=False, help_text="Send newsletter links through this site to count clicks."
    )

    class Meta:
        verbose_name = "delivery settings"
        verbose_name_plural = "delivery settings"

    def __str__(self) -> str:
        return "Delivery settings"


class Send(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Waiting for the post to go live"
        PREPARING = "preparing", "Preparing"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        WAITING = "waiting", "Waiting for a decision"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Done"

    class Audience(models.TextChoices):
        ALL = "all", "Everyone subscribed"
        FREE = "free", "Free members only"
        PAID = "paid", "Paid and complimentary members only"
        TIERS = "tiers", "Paying members of the chosen plans only"

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="sends")
    newsletters = models.ManyToManyField(Newsletter, related_name="sends")
    labels = models.ManyToManyField(Label, blank=True, help_text="Only members with these labels.")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.ALL)
    # With the audience "tiers": the paid plans (billing's tiers, by id) whose members get it.
    tier_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREPARING)
    status_reason = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300)
    # Rendered once per send; personalised per recipient by substitution only.
    full_text = models.TextField(blank=True, editable=False)
    full_html = models.TextField(blank=True, editable=False)
    teaser_text = models.TextField(blank=True, editable=False)
    teaser_html = models.TextField(blank=True, editable=False)
    prepared_through = models.BigIntegerField(
        default=0, help_text="Members up to this id are in the ledger (resumable preparation)."
    )
    prepared = models.BooleanField(default=False)
    preparing_until = models.DateTimeField(
        null=True, blank=True, help_text="The lease of the task filling the ledger."
    )
    is_test = models.BooleanField(default=False)
    connection_errors = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PREPARING, self.Status.SENDING)


# The audiences chosen with no more than their name (the chosen plans' needs its plans too).
PLAIN_AUDIENCES = [choice for choice in Send.Audience.choices if choice[0] != Send.Audience.TIERS]


class Batch(models.Model):
    """A slice of a send's ledger that one worker sends over one SMTP connection."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed"
        DONE = "done", "Done"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    worker = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    woken_at = models.DateTimeField(null=True, blank=True)
    stalls = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts in a row that failed with an error before any progress."
    )
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"Batch {self.pk} of send {self.send_id}: {self.status}"


class Delivery(models.Model):
    """One recipient of one send. Every row ends in exactly one terminal state."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        DEFERRED = "deferred", "Deferred (will retry)"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"

    TERMINAL = (State.SENT, State.FAILED, State.SUPPRESSED)

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    newsletter = models.ForeignKey(
        Newsletter, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(max_length=254)
    full_text = models.BooleanField(default=True, help_text="Entitled to the whole post.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    bounced = models.BooleanField(default=False, help_text="A bounce arrived after acceptance.")
    complained = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "member"], name="one_delivery_per_member")
        ]
        indexes = [
            models.Index(fields=["batch", "state"]),
            models.Index(fields=["send", "state"]),
            models.Index(fields=["state", "retry_at"]),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.email}: {self.state}"

    def message_id(self, domain: str) -> str:
        """The same for every attempt, so a repeated message is recognisable as one."""
        return f"<send{self.send_id}.m{self.member_id or self.pk}@{domain}>"


class TrackedLink(models.Model):
    """A link that was in a send's email: the click redirect only ever goes to one of these."""

    CANARY = -1  # the hidden link only machines follow

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="tracked_links")
    index = models.IntegerField()
    url = models.URLField(max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "index"], name="one_email_link_per_index")
        ]

    def __str__(self) -> str:
        return f"Send {self.send_id} link {self.index}"


class EmailEvent(models.Model):
    """An open or a click of one delivery, flagged when a machine rather than a reader made it."""

    class Kind(models.TextChoices):
        OPEN = "open", "Open"
        CLICK = "click", "Click"

    class Machine(models.TextChoices):
        NONE = "", "Reader"
        PRIVACY_PROXY = "proxy", "Privacy proxy (Apple Mail, Gmail image proxy)"
        SCANNER = "scanner", "Link scanner"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="+")
    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    link = models.ForeignKey(TrackedLink, null=True, blank=True, on_delete=models.CASCADE)
    machine = models.CharField(max_length=8, choices=Machine.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["send", "kind"], name="delivery_event_send_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of delivery {self.delivery_id}"
