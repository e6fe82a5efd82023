"""Previews: the article in the real article template, and the email as members get it, both
rendered by the server with the same pipeline as the published page and the sent newsletter."""

from __future__ import annotations

from django.http import HttpResponse

from atlas.delivery import rendering
from atlas.delivery.models import Send
from atlas.lib.http import email_as_page, framed_by_own_pages
from atlas.newsroom.access import StaffRequest
from atlas.newsroom.editor_forms import PostForm
from atlas.publishing.http import private_page
from atlas.publishing.models import Author, Post, Publication, Tag, authors_of, tags_of
from atlas.publishing.views import render_article


def previewed(request: StaffRequest, post: Post) -> tuple[Post, list[Author], list[Tag]]:
    """The post as the editor's (unsaved) form has it; nothing is written."""
    form = PostForm(request.POST, instance=post, user=request.user)
    form.is_valid()  # whatever is valid is shown; the rest stays as saved
    data = form.cleaned_data
    for name in PostForm.Meta.fields:
        if name in data and not form.fields[name].disabled:
            setattr(post, name, data[name] if data[name] is not None else "")
    post.render()
    authors = list(data["authors"]) if "authors" in data else authors_of(post)
    tags = list(data["tags"]) if "tags" in data else tags_of(post)
    return post, authors, tags


def preview_response(request: StaffRequest, post: Post) -> HttpResponse:
    if request.method == "POST":
        post, authors, tags = previewed(request, post)
        response = render_article(request, post, preview=True, authors=authors, tags=tags)
    else:
        response = render_article(request, post, preview=True)
    return private_page(framed_by_own_pages(response))


def email_preview_response(request: StaffRequest, post: Post) -> HttpResponse:
    """The newsletter email as a member who may read it gets it: of the saved post, or (POST)
    of the post as the editor's unsaved form has it, as the article preview does."""
    if request.method == "POST":
        post = previewed(request, post)[0]
    send = Send(post=post, subject=post.title)
    _, html = rendering.render_parts(send, full=request.GET.get("variant") != "teaser")
    html = html.replace(rendering.UNSUBSCRIBE, "#unsubscribe").replace(
        rendering.NEWSLETTER_HTML, "your newsletter"
    )
    response = email_as_page(HttpResponse(html), Publication.current().origin)
    return private_page(response)
