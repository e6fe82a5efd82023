"""The writing desk: the post editor's pages (`/newsroom/posts/new/`, `/newsroom/posts/<id>/`).

Every action is a plain form that works without JavaScript (Save, Preview, Publish); the
scripts in `static/newsroom/editor/` only make it faster (autosave, live preview, uploads)
through the endpoints in `editor_api.py`. Thin views: parse, call a service, render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from atlas.newsroom import editor_presence
from atlas.newsroom.access import StaffRequest, staff_view
from atlas.newsroom.editor_forms import CorrectionForm, PostForm, PublishForm
from atlas.newsroom.editor_preview import preview_response
from atlas.newsroom.editor_publishing import publish_page
from atlas.newsroom.editor_saving import (
    can_publish,
    can_send,
    conflict_diff,
    editable_post,
    keep_mine_as_revision,
    local_time,
    panels_for,
    save_from_form,
)
from atlas.newsroom.views import page
from atlas.publishing import services
from atlas.publishing.context_processors import current_publication
from atlas.publishing.models import Author, Correction, Post

POST_URLS = (
    "edit", "autosave", "preview", "email_preview", "publish", "unschedule", "review",
    "corrections", "correction_preview", "feature_image", "presence",
)  # fmt: skip


def editor_urls(post: Post) -> dict[str, str]:
    """The addresses the editor page (and its scripts) talk to; a new post has only the first
    few until its first save."""
    urls = {
        name: reverse(f"newsroom:post_{name}", args=[post.pk]) if post.pk else ""
        for name in POST_URLS
    }
    urls["save"] = urls["edit"] or reverse("newsroom:post_new")
    if post.pk is None:
        urls["autosave"] = reverse("newsroom:post_new_autosave")
    upload = reverse("newsroom:editor_image_upload")
    urls["upload"] = f"{upload}?post={post.pk}" if post.pk else upload
    urls["tags"] = reverse("newsroom:editor_tags")
    urls["authors"] = reverse("newsroom:editor_authors")
    return urls


def editor_context(
    request: StaffRequest, post: Post, form: PostForm, **extra: Any
) -> dict[str, Any]:
    user = request.user
    urls = editor_urls(post)
    tab = editor_presence.new_tab()
    data = {
        "urls": urls,
        "id": post.pk,
        "tab": tab,
        "version": post.version if post.pk else None,
        "autosave": not post.was_published,
        "max_image_bytes": settings.ATLAS_MAX_IMAGE_MB * 1024 * 1024,
        "max_image_mb": settings.ATLAS_MAX_IMAGE_MB,
    }
    return {
        "editor_data": data,
        "post": post,
        "form": form,
        "urls": urls,
        "panels": panels_for(user),
        "can_publish": can_publish(user, post)
        if post.pk
        else user.has_perm("publishing.publish_post"),
        "can_send": can_send(user),
        "can_correct": user.has_perm("publishing.add_correction"),
        "publish_form": PublishForm(can_send=can_send(user), prefix="publish"),
        "correction_form": CorrectionForm(prefix="correction"),
        "corrections": list(Correction.objects.filter(post=post)) if post.pk else [],
        "others": editor_presence.here(post.pk, user, tab) if post.pk else [],
        "saved_at": local_time(post.updated_at) if post.pk else "",
        "time_zone": current_publication(request).timezone,
        "problems": services.publish_problems(post) if post.pk else [],
        **extra,
    }


def _render_editor(request: StaffRequest, post: Post, form: PostForm, **extra: Any) -> HttpResponse:
    return page(request, "newsroom/editor/edit.html", editor_context(request, post, form, **extra))


@staff_view("publishing.add_post")
@require_http_methods(["GET", "POST"])
def new_post(request: StaffRequest) -> HttpResponse:
    post = Post()
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, instance=post, user=request.user)
        if form.is_valid():
            result = save_from_form(request, post, form, explicit=True)
            _announce(request, result.image_error, "Saved.")
            return _after_save(request, result.post)
        return _render_editor(request, post, form)
    own = Author.objects.filter(user=request.user).first()
    own_name = own.name if own else request.user.get_full_name() or request.user.get_username()
    form = PostForm(instance=post, user=request.user, initial={"authors": own_name})
    return _render_editor(request, post, form)


@staff_view("publishing.change_post")
@require_http_methods(["GET", "POST"])
def edit_post(request: StaffRequest, post_id: int) -> HttpResponse:
    post = editable_post(request, post_id)
    if request.method != "POST":
        return _render_editor(request, post, PostForm(instance=post, user=request.user))
    form = PostForm(request.POST, request.FILES, instance=post, user=request.user)
    if not form.is_valid():
        return _render_editor(request, post, form)
    resolve = request.POST.get("resolve", "")
    if resolve == "theirs":
        keep_mine_as_revision(request, form.instance)
        messages.info(request, "Kept the other version; yours is in the revisions.")
        return HttpResponseRedirect(reverse("newsroom:post_edit", args=[post_id]))
    result = save_from_form(request, post, form, explicit=True, force=resolve == "mine")
    if result.conflict is not None:
        return _render_editor(
            request, post, form, conflict=result.conflict,
            conflict_diff=conflict_diff(result.conflict, post),
        )  # fmt: skip
    _announce(request, result.image_error, "Saved.")
    return _after_save(request, result.post)


def _announce(request: StaffRequest, image_error: str, done: str) -> None:
    if image_error:
        messages.error(request, f"Saved, but the image was not: {image_error}")
    else:
        messages.success(request, done)


def _after_save(request: StaffRequest, post: Post) -> HttpResponse:
    action = request.POST.get("action", "save")
    if action == "preview":
        return HttpResponseRedirect(reverse("newsroom:post_preview", args=[post.pk]))
    if action == "publish":
        return HttpResponseRedirect(reverse("newsroom:post_publish", args=[post.pk]))
    return HttpResponseRedirect(reverse("newsroom:post_edit", args=[post.pk]))


@staff_view("publishing.change_post")
@require_http_methods(["GET", "POST"])
def post_preview(request: StaffRequest, post_id: int) -> HttpResponse:
    """GET: the saved post in the article template. POST: the editor's unsaved form, as the
    live preview shows it (rendered with the same Markdown pipeline and sanitizer)."""
    return preview_response(request, editable_post(request, post_id))


@staff_view("publishing.change_post")
@require_http_methods(["GET", "POST"])
def post_publish(request: StaffRequest, post_id: int) -> HttpResponse:
    return publish_page(request, editable_post(request, post_id))


@staff_view("publishing.publish_post")
@require_POST
def post_unschedule(request: StaffRequest, post_id: int) -> HttpResponse:
    post = editable_post(request, post_id)
    services.unschedule_post(post, request.user)
    messages.success(request, "Unscheduled: the post is a draft again.")
    return HttpResponseRedirect(reverse("newsroom:post_edit", args=[post.pk]))


@staff_view("publishing.change_post")
@require_POST
def post_review(request: StaffRequest, post_id: int) -> HttpResponse:
    post = editable_post(request, post_id)
    services.request_review(post, request.user)
    messages.success(request, "Marked ready for review: editors will see it.")
    return HttpResponseRedirect(reverse("newsroom:post_edit", args=[post.pk]))


@staff_view("publishing.add_correction")
@require_POST
def post_corrections(request: StaffRequest, post_id: int) -> HttpResponse:
    post = editable_post(request, post_id)
    form = CorrectionForm(request.POST, prefix="correction")
    if not post.was_published:
        messages.error(request, "Corrections are for published posts.")
    elif form.is_valid():
        services.add_correction(
            post, form.cleaned_data["text"], form.cleaned_data["kind"], request.user
        )
        messages.success(request, f"{form.cleaned_data['kind'].capitalize()} added to the article.")
    else:
        messages.error(request, "Write the note before adding it.")
    return HttpResponseRedirect(reverse("newsroom:post_edit", args=[post.pk]) + "#corrections")


@staff_view("publishing.add_correction")
@require_POST
def correction_preview(request: StaffRequest, post_id: int) -> HttpResponse:
    """The public note as it will appear at the end of the article."""
    post = editable_post(request, post_id)
    form = CorrectionForm(request.POST, prefix="correction")
    form.is_valid()
    correction = Correction(
        post=post,
        kind=form.cleaned_data.get("kind") or Correction.Kind.CORRECTION,
        text=request.POST.get("correction-text", ""),
        published_at=timezone.now(),
    )
    correction.render()
    return page(request, "newsroom/editor/correction_preview.html", {"correction": correction})
