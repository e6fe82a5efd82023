"""Staff forms for billing (the newsroom's tier and plan pages use them)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import slugify

from atlas.billing.models import (
    BillingSettings,
    Grant,
    Price,
    Tier,
    minor_units,
    to_decimal,
    to_minor,
)
from atlas.members.addresses import EmailAddressFormField, normalize_email
from atlas.members.models import Member

MAX_PRICE = Decimal("100000")


class TierForm(forms.ModelForm):
    """A tier, with prices typed in the currency's units ("5.00"), stored in its smallest."""

    monthly_price = forms.DecimalField(
        required=False, min_value=Decimal("0.50"), max_value=MAX_PRICE, decimal_places=3,
        help_text="Empty: no monthly plan.",
    )  # fmt: skip
    yearly_price = forms.DecimalField(
        required=False, min_value=Decimal("0.50"), max_value=MAX_PRICE, decimal_places=3,
        help_text="Empty: no yearly plan.",
    )  # fmt: skip

    class Meta:
        model = Tier
        fields = [
            "name",
            "slug",
            "description",
            "benefits",
            "trial_days",
            "visible",
            "archived",
            "position",
        ]
        widgets = {"benefits": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = BillingSettings.current().currency
        tier = self.instance
        for interval, name in (("month", "monthly_price"), ("year", "yearly_price")):
            amount = tier.amount_for(interval) if tier.pk else None
            if amount:
                self.initial[name] = to_decimal(amount, self.currency)
        step = str(Decimal(1).scaleb(-minor_units(self.currency)))  # 0.01 for EUR, 1 for JPY
        for name in ("monthly_price", "yearly_price"):
            self.fields[name].widget.attrs["step"] = step
        self.fields["slug"].required = False
        self.fields[
            "slug"
        ].help_text = "Part of links and of Stripe's metadata; made from the name."
        if tier.pk and not tier.is_paid:
            for name in ("monthly_price", "yearly_price", "trial_days", "archived"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        places = minor_units(self.currency)
        for name in ("monthly_price", "yearly_price"):
            value = cleaned.get(name)
            if value is not None and value != value.quantize(Decimal(1).scaleb(-places)):
                self.add_error(name, f"{self.currency.upper()} prices have {places} decimals.")
        if not cleaned.get("slug") and cleaned.get("name"):
            base = slugify(cleaned["name"]) or "tier"
            slug, number = base, 1
            while Tier.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
                number += 1
                slug = f"{base}-{number}"
            cleaned["slug"] = slug
        paid = not self.instance.pk or self.instance.is_paid
        typed = any(self.has_error(name) for name in ("monthly_price", "yearly_price"))
        if paid and not typed and not (cleaned.get("monthly_price") or cleaned.get("yearly_price")):
            raise forms.ValidationError("A paid tier needs a monthly or a yearly price.")
        return cleaned

    def save(self, commit: bool = True) -> Tier:
        tier = super().save(commit=False)
        if tier.is_paid:
            for interval, name in (("month", "monthly_price"), ("year", "yearly_price")):
                value = self.cleaned_data.get(name)
                amount = to_minor(value, self.currency) if value else None
                setattr(tier, f"{'monthly' if interval == 'month' else 'yearly'}_amount", amount)
        return tier


class GrantForm(forms.Form):
    """Give a tier to a member for a while: complimentary, or a gift."""

    email = EmailAddressFormField(label="Member's email address")
    tier = forms.ModelChoiceField(queryset=Tier.objects.paid().filter(archived=False))
    kind = forms.ChoiceField(choices=Grant.Kind.choices, initial=Grant.Kind.COMPLIMENTARY)
    until = forms.DateField(
        required=False,
        help_text="The last day it counts (empty: until revoked).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(max_length=300, required=False, help_text="Why, or from whom.")

    def clean_email(self) -> Member:
        member = Member.objects.with_email(self.cleaned_data["email"]).first()
        if member is None:
            raise forms.ValidationError("No member has this address.")
        return member

    def clean_until(self) -> datetime | None:
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        if day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        return datetime.combine(day, time.max, tzinfo=timezone.get_current_timezone())


class PlanChoiceForm(forms.Form):
    """A reader's choice under a paywall or on /subscribe/: "tier-slug:month" and, when they are
    not signed in, their address."""

    plan = forms.CharField(max_length=100)
    email = forms.CharField(max_length=320, required=False)

    def __init__(self, *args: Any, member: Member | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_plan(self) -> tuple[Tier, str]:
        slug, _, interval = self.cleaned_data["plan"].partition(":")
        tier = Tier.objects.filter(slug=slug, kind=Tier.Kind.PAID).first()
        if tier is None or interval not in Price.Interval.values:
            raise forms.ValidationError("Choose one of the plans.")
        return tier, interval

    def clean_email(self) -> str:
        return normalize_email(self.member.email if self.member else self.cleaned_data["email"])
