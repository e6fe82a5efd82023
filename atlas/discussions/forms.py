"""Members' forms: a comment (with the honeypot every reader form has) and a report."""

from __future__ import annotations

from django import forms

from atlas.discussions.models import MAX_LENGTH, Report
from atlas.members.forms import HoneypotMixin


class CommentForm(HoneypotMixin):
    body = forms.CharField(
        max_length=MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": "Write your comment first.",
            "max_length": f"Comments can be up to {MAX_LENGTH:,} characters long "
            "(this one has %(show_value)d).",
        },
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this comment."},
    )
    note = forms.CharField(max_length=500, required=False, label="Anything to add? (optional)")


class ReplyEmailsForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("1", "On"), ("0", "Off")], coerce=lambda value: value == "1"
    )
    post = forms.IntegerField(required=False, min_value=1)
