"""Paid subscriptions: tiers and their prices, readers' subscriptions as Stripe last described
them, the webhook events that told us, complimentary and gift plans, and each member's access.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from atlas.lib.singleton import SingletonModel
from atlas.members.models import Member, OutboundEmail
from atlas.publishing.models import Post

# Stripe counts money in the currency's smallest unit; these have none or three decimals.
ZERO_DECIMAL = frozenset(
    ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
     "xaf", "xof", "xpf"]
)  # fmt: skip
THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])


def minor_units(currency: str) -> int:
    """How many decimals the currency's amounts carry at Stripe."""
    code = currency.lower()
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


def to_decimal(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-minor_units(currency))


def to_minor(value: Decimal, currency: str) -> int:
    return int(value.scaleb(minor_units(currency)).to_integral_value())


class BillingSettings(SingletonModel):
    """How the publication takes payments (a single row)."""

    currency = models.CharField(
        max_length=3,
        default="eur",
        validators=[RegexValidator(r"^[A-Za-z]{3}$", "A three-letter ISO 4217 code, such as EUR.")],
        help_text="The publication's currency (ISO 4217, such as EUR). Prices already created "
        "in Stripe keep theirs.",
    )
    past_due_grace_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(60)],
        help_text="Days a reader whose renewal payment failed keeps reading while Stripe retries.",
    )
    allow_promotion_codes = models.BooleanField(
        default=False, help_text="Let readers enter a Stripe promotion code at checkout."
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.currency = self.currency.lower()  # as Stripe names currencies, however typed
        super().save(*args, **kwargs)

    class Meta:
        verbose_name = "billing settings"
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return "Billing settings"


class TierQuerySet(models.QuerySet["Tier"]):
    def paid(self) -> TierQuerySet:
        return self.filter(kind=Tier.Kind.PAID)

    def offered(self) -> TierQuerySet:
        """Paid tiers readers may choose: visible, not archived, priced in Stripe."""
        return (
            self.paid()
            .filter(visible=True, archived=False)
            .filter(prices__active=True)
            .distinct()
            .order_by("position", "pk")
        )


class Tier(models.Model):
    class Kind(models.TextChoices):
        FREE = "free", "Free"
        PAID = "paid", "Paid"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAID)
    description = models.CharField(max_length=300, blank=True)
    benefits = models.TextField(blank=True, help_text="One benefit per line.")
    monthly_amount = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="In the currency's smallest unit (cents); empty: no monthly plan.",
    )
    yearly_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="In the currency's smallest unit; empty: no yearly plan."
    )
    trial_days = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(730)],
        help_text="Free days before the first charge.",
    )
    visible = models.BooleanField(
        default=True,
        help_text="Offered to readers. Hidden tiers are for complimentary or legacy plans.",
    )
    archived = models.BooleanField(
        default=False, help_text="No new subscriptions; current subscribers keep their plan."
    )
    position = models.PositiveSmallIntegerField(default=0)
    stripe_product_id = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="free"), name="billing_one_free_tier"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paid(self) -> bool:
        return self.kind == self.Kind.PAID

    @property
    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.benefits.splitlines() if line.strip()]

    def amount_for(self, interval: str) -> int | None:
        return self.monthly_amount if interval == Price.Interval.MONTH else self.yearly_amount


class Price(models.Model):
    """A price at Stripe, and the tier it belongs to. Stripe prices never change: a new amount
    is a new price; the old one stays for the readers who pay it. Prices Atlas did not create
    (from Ghost or Substack) are added here to link those subscriptions to a tier."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="prices")
    interval = models.CharField(max_length=8, choices=Interval.choices)
    amount = models.PositiveIntegerField(help_text="In the currency's smallest unit.")
    currency = models.CharField(max_length=3)
    stripe_price_id = models.CharField(max_length=255, unique=True)
    active = models.BooleanField(default=True, help_text="Offered at checkout.")
    created_by_atlas = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tier", "interval", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "interval"], condition=Q(active=True), name="billing_one_live_price"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_interval_display().lower()} {self.stripe_price_id}"

    @property
    def monthly_amount(self) -> Decimal:
        """What the price brings in a month (a yearly price counts a twelfth)."""
        return Decimal(self.amount) / (12 if self.interval == self.Interval.YEAR else 1)


class PostTier(models.Model):
    """A post for paying members that only some paid tiers open (none: every paid tier)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="billing_tiers")
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="posts")

    class Meta:
        verbose_name = "tier that may read it"
        constraints = [models.UniqueConstraint(fields=["post", "tier"], name="billing_post_tier")]

    def __str__(self) -> str:
        return f"{self.post} · {self.tier}"


class CheckoutSession(models.Model):
    """A Stripe Checkout Atlas started: who, for what, and from which browser."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETE = "complete", "Complete"
        EXPIRED = "expired", "Expired"

    stripe_id = models.CharField(max_length=255, unique=True)
    url = models.URLField(max_length=2000)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(max_length=254)
    tier = models.ForeignKey(Tier, null=True, on_delete=models.SET_NULL, related_name="+")
    interval = models.CharField(max_length=8, choices=Price.Interval.choices)
    browser_key = models.CharField(max_length=64, blank=True, help_text="Whose browser started it.")
    return_path = models.CharField(max_length=300, blank=True, help_text="Where the reader was.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_member = models.BooleanField(default=False, help_text="The checkout made a new member.")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "status"])]

    def __str__(self) -> str:
        return f"Checkout {self.stripe_id} ({self.status})"


class PaidSubscription(models.Model):
    """A reader's subscription as Stripe last described it (fetched, so the newest state wins
    whatever order the webhooks arrive in)."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Incomplete"
        INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELED = "canceled", "Canceled"
        UNPAID = "unpaid", "Unpaid"
        PAUSED = "paused", "Paused"

    stripe_id = models.CharField(max_length=255, unique=True)
    stripe_customer_id = models.CharField(max_length=255, db_index=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="paid_subscriptions"
    )
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    stripe_price_id = models.CharField(max_length=255, blank=True)
    interval = models.CharField(max_length=8, blank=True)
    amount = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INCOMPLETE)
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Facts that only ever become true, so any order of events sets them the same.
    ever_paid = models.BooleanField(default=False, help_text="Was trialing or active once.")
    ever_charged = models.BooleanField(default=False, help_text="Was active (past any trial).")
    linked_by_sync = models.BooleanField(
        default=False, help_text="Found by billing_sync (an import): no welcome email."
    )
    started_by_checkout = models.BooleanField(
        default=False, help_text="Started by a checkout on this site: it gets a welcome email."
    )
    synced_at = models.DateTimeField(
        null=True, blank=True, help_text="When the state stored here was asked of Stripe."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.stripe_id} ({self.status})"

    @property
    def monthly_amount(self) -> Decimal:
        return Decimal(self.amount) / (12 if self.interval == Price.Interval.YEAR else 1)

    @property
    def ends_at(self) -> datetime | None:
        """When a subscription that will not renew stops (None if it renews)."""
        if self.cancel_at:
            return self.cancel_at
        return self.current_period_end if self.cancel_at_period_end else None


class WebhookEvent(models.Model):
    """Every event Stripe sent, stored by its id before anything else: a second delivery of the
    same event finds it and does nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        IGNORED = "ignored", "Not needed"
        FAILED = "failed", "Failed (retrying)"

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=80)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    unknown_customer = models.BooleanField(
        default=False, help_text="No member had this customer when it was processed."
    )
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1, help_text="Times Stripe sent it.")

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"


class PaymentFailure(models.Model):
    """An invoice whose payment failed (one email per invoice, however often Stripe retries)."""

    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    amount_due = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Failed payment {self.stripe_invoice_id}"


class GrantQuerySet(models.QuerySet["Grant"]):
    def live(self, now: object = None) -> GrantQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Grant(models.Model):
    """A tier given by staff for a period, with a note: complimentary, or a gift."""

    class Kind(models.TextChoices):
        COMPLIMENTARY = "complimentary", "Complimentary"
        GIFT = "gift", "Gift"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="grants")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="grants")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMPLIMENTARY)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until revoked.")
    note = models.CharField(max_length=300, blank=True, help_text="Why, or from whom.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tier} for {self.member}"


class MemberAccess(models.Model):
    """Each member's access as billing last worked it out from their subscriptions and grants.

    It holds until `paid_until` (None: no end by time alone), so readers' pages and sends read
    one row; `recheck_at` is the first moment any part of it ends, when a worker works it out
    again (and updates `Member.tier`, the stored summary members' lists and sends filter on).
    """

    class Source(models.TextChoices):
        FREE = "free", "Free"
        PAID = "paid", "Paid"
        COMPLIMENTARY = "complimentary", "Complimentary"
        GIFT = "gift", "Gift"

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, primary_key=True, related_name="billing_access"
    )
    paying = models.BooleanField(default=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.FREE)
    name = models.CharField(max_length=120, default="Free")
    tiers = models.ManyToManyField(Tier, blank=True, related_name="+")
    paid_until = models.DateTimeField(null=True, blank=True)
    recheck_at = models.DateTimeField(null=True, blank=True, db_index=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "member access"

    def __str__(self) -> str:
        return f"{self.member}: {self.name}"


class Notice(models.Model):
    """An email billing sent (or chose not to send), once per (kind, key): one welcome per
    subscription, one payment-failed email per invoice, one cancellation per subscription."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome to paid"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        CANCELED = "canceled", "Cancellation"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=255)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skipped = models.BooleanField(default=False, help_text="Recorded without an email (imports).")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="billing_one_notice")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key}"


class SyncRun(models.Model):
    """A run of `billing_sync` (from the command or the staff's button) and its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Stripe sync of {self.created_at:%Y-%m-%d %H:%M} ({self.status})"


CURRENCY_SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£", "jpy": "¥", "inr": "₹", "krw": "₩"}


def format_money(amount: int, currency: str) -> str:
    """An amount in the currency's smallest unit, for people: "€5.00", "¥500", "12.50 CHF"."""
    value = to_decimal(amount, currency)
    text = f"{value:,.{minor_units(currency)}f}"
    symbol = CURRENCY_SYMBOLS.get(currency.lower())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
