"""Members' discussion pages: post, reply, edit, delete, like, report, reply emails.

Every form works without JavaScript: a post redirects back to the comment on the article; a
refusal is a page that says why (with the text kept), never an error. Comments a member may
not touch are answered as if they did not exist (404), whatever ID is tried.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlas.discussions import services
from atlas.discussions.forms import CommentForm, ReplyEmailsForm, ReportForm
from atlas.discussions.models import MAX_LENGTH, Comment, ReplyEmailOptOut
from atlas.discussions.notifications import read_reply_email_token
from atlas.discussions.participation import SIGN_IN_FIRST, Participation, participation_for
from atlas.discussions.rules import Refused
from atlas.discussions.thread import Sort
from atlas.lib.http import csrf_ok, unsubscribe_link
from atlas.members.models import Member
from atlas.members.policy import current_member
from atlas.publishing.models import Post

PUBLISHED = "Your comment is published."
HELD = "Thank you. Your comment is waiting for a moderator; only you can see it until then."


def article_url(post: Post, sort: str = "", anchor: str = "discussion") -> str:
    query = f"?sort={sort}" if sort and sort != Sort.OLDEST else ""
    return f"{post.get_absolute_url()}{query}#{anchor}"


def refused(request: HttpRequest, post: Post, message: str, status: int = 403) -> HttpResponse:
    context = {"post": post, "message": message, "back_url": article_url(post)}
    return render(request, "discussions/refused.html", context, status=status)


def compose(request: HttpRequest, post: Post, form: CommentForm, **context: Any) -> HttpResponse:
    """The comment form on a page of its own: to reply without JavaScript, or to fix an error."""
    status = context.pop("status", 200)
    if context.get("editing"):
        words = {"heading": "Edit your comment", "label": "Your comment", "submit": "Save"}
    elif context.get("answered"):
        name = context["answered"].author_name
        words = {"heading": f"Reply to {name}", "label": "Your reply", "submit": "Post reply"}
    else:
        words = {"heading": "Your comment", "label": "Your comment", "submit": "Post comment"}
    member = current_member(request)
    context = {
        "post": post,
        "form": form,
        "max_length": MAX_LENGTH,
        "action": reverse("discussions:create", args=[post.slug]),
        "back_url": article_url(post),
        "body": form.data.get("body", ""),
        "parent": form.data.get("parent", ""),
        "commenter_name": member.display_name if member else request.user.get_username(),
        **words,
        **context,
    }
    return render(request, "discussions/compose.html", context, status=status)


def commenter(request: HttpRequest, participation: Participation) -> Member:
    """The member acting; staff get a member profile on their first comment, like or report."""
    if participation.member is not None:
        return participation.member
    if not participation.is_staff:
        raise Http404("No member profile.")
    return services.staff_member(request.user)


def member_or_404(request: HttpRequest) -> Member:
    member = current_member(request)
    if member is None:
        raise Http404("No member profile.")
    return member


def visible_comment(comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("post", "member"),
        pk=comment_id,
        status=Comment.Status.PUBLISHED,
        post__in=Post.objects.published(),
    )


def own_comment(request: HttpRequest, comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("post"),
        pk=comment_id,
        member=member_or_404(request),
        status__in=[Comment.Status.PUBLISHED, Comment.Status.HELD],
    )


@never_cache
@require_POST
def create(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post.objects.published(), slug=slug)
    participation = participation_for(request, post)
    if not participation.can_comment:
        return refused(request, post, participation.refusal or SIGN_IN_FIRST)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return compose(request, post, form, status=400)
    if form.is_bot():
        return HttpResponseRedirect(article_url(post))
    parent_id = form.cleaned_data["parent"]
    parent = get_object_or_404(Comment, pk=parent_id, post=post) if parent_id else None
    try:
        comment = services.post_comment(
            commenter(request, participation), post, form.cleaned_data["body"], parent,
            is_staff=participation.is_staff,
        )  # fmt: skip
    except Refused as refusal:
        return compose(request, post, form, error=refusal.message, status=refusal.status)
    messages.success(request, HELD if comment.status == Comment.Status.HELD else PUBLISHED)
    sort = Sort.parse(form.cleaned_data["sort"])
    return HttpResponseRedirect(article_url(post, sort, f"comment-{comment.pk}"))


@never_cache
@require_GET
def reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    answered = visible_comment(comment_id)
    participation = participation_for(request, answered.post)
    if not participation.can_comment:
        return refused(request, answered.post, participation.refusal or SIGN_IN_FIRST)
    context = {"answered": answered, "parent": answered.pk, "participation": participation}
    return compose(request, answered.post, CommentForm(), **context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = own_comment(request, comment_id)
    participation = participation_for(request, comment.post)
    refusal = participation.refusal or (
        "" if comment.can_be_edited() else services.EDIT_WINDOW_OVER
    )
    if refusal:
        return refused(request, comment.post, refusal)
    form = CommentForm(request.POST or None)
    context = {"editing": comment, "action": reverse("discussions:edit", args=[comment.pk])}
    if request.method == "GET":
        return compose(request, comment.post, form, body=comment.body, **context)
    if not form.is_valid():
        return compose(request, comment.post, form, status=400, **context)
    try:
        services.edit_comment(
            participation.member or member_or_404(request), comment, form.cleaned_data["body"],
            is_staff=participation.is_staff,
        )  # fmt: skip
    except Refused as refusal_error:
        return compose(request, comment.post, form, error=refusal_error.message, **context)
    messages.success(request, HELD if comment.status == Comment.Status.HELD else "Saved.")
    return HttpResponseRedirect(article_url(comment.post, anchor=f"comment-{comment.pk}"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = own_comment(request, comment_id)
    if request.method == "GET":
        context = {"comment": comment, "back_url": comment.get_absolute_url()}
        return render(request, "discussions/delete.html", context)
    services.delete_own_comment(member_or_404(request), comment)
    messages.success(request, "Your comment is deleted.")
    return HttpResponseRedirect(article_url(comment.post))


@never_cache
@login_required
@require_POST
def like(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = visible_comment(comment_id)
    participation = participation_for(request, comment.post)
    if not participation.can_act:
        raise Http404("No such comment.")
    try:
        services.toggle_like(commenter(request, participation), comment)
    except Refused as refusal:
        return refused(request, comment.post, refusal.message, refusal.status)
    sort = Sort.parse(request.POST.get("sort"))
    return HttpResponseRedirect(article_url(comment.post, sort, f"comment-{comment.pk}"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = visible_comment(comment_id)
    participation = participation_for(request, comment.post)
    if not participation.can_act:
        raise Http404("No such comment.")
    form = ReportForm(request.POST or None)
    context = {"comment": comment, "form": form, "back_url": comment.get_absolute_url()}
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(request, "discussions/report.html", context, status=status)
    try:
        services.report_comment(
            commenter(request, participation), comment, form.cleaned_data["reason"],
            form.cleaned_data["note"],
        )  # fmt: skip
    except Refused as refusal:
        return refused(request, comment.post, refusal.message, refusal.status)
    messages.success(request, "Thank you. A moderator will look at this comment.")
    return HttpResponseRedirect(article_url(comment.post, anchor=f"comment-{comment.pk}"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reply_emails(request: HttpRequest) -> HttpResponse:
    member = member_or_404(request)
    form = ReplyEmailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post_id = form.cleaned_data["post"]
        post = get_object_or_404(Post.objects.published(), pk=post_id) if post_id else None
        services.set_reply_emails(member, form.cleaned_data["enabled"], post)
        messages.success(request, "Your choice is saved.")
        return HttpResponseRedirect(article_url(post) if post else request.path)
    opt_outs = ReplyEmailOptOut.objects.filter(member=member).select_related("post")
    context = {
        "member": member,
        "everywhere_off": any(opt_out.post_id is None for opt_out in opt_outs),
        "muted_posts": [opt_out.post for opt_out in opt_outs if opt_out.post_id],
    }
    return render(request, "discussions/reply_emails.html", context)


@unsubscribe_link
def unsubscribe(request: HttpRequest, token: str, one_click: bool) -> HttpResponse:
    found = read_reply_email_token(token)
    member = Member.objects.filter(pk=found[0]).first() if found else None
    if found is None or member is None:
        return render(request, "discussions/unsubscribe.html", {"invalid": True}, status=404)
    post = Post.objects.filter(pk=found[1]).first() if found[1] else None
    context: dict[str, Any] = {"member": member, "post": post, "done": ""}
    if one_click:
        services.set_reply_emails(member, False, post)
        return HttpResponse()
    if request.method == "POST":
        if not csrf_ok(request):
            return render(request, "discussions/unsubscribe.html", context, status=403)
        everywhere = request.POST.get("scope") == "all" or post is None
        services.set_reply_emails(member, False, None if everywhere else post)
        context["done"] = "all" if everywhere else "thread"
    return render(request, "discussions/unsubscribe.html", context)
