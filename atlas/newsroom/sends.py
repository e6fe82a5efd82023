"""Sends: every newsletter send with its state and live progress, the controls (pause, resume,
cancel), what a paused send waits for, and a new send (choose a post, preview, test, send)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from atlas.billing.models import Tier
from atlas.delivery import rendering, services, tracking
from atlas.delivery.models import Send
from atlas.members.addresses import normalize_email
from atlas.members.models import Label, Newsletter, Subscription
from atlas.newsroom.access import staff_view
from atlas.newsroom.roles import Permission
from atlas.newsroom.send_figures import live_figures, live_reach, summaries
from atlas.newsroom.views import page
from atlas.publishing.models import Post
from atlas.sponsors.models import SendSponsorship

PER_PAGE = 25
TABS = [
    ("", "All"),
    ("active", "In progress"),
    ("decision", "Waiting for you"),
    ("scheduled", "Scheduled"),
    ("done", "Done"),
    ("test", "Tests"),
]
TAB_FILTERS = {
    "active": Q(status__in=[Send.Status.PREPARING, Send.Status.SENDING], is_test=False),
    "decision": Q(status__in=[Send.Status.PAUSED, Send.Status.WAITING]),
    "scheduled": Q(status=Send.Status.SCHEDULED),
    "done": Q(status__in=[Send.Status.DONE, Send.Status.CANCELLED], is_test=False),
    "test": Q(is_test=True),
}
ACTED = {
    "pause": "Paused.",
    "resume": "Resumed.",
    "cancel": "Cancelled: nothing more will be sent.",
}
DECISIONS = {
    Send.Status.PAUSED: "Resume to go on sending to the members not reached yet, or cancel "
    "to stop for good. Nobody gets the newsletter twice either way.",
    Send.Status.WAITING: "Delivery was interrupted for longer than the resume window (Delivery "
    "settings), so Atlas did not resume on its own: the news may be stale by now. Resume to send "
    "it to the members not reached yet, or cancel.",
}


@dataclass
class SendRow:
    send: Send
    summary: services.SendSummary
    opens: int | None
    clicks: int | None
    sponsor: str

    @property
    def percent(self) -> int:
        total = self.summary.total
        return round(100 * self.summary.done / total) if total else 0


def send_rows(sends: list[Send]) -> list[SendRow]:
    ids = [send.pk for send in sends]
    counts = summaries(sends)
    engagement = tracking.engagement(ids)
    sponsors = dict(
        SendSponsorship.objects.filter(send_id__in=ids).values_list(
            "send_id", "campaign__sponsor__name"
        )
    )
    rows = []
    for send in sends:
        tracked = engagement.get(send.pk)
        rows.append(
            SendRow(
                send,
                counts[send.pk],
                tracked["opens"] if tracked else None,
                tracked["clicks"] if tracked else None,
                sponsors.get(send.pk, ""),
            )
        )
    return rows


@staff_view(Permission.SENDS)
@require_safe
def send_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("state", "")
    tab = tab if tab in TAB_FILTERS else ""
    sends = Send.objects.select_related("post").order_by("-created_at", "-pk")
    sends = sends.filter(TAB_FILTERS[tab]) if tab else sends.filter(is_test=False)
    paginator = Paginator(sends, PER_PAGE)
    current = paginator.get_page(request.GET.get("page"))
    waiting = Send.objects.filter(TAB_FILTERS["decision"]).count()
    context = {
        "tabs": TABS,
        "tab": tab,
        "rows": send_rows(list(current.object_list)),
        "page_obj": current,
        "waiting": waiting,
    }
    return page(request, "newsroom/sends/list.html", context)


@staff_view(Permission.SENDS)
@require_safe
def send_detail(request: HttpRequest, send_id: int) -> HttpResponse:
    send = get_object_or_404(Send.objects.select_related("post", "created_by"), pk=send_id)
    figures = live_figures(send)
    sponsorship = SendSponsorship.objects.filter(send=send).select_related("campaign__sponsor")
    context = {
        "send": send,
        "figures": figures,
        "reach": live_reach(send),
        "percent": round(100 * figures.done / figures.total) if figures.total else 0,
        "newsletters": list(send.newsletters.all()),
        "labels": list(send.labels.all()),
        "sponsorship": sponsorship.first(),
        "decision": DECISIONS.get(Send.Status(send.status), ""),
        "can_control": request.user.has_perm(Permission.SEND_CONTROL),
    }
    return page(request, "newsroom/sends/detail.html", context)


@staff_view(Permission.SENDS)
@require_safe
def send_progress(request: HttpRequest, send_id: int) -> JsonResponse:
    """What the progress bars and the send's page poll: the send's state and counts (a few
    indexed queries, kept for the poll interval)."""
    send = get_object_or_404(Send, pk=send_id)
    figures = live_figures(send)
    reach = live_reach(send)
    return JsonResponse(
        {
            "status": send.status,
            "state": send.get_status_display(),
            "reason": send.status_reason,
            "active": send.is_active,
            "total": figures.total,
            "done": figures.done,
            "sent": figures.sent,
            "failed": figures.failed,
            "pending": figures.pending + figures.deferred,
            "per_minute": figures.per_minute,
            "eta_minutes": figures.eta_minutes,
            "suppressed": figures.suppressed,
            "deferred": figures.deferred,
            "delivered": figures.delivered,
            "bounced": figures.bounced,
            "complained": figures.complained,
            "opens": reach.opens,
            "clicks": reach.clicks,
            "unsubscribes": reach.unsubscribes,
        }
    )


@staff_view(Permission.SEND_CONTROL)
@require_POST
def send_act(request: HttpRequest, send_id: int) -> HttpResponse:
    send = get_object_or_404(Send, pk=send_id)
    action = request.POST.get("action", "")
    if action == "pause":
        done = services.pause(send, f"Paused by {request.user.get_username()}")
    elif action == "resume":
        done = services.resume(send)
    elif action == "cancel":
        done = services.cancel(send)
    else:
        messages.error(request, "Unknown action.")
        return redirect("newsroom:send", send_id=send.pk)
    if done:
        messages.success(request, ACTED[action])
    else:
        messages.warning(request, f"The send is {send.get_status_display().lower()}: nothing done.")
    return redirect("newsroom:send", send_id=send.pk)


# A new send ----------------------------------------------------------------------------------


class NewSendForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Members subscribed to any of these get it once.",
    )
    mode = forms.ChoiceField(
        choices=[
            ("web_and_email", "Web and email (a draft is published now)"),
            ("email_only", "Email only (the post stays off the website)"),
        ],
        initial="web_and_email",
        widget=forms.RadioSelect,
        label="Publish to",
    )
    audience = forms.ChoiceField(
        choices=Send.Audience.choices, initial=Send.Audience.ALL, widget=forms.RadioSelect
    )
    tiers = forms.ModelMultipleChoiceField(
        queryset=Tier.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plans",
        help_text="For the audience “paying members of the chosen plans only”.",
    )
    labels = forms.ModelMultipleChoiceField(
        queryset=Label.objects.all(),
        required=False,
        help_text="Only members with one of these labels. None chosen: everyone in the audience.",
    )
    test_addresses = forms.CharField(
        required=False,
        label="Test addresses",
        help_text="For a test: addresses separated by commas. The test goes to them only.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tiers = Tier.objects.filter(kind=Tier.Kind.PAID, archived=False).order_by("position", "pk")
        if tiers.exists():
            self.fields["tiers"].queryset = tiers  # type: ignore[attr-defined]
        else:  # no paid plans (yet): no audience by plan
            del self.fields["tiers"]
            audience = self.fields["audience"]
            audience.choices = [  # type: ignore[attr-defined]
                choice for choice in Send.Audience.choices if choice[0] != Send.Audience.TIERS
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == Send.Audience.TIERS and not data.get("tiers"):
            self.add_error("tiers", "Choose at least one plan for this audience.")
        return data

    def clean_test_addresses(self) -> list[str]:
        raw = self.cleaned_data["test_addresses"]
        addresses = [address.strip() for address in raw.split(",") if address.strip()]
        return [normalize_email(address) for address in addresses]


def sendable_posts(search: str) -> Any:
    """Posts that may still be sent: not archived, never sent (a cancelled send aside)."""
    sent = Send.objects.filter(is_test=False).exclude(status=Send.Status.CANCELLED)
    posts = (
        Post.objects.exclude(status=Post.Status.ARCHIVED)
        .exclude(pk__in=sent.values("post_id"))
        .defer("body", "body_html")
        .order_by("-pk")  # the newest first, by the primary key's index
    )
    if search:
        posts = posts.filter(title__icontains=search)
    return posts[:30]


def audience_sizes() -> dict[int, int]:
    """Active subscribers per newsletter (one grouped query over every subscription, so kept
    for a minute: the form shows them as a guide)."""

    def count() -> dict[int, int]:
        return dict(
            Subscription.objects.filter(status=Subscription.Status.ACTIVE, member__status="active")
            .values_list("newsletter_id")
            .annotate(total=Count("pk"))
            .order_by()
        )

    sizes = cache.get("newsroom:audience-sizes")
    if sizes is None:
        sizes = count()
        cache.set("newsroom:audience-sizes", sizes, 60)
    return sizes


@staff_view(Permission.SEND_NEW)
def send_new(request: HttpRequest) -> HttpResponse:
    post_id = request.POST.get("post") or request.GET.get("post") or ""
    post = Post.objects.filter(pk=int(post_id)).first() if post_id.isdigit() else None
    if post is None:
        search = request.GET.get("q", "").strip()
        context = {"posts": sendable_posts(search), "search": search}
        return page(request, "newsroom/sends/choose.html", context)
    initial = {"newsletters": list(Newsletter.objects.filter(is_default=True)),
               "test_addresses": getattr(request.user, "email", "")}  # fmt: skip
    form = NewSendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = start(request, post, form)
        if response is not None:
            return response
    sizes = audience_sizes()
    checked = {str(getattr(value, "pk", value)) for value in form["newsletters"].value() or []}
    context = {
        "post": post,
        "form": form,
        "newsletters": [
            (newsletter, sizes.get(newsletter.pk, 0), str(newsletter.pk) in checked)
            for newsletter in Newsletter.objects.all()
        ],
        "already_sent": post.sends.filter(is_test=False)
        .exclude(status=Send.Status.CANCELLED)
        .first(),
    }
    return page(request, "newsroom/sends/new.html", context)


def start(request: HttpRequest, post: Post, form: NewSendForm) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        if "test" in request.POST:
            if not data["test_addresses"]:
                form.add_error("test_addresses", "Give at least one address for the test.")
                return None
            services.test_send(post, data["test_addresses"], request.user)
            messages.success(request, f"Test sent to {', '.join(data['test_addresses'])}.")
            return HttpResponseRedirect(f"{reverse('newsroom:send_new')}?post={post.pk}")
        if data["mode"] == "web_and_email":
            services.publish_for_sending(post, request.user)
        send = services.start_send(
            post, data["newsletters"], audience=data["audience"], labels=data["labels"],
            tier_ids=[tier.pk for tier in data.get("tiers") or []], user=request.user,
        )  # fmt: skip
    except (services.SendRefused, ValidationError, ValueError) as error:
        form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        return None
    if send.status == Send.Status.SCHEDULED:
        messages.success(request, "Scheduled: it goes out when the post goes live.")
    else:
        messages.success(request, "Sending has started.")
    return redirect("newsroom:send", send_id=send.pk)


@staff_view(Permission.SENDS)
@require_safe
def send_preview(request: HttpRequest, post_id: int) -> HttpResponse:
    """The email as subscribers will see it (the teaser with `?variant=teaser`)."""
    post = get_object_or_404(Post, pk=post_id)
    send = Send(post=post, subject=post.title)
    _, html = rendering.render_parts(send, full=request.GET.get("variant") != "teaser")
    html = html.replace(rendering.UNSUBSCRIBE, "#unsubscribe").replace(
        rendering.NEWSLETTER_HTML, "Newsletter"
    )
    return HttpResponse(html)
