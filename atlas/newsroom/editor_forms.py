"""The editor's forms: the post itself, the choices of Publish, a correction.

Dates and times are read and shown in the publication's time zone, which every request runs in
(`publishing.middleware`) and Django's form fields follow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from atlas.delivery.models import PLAIN_AUDIENCES, Send
from atlas.members.models import Newsletter
from atlas.publishing import services
from atlas.publishing.models import Author, Correction, Post, Tag

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """One field for date and time (`<input type="datetime-local">`), in the publication's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)
    input_formats = [LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def split_names(raw: str) -> list[str]:
    """Names from a comma-separated field, trimmed, without repeats (first spelling wins)."""
    names: list[str] = []
    for name in raw.split(","):
        name = " ".join(name.split())
        if name and name.lower() not in {each.lower() for each in names}:
            names.append(name)
    return names


class PostForm(forms.ModelForm):
    """Everything of a post the editor page shows. Tags and authors are typed as names."""

    title = forms.CharField(max_length=200, required=False)
    published_at = LocalDateTimeField(
        required=False, label="Publication date", help_text="When it went (or goes) live."
    )
    tags = forms.CharField(required=False, label="Topics", help_text="Separate topics with commas.")
    authors = forms.CharField(
        required=False,
        label="Authors",
        help_text="In byline order, separated by commas.",
    )
    feature_image = forms.FileField(required=False, label="Feature image")
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    canonical_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Canonical address (if first published elsewhere)",
    )

    class Meta:
        model = Post
        fields = [
            "title", "subtitle", "body", "slug", "visibility", "seo_title", "seo_description",
            "canonical_url", "feature_image_alt", "feature_image_caption", "feature_image_credit",
        ]  # fmt: skip
        labels = {
            "subtitle": "Subtitle",
            "seo_title": "Title for search engines and social cards",
            "seo_description": "Description for search engines and social cards",
            "canonical_url": "Canonical address (if first published elsewhere)",
            "feature_image_alt": "Alt text",
            "feature_image_caption": "Caption",
            "feature_image_credit": "Credit",
            "slug": "Address (slug)",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24}),
            "subtitle": forms.Textarea(attrs={"rows": 2}),
            "seo_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["slug"].required = False
        post = self.instance
        if post.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(tag.name for tag in post.tags.all())
            self.initial["authors"] = ", ".join(
                author.name for author in post.authors.order_by("postauthor__position")
            )
            self.initial["base_version"] = post.version
            self.initial["published_at"] = post.published_at
        if post.was_published:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed once published: links to it exist."

    def clean_tags(self) -> list[Tag]:
        tags, missing = [], []
        for name in split_names(self.cleaned_data["tags"]):
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                missing.append(name)
            else:
                tags.append(tag)
        if missing and not self.user.has_perm("publishing.add_tag"):
            raise forms.ValidationError(
                f"No topic named {', '.join(missing)} yet; ask an editor to add it."
            )
        self.new_tag_names = missing
        return tags

    def clean_authors(self) -> list[Author]:
        authors, missing = [], []
        own_names = {self.user.get_full_name().lower(), self.user.get_username().lower()}
        for name in split_names(self.cleaned_data["authors"]):
            author = Author.objects.filter(name__iexact=name).first()
            if author is None and name.lower() in own_names:
                author = services.author_for(self.user)  # the writer's own profile, made now
            if author is None:
                missing.append(name)
            else:
                authors.append(author)
        if missing:
            raise forms.ValidationError(
                f"No author named {', '.join(missing)}. Check the spelling, or ask an "
                "administrator to add them."
            )
        return authors


class PublishForm(forms.Form):
    """The choices a newsroom makes when it presses Publish."""

    WHEN = [("now", "Now"), ("later", "At a time")]
    CHANNELS = [
        ("web", "Web only"),
        ("web_email", "Web and email"),
        ("email", "Email only (not on the website)"),
    ]
    when = forms.ChoiceField(choices=WHEN, initial="now", widget=forms.RadioSelect)
    publish_at = LocalDateTimeField(required=False, label="Date and time")
    channel = forms.ChoiceField(
        choices=CHANNELS, initial="web", widget=forms.RadioSelect, label="Where"
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Newsletters",
    )
    audience = forms.ChoiceField(
        choices=PLAIN_AUDIENCES,
        initial=Send.Audience.ALL,
        required=False,
        widget=forms.RadioSelect,
        label="To whom",
    )

    def __init__(self, *args: Any, can_send: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.can_send = can_send
        if not can_send:
            self.fields["channel"].choices = self.CHANNELS[:1]  # type: ignore[attr-defined]
        self.initial.setdefault(
            "newsletters",
            list(Newsletter.objects.filter(is_default=True).values_list("pk", flat=True)),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "later":
            when = data.get("publish_at")
            if when is None:
                self.add_error("publish_at", "Choose the date and time to publish.")
            elif when <= timezone.now():
                self.add_error("publish_at", "That time has passed; choose a later one.")
        else:
            data["publish_at"] = None
        data["audience"] = data.get("audience") or Send.Audience.ALL
        channel = data.get("channel", "web")
        if channel != "web" and not data.get("newsletters"):
            self.add_error("newsletters", "Choose at least one newsletter to email it to.")
        if channel == "email" and data.get("when") == "later":
            self.add_error(
                "when",
                "Email-only sends go now. To email later, schedule it for web and email.",
            )
        return data


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "text"]
        labels = {"text": "Public note"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"text": "Markdown. Say what was wrong and what is right."}
