"""Members: the list with search and filters, a member's page, labels in bulk and export.
(Importing a list is in `member_imports.py`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from atlas.billing import services as billing
from atlas.delivery.models import Delivery, EmailEvent
from atlas.discussions.models import Comment
from atlas.members import outbox, services
from atlas.members.addresses import ascii_domain
from atlas.members.exporting import csv_chunks
from atlas.members.models import Label, Member, MemberEvent, Newsletter, OutboundEmail
from atlas.newsroom.access import staff_view
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page

PER_PAGE = 50
JOINED = {"7": 7, "30": 30, "90": 90, "365": 365}


def stored_prefix(typed: str) -> str:
    """An address as typed, as it is stored: a whole internationalised domain in its ASCII form
    (`ben@münchen.example` finds `ben@xn--mnchen-3ya.example`)."""
    local, _, domain = typed.rpartition("@")
    if domain.isascii():
        return typed
    try:
        return f"{local}@{ascii_domain(domain)}"
    except ValidationError:  # a domain still being typed: as it is
        return typed


@dataclass(frozen=True)
class Filters:
    search: str = ""
    status: str = ""
    newsletter: str = ""
    tier: str = ""
    source: str = ""
    label: str = ""
    joined: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        return cls(**{name: query.get(name, "").strip() for name in cls.__dataclass_fields__})

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)

    def apply(self, members: QuerySet[Member]) -> QuerySet[Member]:
        if "@" in self.search:  # the start of an address: a range of the unique index
            start = stored_prefix(self.search.strip().lower())
            members = members.filter(email_lower__gte=start, email_lower__lt=start + "\uffff")
        elif self.search:
            members = members.filter(
                Q(email_lower__contains=self.search.lower()) | Q(name__icontains=self.search)
            )
        if self.status in Member.Status.values:
            members = members.filter(status=self.status)
        if self.tier in Member.Tier.values:
            members = members.filter(tier=self.tier)
        if self.newsletter.isdigit():
            members = members.filter(
                subscriptions__newsletter_id=int(self.newsletter), subscriptions__status="active"
            )
        if self.source:
            members = members.filter(source=self.source)
        if self.label.isdigit():
            members = members.filter(labels__pk=int(self.label))
        if self.joined in JOINED:
            since = timezone.now() - timedelta(days=JOINED[self.joined])
            members = members.filter(created_at__gte=since)
        return members

    def items(self) -> list[tuple[str, str]]:
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]

    def query(self) -> str:
        """These filters as a query string (for the export link and the bulk form)."""
        query = QueryDict(mutable=True)
        for name in self.__dataclass_fields__:
            if getattr(self, name):
                query[name] = getattr(self, name)
        return query.urlencode()


@dataclass
class Window:
    """A page of a filtered list, without counting the list: a rare filter's count would read
    every member. One more row than shown says whether a next page exists."""

    number: int
    object_list: list[Member]
    has_next: bool

    @classmethod
    def of(cls, members: QuerySet[Member], page: str | None) -> Window:
        number = int(page) if page and page.isdigit() and int(page) > 0 else 1
        start = (number - 1) * PER_PAGE
        found = list(members[start : start + PER_PAGE + 1])
        return cls(number, found[:PER_PAGE], len(found) > PER_PAGE)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@staff_view(Permission.MEMBERS)
@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    filters = Filters.from_query(request.GET)
    members = filters.apply(Member.objects.all()).order_by("-created_at", "-pk")
    members = members.only("pk", "email", "name", "status", "tier", "source", "created_at")
    current: Any
    total: int | None = None
    if filters.active and not request.GET.get("count"):
        current = Window.of(members, request.GET.get("page"))
    else:
        paginator = Paginator(members, PER_PAGE)
        current = paginator.get_page(request.GET.get("page"))
        total = paginator.count
    context = {
        "filters": filters,
        "page_obj": current,
        "members": list(current.object_list),
        "statuses": Member.Status.choices,
        "tiers": Member.Tier.choices,
        "newsletters": Newsletter.objects.only("pk", "name"),
        "labels": Label.objects.all(),
        "sources": sources(),
        "joined_choices": [
            ("7", "Last 7 days"),
            ("30", "Last 30 days"),
            ("90", "Last 90 days"),
            ("365", "Last year"),
        ],
        "total": total,
        "here": request.get_full_path(),
    }
    return page(request, "newsroom/members/list.html", context)


def sources() -> list[str]:
    """Where members came from (web, import, api...): a short list, kept for ten minutes (it
    reads every member)."""

    def read() -> list[str]:
        found = Member.objects.order_by().values_list("source", flat=True).distinct()[:50]
        return sorted(source for source in found if source)

    found = cache.get("newsroom:member-sources")
    if found is None:
        found = read()
        cache.set("newsroom:member-sources", found, 600)
    return found


class LabelForm(forms.Form):
    # Not `label`: that is the filter by label, posted alongside in the same form.
    operation = forms.ChoiceField(choices=[("add", "Add the label"), ("remove", "Remove it")])
    label_name = forms.CharField(max_length=80)
    scope = forms.ChoiceField(
        choices=[("selected", "selected"), ("matching", "matching")], required=False
    )


@staff_view(Permission.MEMBER_CHANGE)
@require_POST
def member_labels(request: HttpRequest) -> HttpResponse:
    """Labels in bulk: for the members ticked, or every member the filters match."""
    form = LabelForm(request.POST)
    filters = Filters.from_query(request.POST)
    back = redirect(f"{reverse('newsroom:members')}?{filters.query()}")
    if not form.is_valid():
        messages.error(request, "Name the label to add or remove.")
        return back
    data = form.cleaned_data
    if data["scope"] == "matching":
        members = filters.apply(Member.objects.all())
    else:
        ids = [int(value) for value in request.POST.getlist("members") if value.isdigit()]
        if not ids:
            messages.warning(request, "Tick the members first, or choose every member shown.")
            return back
        members = Member.objects.filter(pk__in=ids)
    if data["operation"] == "add":
        changed = services.label_members(members, data["label_name"])
        people = f"{changed:,} member{pluralize(changed)}"
        messages.success(request, f"Labelled {people} “{data['label_name']}”.")
    else:
        changed = services.unlabel_members(members, data["label_name"])
        people = f"{changed:,} member{pluralize(changed)}"
        messages.success(request, f"Took “{data['label_name']}” off {people}.")
    return back


@staff_view(Permission.MEMBERS)
@require_safe
def member_export(request: HttpRequest) -> StreamingHttpResponse:
    """The members the filters match, as CSV, streamed in flat memory."""
    members = Filters.from_query(request.GET).apply(Member.objects.all())
    response = StreamingHttpResponse(csv_chunks(members), content_type="text/csv; charset=utf-8")
    filename = f"members-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MemberForm(forms.ModelForm):
    labels_text = forms.CharField(
        label="Labels", required=False, max_length=1000, help_text="Separated by commas."
    )

    class Meta:
        model = Member
        fields = ["name", "tier", "notes"]
        labels = {"tier": "Plan"}
        help_texts = {"notes": "Only staff see these.", "tier": "Paid or complimentary members "
                      "read paid posts."}  # fmt: skip

    def __init__(self, *args: Any, plan_managed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan_managed:  # billing keeps the plan: one set here would disagree with access
            del self.fields["tier"]

    def save_member(self) -> Member:
        """Name and notes; the plan, if staff may set it, with a line in the member's history."""
        member = self.save(commit=False)
        member.save(update_fields=["name", "notes", "updated_at"])
        if "tier" in self.cleaned_data:
            services.set_tier(member.pk, self.cleaned_data["tier"], reason="set by staff")
        self.save_labels(member)
        return member

    def save_labels(self, member: Member) -> None:
        names = {name.strip()[:80] for name in self.cleaned_data["labels_text"].split(",")}
        wanted = [Label.objects.get_or_create(name=name)[0] for name in sorted(names) if name]
        member.labels.set(wanted)


@dataclass
class EmailRow:
    subject: str
    state: str
    when: Any
    opened: bool = False
    clicked: bool = False


def emails_of(member: Member) -> list[EmailRow]:
    """The newsletters and transactional emails the member was sent, newest first."""
    deliveries = list(
        Delivery.objects.filter(member=member, send__is_test=False)
        .select_related("send")
        .order_by("-pk")[:30]
    )
    events = set(
        EmailEvent.objects.filter(delivery__in=deliveries, machine="").values_list(
            "delivery_id", "kind"
        )
    )
    rows = [
        EmailRow(delivery.send.subject, delivery.get_state_display(),
                 delivery.sent_at or delivery.send.created_at,
                 (delivery.pk, "open") in events, (delivery.pk, "click") in events)
        for delivery in deliveries
    ]  # fmt: skip
    rows += [
        EmailRow(outbox.subject_of(email), email.get_status_display(),
                 email.sent_at or email.created_at)
        for email in OutboundEmail.objects.filter(member=member)[:20]
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row.when, reverse=True)


@staff_view(Permission.MEMBERS)
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=member_id)
    can_change = request.user.has_perm(Permission.MEMBER_CHANGE)
    labels = ", ".join(label.name for label in member.labels.all())
    plan_managed = billing.manages(member)
    form = MemberForm(request.POST or None, instance=member, initial={"labels_text": labels},
                      plan_managed=plan_managed)  # fmt: skip
    if request.method == "POST":
        if not can_change:
            return HttpResponse("Your role cannot change members.", status=403)
        if form.is_valid():
            form.save_member()
            messages.success(request, "Saved.")
            return redirect("newsroom:member", member_id=member.pk)
    comments = Comment.objects.filter(member=member)
    context = {
        "member": member,
        "form": form,
        "can_change": can_change,
        "plan_managed": plan_managed,
        "billing": billing.member_billing(member),
        "subscriptions": list(member.subscriptions.select_related("newsletter")),
        "events": list(MemberEvent.objects.filter(member=member)[:50]),
        "emails": emails_of(member),
        "comment_count": comments.count(),
        "comments": list(comments.select_related("post").order_by("-created_at")[:5]),
    }
    return page(request, "newsroom/members/detail.html", context)
