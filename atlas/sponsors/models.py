"""Sponsors, their campaigns, where campaigns may run, and the daily counts of what they got."""

from __future__ import annotations

import secrets
from datetime import date
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from atlas.analytics.services import event_count_subquery
from atlas.lib.markdown import INLINE_TAGS, render_markdown
from atlas.lib.singleton import SingletonModel
from atlas.members.models import Newsletter
from atlas.publishing.models import Post, Tag

IMPRESSION_EVENT = "sponsor.impression"  # what analytics counts a campaign's impressions as

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
DEFAULT_LABEL = "Sponsored"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def allows_local_http() -> bool:
    return bool(settings.DEBUG or settings.ATLAS_SPONSOR_ALLOW_HTTP_LOCAL)


def is_allowed_destination(url: str) -> bool:
    """https anywhere; plain http only to this machine, and only when the settings allow it."""
    if any(character.isspace() or ord(character) < 32 for character in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and allows_local_http()


def validate_destination(url: str) -> None:
    URLValidator(schemes=["http", "https"])(url)
    if not is_allowed_destination(url):
        raise ValidationError(
            "Use an https:// address (without a user name or password).",
            code="insecure_destination",
        )


def validate_house_url(url: str) -> None:
    """A path on this site (/subscribe/) or an https address."""
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return
    validate_destination(url)


def validate_label(text: str) -> None:
    if not text.strip():
        raise ValidationError("The label can be reworded but never removed.")


class Channel(models.TextChoices):
    """Where one impression or click happened."""

    WEB = "web", "Web"
    EMAIL = "email", "Email"


class Sponsor(models.Model):
    name = models.CharField(max_length=120, unique=True)
    logo = models.ImageField(upload_to="sponsors/logos/", blank=True)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True, help_text="Internal: never shown to readers.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def live_on(self, day: date) -> CampaignQuerySet:
        """Booked for `day`: scheduled or running, within its dates (whatever the counts say)."""
        return self.filter(status__in=Campaign.LIVE_STATUSES, starts_on__lte=day, ends_on__gte=day)

    def on_channel(self, channel: str) -> CampaignQuerySet:
        return self.filter(placement__in=Campaign.PLACEMENTS_FOR[channel])

    def with_counts(self) -> CampaignQuerySet:
        """Impressions so far (every channel) and newsletter sends so far, as subqueries."""
        impressions = event_count_subquery(IMPRESSION_EVENT, OuterRef("pk"))
        sends = (
            SendSponsorship.objects.filter(campaign=OuterRef("pk"))
            .values("campaign")
            .annotate(total=models.Count("pk"))
            .values("total")
        )
        return self.annotate(
            impressions_so_far=Coalesce(impressions, 0),
            sends_so_far=Coalesce(models.Subquery(sends), 0),
        )

    def under_caps(self) -> CampaignQuerySet:
        return self.with_counts().filter(
            Q(impression_cap__isnull=True) | Q(impressions_so_far__lt=models.F("impression_cap")),
            Q(send_cap__isnull=True) | Q(sends_so_far__lt=models.F("send_cap")),
        )

    def for_tags(self, tag_ids: list[int]) -> CampaignQuerySet:
        """Campaigns for every post, or for one of these tags."""
        targeted = Campaign.tags.through.objects.filter(campaign=OuterRef("pk"))
        return self.filter(~Exists(targeted) | Exists(targeted.filter(tag_id__in=tag_ids)))

    def for_newsletters(self, newsletter_ids: list[int]) -> CampaignQuerySet:
        targeted = Campaign.newsletters.through.objects.filter(campaign=OuterRef("pk"))
        return self.filter(
            ~Exists(targeted) | Exists(targeted.filter(newsletter_id__in=newsletter_ids))
        )


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class Placement(models.TextChoices):
        WEB = "web", "Web articles"
        EMAIL = "email", "Newsletter emails"
        BOTH = "both", "Web articles and newsletter emails"

    LIVE_STATUSES = (Status.SCHEDULED, Status.RUNNING)
    PLACEMENTS_FOR: dict[str, tuple[str, ...]] = {
        Channel.WEB: (Placement.WEB, Placement.BOTH),
        Channel.EMAIL: (Placement.EMAIL, Placement.BOTH),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="campaigns")
    headline = models.CharField(max_length=120)
    body = models.TextField(
        blank=True,
        max_length=600,
        help_text="Markdown, a sentence or two. Links are shown as text: "
        "the call to action is the one way out.",
    )
    body_html = models.TextField(blank=True, editable=False)
    call_to_action = models.CharField(max_length=60, default="Learn more")
    destination_url = models.URLField(
        max_length=500,
        validators=[validate_destination],
        help_text="Where the call to action leads (https). Readers go through a counted link.",
    )
    image = models.ImageField(
        upload_to="sponsors/campaigns/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        max_length=300, blank=True, help_text="What the image shows, for readers who cannot see it."
    )

    starts_on = models.DateField(help_text="First day, in the publication's time zone.")
    ends_on = models.DateField(help_text="Last day (included).")
    placement = models.CharField(max_length=8, choices=Placement.choices, default=Placement.BOTH)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", help_text="Only articles with one of these tags."
    )
    newsletters = models.ManyToManyField(
        Newsletter,
        blank=True,
        related_name="+",
        help_text="Only sends to one of these newsletters.",
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Share in the rotation: a campaign of weight 2 shows twice as often as one of 1.",
    )
    impression_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Stop after this many impressions (web and email)."
    )
    send_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Stop after this many newsletter sends."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    exclusive = models.BooleanField(
        default=False, help_text="While it runs, no other campaign shares its placements."
    )
    report_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.sponsor}: {self.headline}" if self.sponsor_id else self.headline

    def save(self, *args: object, **kwargs: object) -> None:
        self.body_html = render_body(self.body)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The campaign cannot end before it starts."
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = "Describe the image for readers who cannot see it."
        if errors:
            raise ValidationError(errors)

    def runs_on(self, channel: str) -> bool:
        return self.placement in self.PLACEMENTS_FOR[channel]

    def revoke_report_link(self) -> None:
        """Shared report links stop working; readers' pages are unaffected (no save signals)."""
        self.report_nonce = new_nonce()
        Campaign.objects.filter(pk=self.pk).update(report_nonce=self.report_nonce)


def render_body(text: str) -> str:
    """The campaign's Markdown, with links reduced to their text: readers leave only through
    the counted call to action, which can only lead to the stored destination."""
    html = render_markdown(text, "inline")
    return nh3.clean(html, tags=INLINE_TAGS - {"a"}, attributes={}, link_rel=None)


class SponsorSettings(SingletonModel):
    """How sponsorship shows on this publication (a single row)."""

    label = models.CharField(
        max_length=40,
        default=DEFAULT_LABEL,
        validators=[validate_label],
        help_text="Shown on every sponsored block. It can be reworded, never removed.",
    )
    paid_members_see_no_sponsors = models.BooleanField(
        default=True,
        help_text="Signed-in paying members read articles without sponsored blocks, and "
        "sends to paid members only carry none.",
    )
    show_at_end = models.BooleanField(
        default=False,
        help_text="Also show a second campaign at the end of articles (when one is running).",
    )
    house_enabled = models.BooleanField(
        "show a house block",
        default=False,
        help_text="When no campaign runs, fill the web slot with the publication's own message.",
    )
    house_headline = models.CharField(max_length=120, default="Support our journalism")
    house_body = models.TextField(
        blank=True,
        max_length=600,
        default="Independent reporting is paid for by its readers. Join them.",
        help_text="Markdown, a sentence or two.",
    )
    house_body_html = models.TextField(blank=True, editable=False)
    house_call_to_action = models.CharField(max_length=60, default="Subscribe")
    house_url = models.CharField(
        max_length=500,
        default="/subscribe/",
        validators=[validate_house_url],
        help_text="A path on this site (/subscribe/) or an https address.",
    )
    lineup_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sponsorship settings"
        verbose_name_plural = "sponsorship settings"

    def __str__(self) -> str:
        return "Sponsorship settings"

    def save(self, *args: object, **kwargs: object) -> None:
        self.label = self.label.strip() or DEFAULT_LABEL
        self.house_body_html = render_body(self.house_body)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def shown_label(self) -> str:
        return self.label.strip() or DEFAULT_LABEL

    @classmethod
    def for_post(cls, post: Post) -> SponsorSettings:
        """The settings and, in the same query, whether the post opted out (`post_opted_out`)."""
        opted_out = SponsorshipOptOut.objects.filter(post=post)
        found = cls.objects.annotate(post_opted_out=Exists(opted_out)).filter(pk=1).first()
        if found is None:
            found = cls.current()
            found.post_opted_out = opted_out.exists()  # type: ignore[attr-defined]
        return found


class SponsorshipOptOut(models.Model):
    """A post that carries no sponsored or house block, on the web or in its newsletter."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="sponsorship_opt_out"
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Internal, e.g. tragedy.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "post without sponsors"
        verbose_name_plural = "posts without sponsors"

    def __str__(self) -> str:
        return f"No sponsors on {self.post}"


class SendSponsorship(models.Model):
    """The one campaign a newsletter send carried, the same for every recipient."""

    send = models.OneToOneField(
        "delivery.Send", on_delete=models.CASCADE, primary_key=True, related_name="sponsorship"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="sends")
    chosen_at = models.DateTimeField(auto_now_add=True)
    delivered = models.PositiveIntegerField(
        null=True, blank=True, help_text="Messages sent with the block, counted when it finished."
    )
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-chosen_at"]

    def __str__(self) -> str:
        return f"Send {self.send_id}: {self.campaign}"
