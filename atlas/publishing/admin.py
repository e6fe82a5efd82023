"""The newsroom's editor: posts with preview, revisions and corrections; roles enforced."""

from __future__ import annotations

import difflib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

from atlas.lib.singleton import SingletonAdmin
from atlas.publishing import services, views
from atlas.publishing.hooks import post_admin_inlines
from atlas.publishing.models import (
    Author,
    Correction,
    Post,
    PostAuthor,
    Publication,
    Redirect,
    Revision,
    Tag,
)


@admin.register(Publication)
class PublicationAdmin(SingletonAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "description", "logo", "accent_colour"]}),
        ("Locale and address", {"fields": ["language", "timezone", "public_url"]}),
        ("Articles", {"fields": ["sponsored_after_paragraph"]}),
    ]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PostAuthorInline(admin.TabularInline):
    model = PostAuthor
    extra = 0
    min_num = 0
    fields = ["author", "position"]
    autocomplete_fields = ["author"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "published_at", "text"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("publishing.add_correction")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("publishing.change_correction")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("publishing.delete_correction")


REVISION_COLUMNS = ("created_at", "created_by", "changed_fields", "note", "compare")


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    can_delete = False
    fields = REVISION_COLUMNS
    readonly_fields = REVISION_COLUMNS
    ordering = ["-created_at", "-pk"]
    max_num = 0
    verbose_name_plural = "revisions"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="")
    def compare(self, revision: Revision) -> str:
        url = reverse("admin:publishing_post_revision", args=[revision.post_id, revision.pk])
        return format_html('<a href="{}">Compare and restore</a>', url)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    formfield_overrides = {
        models.TextField: {
            "widget": forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField"})
        },
        models.URLField: {"assume_scheme": "https"},
    }
    list_display = ["title", "status", "visibility", "published_at", "author_names"]
    list_filter = ["status", "visibility", "kind", "tags", "authors"]
    search_fields = ["title", "subtitle", "body"]
    date_hierarchy = "published_at"
    filter_horizontal = ["tags"]
    inlines = [PostAuthorInline, CorrectionInline, RevisionInline]

    def get_inlines(self, request: HttpRequest, obj: Post | None) -> list[Any]:
        return [*self.inlines, *post_admin_inlines.items()]

    readonly_fields = ["reading_time", "share_preview", "kind"]  # kind: set by imports
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "body"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "visibility", "kind", "share_preview"]},
        ),
        (
            "Image",
            {
                "fields": [
                    "feature_image",
                    "feature_image_alt",
                    "feature_image_caption",
                    "feature_image_credit",
                ]
            },
        ),
        ("Topics", {"fields": ["tags"]}),
        (
            "Search and sharing",
            {
                "classes": ["collapse"],
                "fields": ["slug", "seo_title", "seo_description", "canonical_url"],
            },
        ),
        ("Figures", {"classes": ["collapse"], "fields": ["reading_time"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        posts = super().get_queryset(request).prefetch_related("authors")
        if request.user.has_perm("publishing.edit_others_posts"):
            return posts
        return posts.filter(Q(authors__user=request.user) | Q(created_by=request.user)).distinct()

    @admin.display(description="Authors")
    def author_names(self, post: Post) -> str:
        return ", ".join(author.name for author in post.authors.all())

    @admin.display(description="Preview")
    def share_preview(self, post: Post) -> str:
        if not post.pk:
            return "Save the post to preview it."
        return format_html(
            '<a href="{}" target="_blank">Open preview</a> · share this link with a reviewer '
            "(no account needed; it expires): <code>{}</code>",
            reverse("admin:publishing_post_preview", args=[post.pk]),
            post_public_preview(post),
        )

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "status" and not request.user.has_perm("publishing.publish_post"):
            kwargs["choices"] = [(Post.Status.DRAFT, Post.Status.DRAFT.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("publishing.edit_others_posts"):
            return True
        user = services.staff_user(request.user)
        is_own = user is not None and (
            obj.created_by_id == user.pk or obj.authors.filter(user=user).exists()
        )
        if not is_own:
            return False
        return obj.status == Post.Status.DRAFT or request.user.has_perm("publishing.publish_post")

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        if not request.user.has_perm("publishing.publish_post") and obj.status != Post.Status.DRAFT:
            raise PermissionDenied("Contributors can only save drafts.")
        if not change:
            obj.created_by = services.staff_user(request.user)
        services.save_post(obj, request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        post = form.instance
        writer = services.staff_user(request.user)
        if writer is not None and not post.authors.exists():  # the writer, with a profile made
            PostAuthor.objects.create(post=post, author=services.author_for(writer))  # if needed

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            correction.created_by = correction.created_by or request.user
            services.save_correction(correction)
        for deleted in formset.deleted_objects:
            deleted.delete()
        return None

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(views.staff_preview),
                name="publishing_post_preview",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/",
                self.admin_site.admin_view(self.revision_view),
                name="publishing_post_revision",
            ),
        ]
        return own + super().get_urls()

    def revision_view(self, request: HttpRequest, pk: int, revision_pk: int) -> HttpResponse:
        post = get_object_or_404(Post, pk=pk)
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_pk, post=post)
        if request.method == "POST":
            if not self.has_change_permission(request, post):
                raise PermissionDenied
            services.restore_revision(revision, request.user)
            messages.success(
                request,
                f"Restored the revision of {localtime(revision.created_at):%d %B %Y %H:%M}.",
            )
            return HttpResponseRedirect(reverse("admin:publishing_post_change", args=[post.pk]))
        previous = (
            post.revisions.filter(created_at__lte=revision.created_at)
            .exclude(pk=revision.pk)
            .first()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "post": post,
            "revision": revision,
            "previous": previous,
            "diffs": revision_diffs(previous, revision),
            "can_restore": self.has_change_permission(request, post),
            "title": f"Revision of {localtime(revision.created_at):%d %B %Y %H:%M}",
        }
        return TemplateResponse(request, "admin/publishing/revision.html", context)


def post_public_preview(post: Post) -> str:
    return Publication.current().absolute(views.preview_url(post))


def revision_diffs(previous: Revision | None, revision: Revision) -> list[tuple[str, str]]:
    """Per field, an HTML table of the differences from `previous` to `revision`."""
    before = previous.snapshot() if previous else dict.fromkeys(Revision.TRACKED_FIELDS, "")
    after = revision.snapshot()
    differ = difflib.HtmlDiff(wrapcolumn=80)
    diffs = []
    for name in Revision.TRACKED_FIELDS:
        if before[name] != after[name]:
            table = differ.make_table(
                str(before[name]).splitlines(),
                str(after[name]).splitlines(),
                "Before",
                "This revision",
                context=True,
                numlines=2,
            )
            diffs.append((name.replace("_", " ").capitalize(), table))
    return diffs


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses and where they lead now (301): filled by imports, edited by staff."""

    list_display = ["old_path", "new_path", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path", "source"]
    show_full_result_count = False
