"""Reader-facing forms. Addresses go through `normalize_email`, never straight into mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from atlas.members.addresses import EmailAddressFormField as EmailAddressField
from atlas.members.models import Newsletter


class HoneypotMixin(forms.Form):
    # Hidden from people by CSS and labelled for screen readers; bots fill it in.
    website = forms.CharField(required=False, label="Leave this field empty")

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class SubscribeForm(HoneypotMixin):
    email = EmailAddressField(label="Email address")
    name = forms.CharField(max_length=120, required=False, label="Name (optional)")
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    page = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)
    utm_source = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_medium = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_campaign = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if any(character in name for character in "\r\n<>"):
            raise ValidationError("A name cannot contain line breaks or angle brackets.")
        return name.strip()


class SignInForm(HoneypotMixin):
    email = EmailAddressField(label="Email address")
    next = forms.CharField(max_length=300, required=False, widget=forms.HiddenInput)


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    comment_name = forms.CharField(
        max_length=60, required=False, label="Name shown with your comments"
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field_name in ("name", "comment_name"):
            if any(character in cleaned.get(field_name, "") for character in "\r\n<>"):
                self.add_error(field_name, "Line breaks and angle brackets are not allowed.")
        return cleaned


class ChangeEmailForm(forms.Form):
    email = EmailAddressField(label="New email address")
