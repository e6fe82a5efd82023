"""What the editor's scripts call: autosave, image uploads, presence, tag and author lookups.
JSON in answers; the same services and permission checks as the plain-form pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlas.newsroom import editor_presence
from atlas.newsroom.access import StaffRequest, staff_view
from atlas.newsroom.editor import editor_urls
from atlas.newsroom.editor_forms import PostForm
from atlas.newsroom.editor_preview import email_preview_response
from atlas.newsroom.editor_saving import (
    can_edit,
    conflict_diff,
    editable_post,
    keep_mine_as_revision,
    local_time,
    save_from_form,
)
from atlas.publishing import services
from atlas.publishing.images import ImageRefused
from atlas.publishing.models import Author, Post, Tag
from atlas.publishing.structured_data import feature_image_url

SUGGESTIONS = 8


def _state(post: Post, created: bool = False) -> dict[str, Any]:
    """What the page needs after a save (who else is here comes with the heartbeat)."""
    state = {
        "id": post.pk,
        "version": post.version,
        "status": post.status,
        "status_label": post.get_status_display(),
        "saved_at": local_time(post.updated_at),
    }
    if created:
        state["urls"] = editor_urls(post)
    return state


@staff_view("publishing.add_post")
@require_POST
def autosave_new(request: StaffRequest) -> HttpResponse:
    """The first autosave of a new post creates it."""
    return _autosave(request, Post())


@staff_view("publishing.change_post")
@require_POST
def autosave(request: StaffRequest, post_id: int) -> HttpResponse:
    return _autosave(request, editable_post(request, post_id))


def _autosave(request: StaffRequest, post: Post) -> HttpResponse:
    """Save the editor's form. `explicit=1` (Save, Ctrl+S) keeps a revision; `resolve=mine`
    saves over a newer version (kept as a revision), `resolve=theirs` keeps this one as a
    revision and saves nothing else. A published post is saved only explicitly (Update)."""
    explicit = request.POST.get("explicit") == "1"
    if post.pk and post.was_published and not explicit:
        return JsonResponse(
            {"ok": False, "error": "Published posts are saved with Update."}, status=409
        )
    form = PostForm(request.POST, request.FILES, instance=post, user=request.user)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    resolve = request.POST.get("resolve", "")
    if resolve == "theirs":
        keep_mine_as_revision(request, form.instance)
        post = Post.objects.get(pk=post.pk)
        return JsonResponse({"ok": True, **_state(post), **_words(post)})
    created = post.pk is None
    result = save_from_form(request, post, form, explicit=explicit, force=resolve == "mine")
    if result.conflict is not None:
        theirs = result.conflict
        diff = "".join(
            f"<h3>{label}</h3>{table}" for label, table in conflict_diff(theirs, form.instance)
        )
        return JsonResponse(
            {"ok": False, "conflict": True, "theirs": {**_words(theirs),
             "version": theirs.version, "saved_at": local_time(theirs.updated_at)},
             "diff": diff, "others": editor_presence.here(theirs.pk, request.user, _tab(request))},
            status=409,
        )  # fmt: skip
    response = {"ok": True, **_state(result.post, created)}
    if result.image_error:
        response["image_error"] = result.image_error
    return JsonResponse(response)


def _tab(request: StaffRequest) -> str:
    """The editor tab that sent this (editor_presence.new_tab), or "" for one that did not say."""
    return editor_presence.valid_tab(request.POST.get("tab", ""))


def _words(post: Post) -> dict[str, str]:
    return {"title": post.title, "subtitle": post.subtitle, "body": post.body}


@staff_view("publishing.change_post")
@require_POST
def presence(request: StaffRequest, post_id: int) -> HttpResponse:
    """A heartbeat while the post is open (`left=1` when the page closes)."""
    post = editable_post(request, post_id)
    if request.POST.get("left") == "1":
        editor_presence.gone(post.pk, request.user, _tab(request))
        return JsonResponse({"ok": True})
    return JsonResponse(
        {"ok": True, "others": editor_presence.here(post.pk, request.user, _tab(request)),
         "version": post.version, "saved_at": local_time(post.updated_at)}
    )  # fmt: skip


@staff_view("publishing.add_post")
@require_POST
def image_upload(request: StaffRequest) -> HttpResponse:
    """An image for the body: checked, kept with renditions; answers the Markdown to insert."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"ok": False, "error": "Choose an image to upload."}, status=400)
    post = None
    if request.GET.get("post"):
        post = get_object_or_404(Post, pk=request.GET["post"])
        if not can_edit(request.user, post):
            return JsonResponse({"ok": False, "error": "You cannot edit this post."}, status=403)
    try:
        image = services.store_image(upload, request.user, post)
    except ImageRefused as refusal:
        return JsonResponse({"ok": False, "error": str(refusal)}, status=400)
    return JsonResponse(
        {"ok": True, "id": image.pk, "url": image.file.storage.url(image.rendition_name(960)),
         "width": image.width, "height": image.height}
    )  # fmt: skip


@staff_view("publishing.change_post")
@require_POST
def feature_image(request: StaffRequest, post_id: int) -> HttpResponse:
    post = editable_post(request, post_id)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"ok": False, "error": "Choose an image to upload."}, status=400)
    try:
        post = services.set_feature_image(post, upload, request.user)
    except ImageRefused as refusal:
        return JsonResponse({"ok": False, "error": str(refusal)}, status=400)
    return JsonResponse({"ok": True, "url": feature_image_url(post, "960"), **_state(post)})


@staff_view("publishing.change_post")
@require_http_methods(["GET", "POST"])
def email_preview(request: StaffRequest, post_id: int) -> HttpResponse:
    return email_preview_response(request, editable_post(request, post_id))


@staff_view("publishing.view_tag")
@require_GET
def tags(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    names = (
        Tag.objects.filter(name__icontains=query).order_by("name").values_list("name", flat=True)
    )
    return JsonResponse(
        {
            "names": list(names[:SUGGESTIONS]),
            "can_create": request.user.has_perm("publishing.add_tag"),
        }
    )


@staff_view("publishing.view_author")
@require_GET
def authors(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    names = Author.objects.filter(name__icontains=query).order_by("name")
    return JsonResponse({"names": list(names.values_list("name", flat=True)[:SUGGESTIONS])})
