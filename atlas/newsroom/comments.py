"""Comments: the moderation queue first (held and reported, newest first), each comment in its
thread and article, one-key and bulk actions, a member's history and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from atlas.discussions import moderation
from atlas.discussions.models import Comment, CommentingBan, ModerationAction, Report
from atlas.members.models import Member
from atlas.newsroom.access import staff_view
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page

PER_PAGE = 30
VIEWS = [
    ("queue", "Needs attention"),
    ("held", "Held"),
    ("reported", "Reported"),
    ("published", "Published"),
    ("hidden", "Hidden"),
    ("deleted", "Deleted"),
    ("all", "All"),
]
BAN_LENGTHS = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30), "0": None}
BAN_CHOICES = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("0", "For good")]
NEEDS_REASON = {"hide", "delete", "ban"}
DONE = {
    "approve": "Approved", "hide": "Hidden", "delete": "Deleted", "ban": "Banned the author of",
    "pin": "Pinned", "unpin": "Unpinned", "dismiss": "Dismissed the reports on",
}  # fmt: skip


def with_open_reports(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.annotate(
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
    )


def filtered(view: str, search: str, post_id: str) -> QuerySet[Comment]:
    comments = Comment.objects.all()
    reported = Exists(Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))
    if view == "queue":
        comments = comments.filter(Q(status=Comment.Status.HELD) | reported)
    elif view == "reported":
        comments = comments.filter(reported)
    elif view in ("held", "published", "hidden", "deleted"):
        comments = comments.filter(status=view)
    if search:
        comments = comments.filter(
            Q(body__icontains=search) | Q(member__email_lower__icontains=search.lower())
            | Q(member__name__icontains=search) | Q(member__comment_name__icontains=search)
        )  # fmt: skip
    if post_id.isdigit():
        comments = comments.filter(post_id=int(post_id))
    return comments


@staff_view(Permission.COMMENTS)
@require_safe
def comment_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "queue")
    view = view if view in dict(VIEWS) else "queue"
    search = request.GET.get("q", "").strip()
    comments = filtered(view, search, request.GET.get("post", ""))
    # Newest first; in the queue, held and reported ones are all there is. The page is counted
    # and cut plain, then only its own comments get their open reports counted.
    paginator = Paginator(comments.order_by("-created_at", "-pk").only("pk"), PER_PAGE)
    current = paginator.get_page(request.GET.get("page"))
    ids = [comment.pk for comment in current.object_list]
    shown = with_open_reports(
        Comment.objects.filter(pk__in=ids).select_related("member", "post", "reply_to__member")
    )
    current.object_list = list(shown.order_by("-created_at", "-pk"))
    waiting = Comment.objects.filter(status=Comment.Status.HELD).count()
    reported = Report.objects.filter(resolved_at__isnull=True).values("comment").distinct().count()
    queue = filtered("queue", "", "").count()
    counts = {"queue": queue, "held": waiting, "reported": reported}
    context = {
        "views": [(key, label, counts.get(key)) for key, label in VIEWS],
        "view": view,
        "search": search,
        "page_obj": current,
        "comments": list(current.object_list),
        "ban_choices": BAN_CHOICES,
        "here": request.get_full_path(),
    }
    return page(request, "newsroom/comments/queue.html", context)


def thread_of(comment: Comment) -> list[Comment]:
    """The comment's thread: its top-level comment and every reply under it, in order."""
    root = comment
    while root.parent_id is not None:
        root = Comment.objects.select_related("member").get(pk=root.parent_id)
    ids = {root.pk}
    level = [root.pk]
    while level:
        level = list(Comment.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.update(level)
    thread = Comment.objects.filter(pk__in=ids).select_related("member")
    return list(thread.order_by("created_at", "pk")[:100])


@staff_view(Permission.COMMENTS)
@require_safe
def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    comments = with_open_reports(Comment.objects.select_related("member", "post"))
    comment = get_object_or_404(comments, pk=comment_id)
    context = {
        "comment": comment,
        "thread": thread_of(comment),
        "reports": list(comment.reports.select_related("reporter", "resolved_by")),
        "trail": list(comment.moderation.select_related("actor")[:50]),
        "ban_choices": BAN_CHOICES,
        "here": request.get_full_path(),
    }
    return page(request, "newsroom/comments/detail.html", context)


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in DONE])
    reason = forms.CharField(max_length=300, required=False)
    length = forms.ChoiceField(choices=BAN_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in NEEDS_REASON and not data.get("reason", "").strip():
            raise forms.ValidationError("Give a reason: it is kept in the audit trail.")
        if data.get("action") == "ban" and not data.get("length"):
            data["length"] = "7"
        return data


def apply(action: str, comment: Comment, user: Any, reason: str, length: str) -> bool:
    """One moderation step through the discussions' services; False when it does not apply."""
    if action == "approve":
        if comment.status == Comment.Status.DELETED:
            return False
        moderation.approve(comment, user, reason)
    elif action == "hide":
        moderation.hide(comment, user, reason)
    elif action == "delete":
        moderation.delete(comment, user, reason)
    elif action in ("pin", "unpin"):
        return moderation.set_pinned(comment, user, action == "pin")
    elif action == "dismiss":
        moderation.dismiss_reports(comment, user, reason)
    elif action == "ban":
        if comment.member is None or not user.has_perm(Permission.BAN):
            return False
        until = BAN_LENGTHS[length]
        moderation.ban(comment.member, user, reason, timezone.now() + until if until else None)
    return True


def form_errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@staff_view(Permission.MODERATE)
@require_POST
def comment_act(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("member"), pk=comment_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back(request, f"/newsroom/comments/{comment.pk}/")
    data = form.cleaned_data
    if apply(data["action"], comment, request.user, data["reason"].strip(), data["length"]):
        messages.success(request, f"{DONE[data['action']]} the comment by {comment.author_name}.")
    else:
        messages.warning(request, "That action does not apply to this comment.")
    return back(request, "/newsroom/comments/")


@staff_view(Permission.MODERATE)
@require_POST
def comment_bulk(request: HttpRequest) -> HttpResponse:
    form = ActionForm(request.POST)
    ids = [int(value) for value in request.POST.getlist("comments") if value.isdigit()]
    if not ids:
        messages.warning(request, "Select the comments first.")
        return back(request, "/newsroom/comments/")
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back(request, "/newsroom/comments/")
    data = form.cleaned_data
    done = 0
    banned: set[int] = set()
    for comment in Comment.objects.filter(pk__in=ids).select_related("member"):
        if data["action"] == "ban" and comment.member_id in banned:
            continue  # one ban per member, however many of their comments were chosen
        if apply(data["action"], comment, request.user, data["reason"].strip(), data["length"]):
            done += 1
            banned.add(comment.member_id or 0)
    messages.success(request, f"{DONE[data['action']]} {done} comment{pluralize(done)}.")
    return back(request, "/newsroom/comments/")


@staff_view(Permission.COMMENTS)
@require_safe
def member_history(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=member_id)
    paginator = Paginator(Comment.objects.filter(member=member).order_by("-created_at", "-pk"),
                          PER_PAGE)  # fmt: skip
    current = paginator.get_page(request.GET.get("page"))
    ids = [comment.pk for comment in current.object_list]
    shown = with_open_reports(Comment.objects.filter(pk__in=ids).select_related("post"))
    current.object_list = list(shown.order_by("-created_at", "-pk"))
    counts = dict(Comment.objects.filter(member=member).values_list("status").annotate(Count("pk")))
    context = {
        "member": member,
        "page_obj": current,
        "comments": list(current.object_list),
        "counts": counts,
        "bans": list(CommentingBan.objects.filter(member=member).select_related("created_by")),
        "trail": list(
            ModerationAction.objects.filter(member=member).select_related("actor", "comment")[:50]
        ),
        "ban_choices": BAN_CHOICES,
        "here": request.get_full_path(),
    }
    return page(request, "newsroom/comments/member.html", context)


@staff_view("discussions.change_commentingban")
@require_POST
def lift_ban(request: HttpRequest, ban_id: int) -> HttpResponse:
    commenting_ban = get_object_or_404(CommentingBan, pk=ban_id, lifted_at__isnull=True)
    moderation.lift_ban(commenting_ban, request.user, request.POST.get("reason", "")[:300])
    messages.success(request, f"Lifted the ban on {commenting_ban.member.display_name}.")
    return redirect("newsroom:comment_member", member_id=commenting_ban.member_id)


@staff_view("discussions.view_moderationaction")
@require_safe
def audit_trail(request: HttpRequest) -> HttpResponse:
    actions = ModerationAction.objects.select_related("actor", "member", "comment__post")
    chosen = request.GET.get("action", "")
    if chosen in ModerationAction.Action.values:
        actions = actions.filter(action=chosen)
    paginator = Paginator(actions.order_by("-created_at", "-pk"), 50)
    current = paginator.get_page(request.GET.get("page"))
    context = {
        "page_obj": current,
        "actions": list(current.object_list),
        "choices": ModerationAction.Action.choices,
        "chosen": chosen,
    }
    return page(request, "newsroom/comments/audit.html", context)
