"""Membership workflows: subscribe, confirm, sign in, manage, unsubscribe, leave."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from atlas.members import outbox
from atlas.members.addresses import normalize_email
from atlas.members.hooks import data_sections
from atlas.members.links import use_link
from atlas.members.models import (
    EmailLink,
    Label,
    Member,
    MemberEvent,
    MembershipSettings,
    Newsletter,
    Subscription,
    Suppression,
    email_digest,
)

logger = logging.getLogger(__name__)

CONFIRMATION_RESEND_INTERVAL = timedelta(hours=1)


@dataclass
class SignupSource:
    page: str = ""
    referrer: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    via: str = "web"

    def as_detail(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


@dataclass
class SubscribeOutcome:
    member: Member
    confirmation_sent: bool = False
    newsletters: list[Newsletter] = field(default_factory=list)


def record(member: Member | None, kind: str, **detail: Any) -> MemberEvent:
    return MemberEvent.objects.create(member=member, kind=kind, detail=detail)


def default_newsletters() -> list[Newsletter]:
    """The newsletters a sign-up form offers ticked; a publication always has at least one."""
    defaults = list(Newsletter.objects.filter(is_default=True)) or list(
        Newsletter.objects.all()[:1]
    )
    if not defaults:
        newsletter, _ = Newsletter.objects.get_or_create(
            slug="newsletter", defaults={"name": "Newsletter", "is_default": True}
        )
        defaults = [newsletter]
    return defaults


def subscribe(
    raw_email: str,
    name: str = "",
    newsletters: Iterable[Newsletter] | None = None,
    source: SignupSource | None = None,
) -> SubscribeOutcome:
    """Sign a reader up. With double opt-in (the default), nothing but one confirmation email
    goes to the address until it is confirmed; a repeat sign-up re-sends it at most hourly."""
    email = normalize_email(raw_email)
    source = source or SignupSource()
    chosen = list(newsletters or default_newsletters())
    double_opt_in = MembershipSettings.current().double_opt_in
    with transaction.atomic():
        member, created = _member_for_signup(email, name, source)
        if created:
            record(member, MemberEvent.Kind.SIGNED_UP, **source.as_detail())
        added = _add_subscriptions(member, chosen, Subscription.Status.PENDING)
        if not double_opt_in:
            if added or member.status != Member.Status.ACTIVE:
                _activate(member)
            return SubscribeOutcome(member=member, newsletters=chosen)
        if not added and member.status == Member.Status.ACTIVE:
            return SubscribeOutcome(member=member, newsletters=chosen)
        sent = _send_confirmation(member)
    return SubscribeOutcome(member=member, confirmation_sent=sent, newsletters=chosen)


def _member_for_signup(email: str, name: str, source: SignupSource) -> tuple[Member, bool]:
    existing = Member.objects.select_for_update().with_email(email).first()
    if existing:
        if name and not existing.name:
            existing.name = name[:120]
            existing.save(update_fields=["name", "updated_at"])
        return existing, False
    member = Member(
        email=email,
        name=name[:120],
        source=source.via,
        signup_page=source.page[:300],
        referrer=source.referrer[:300],
        utm_source=source.utm_source[:100],
        utm_medium=source.utm_medium[:100],
        utm_campaign=source.utm_campaign[:100],
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent sign-up for the same address won
        return Member.objects.with_email(email).get(), False
    return member, True


def _add_subscriptions(member: Member, newsletters: list[Newsletter], status: str) -> bool:
    """Add the newsletters the member does not have yet; True if anything was added."""
    current = {
        subscription.newsletter_id: subscription
        for subscription in Subscription.objects.filter(member=member)
    }
    added = False
    for newsletter in newsletters:
        subscription = current.get(newsletter.pk)
        if subscription is None:
            Subscription.objects.create(member=member, newsletter=newsletter, status=status)
            added = True
        elif subscription.status == Subscription.Status.UNSUBSCRIBED:
            subscription.status = status
            subscription.changed_at = timezone.now()
            subscription.save(update_fields=["status", "changed_at"])
            added = True
    return added


def _send_confirmation(member: Member) -> bool:
    recent = (
        EmailLink.objects.filter(
            member=member,
            purpose=EmailLink.Purpose.CONFIRM,
            created_at__gte=timezone.now() - CONFIRMATION_RESEND_INTERVAL,
        ).exists()
        or member.emails.filter(
            template="members/email/confirm",
            created_at__gte=timezone.now() - CONFIRMATION_RESEND_INTERVAL,
        ).exists()
    )
    if recent:
        return False
    outbox.queue(member.email, "members/email/confirm", member=member, link="confirm")
    return True


def _activate(member: Member) -> None:
    now = timezone.now()
    first_time = member.confirmed_at is None
    member.status = Member.Status.ACTIVE
    member.confirmed_at = member.confirmed_at or now
    member.save(update_fields=["status", "confirmed_at", "updated_at"])
    pending = Subscription.objects.filter(member=member, status=Subscription.Status.PENDING)
    slugs = list(pending.values_list("newsletter__slug", flat=True))
    pending.update(status=Subscription.Status.ACTIVE, changed_at=now)
    record(member, MemberEvent.Kind.CONFIRMED if first_time else MemberEvent.Kind.SUBSCRIBED,
           newsletters=slugs)  # fmt: skip


def add_verified_member(
    raw_email: str, name: str = "", source: SignupSource | None = None
) -> tuple[Member, bool]:
    """A reader whose address another party has verified (a payment): active at once, on the
    default newsletters. Returns (member, created); safe to call twice or concurrently."""
    email = normalize_email(raw_email)
    source = source or SignupSource(via="checkout")
    with transaction.atomic():
        member, created = _member_for_signup(email, name, source)
        member = Member.objects.select_for_update().get(pk=member.pk)
        if created:
            record(member, MemberEvent.Kind.SIGNED_UP, **source.as_detail())
            _add_subscriptions(member, default_newsletters(), Subscription.Status.PENDING)
        if member.status == Member.Status.PENDING:  # a reader who left stays unsubscribed
            _activate(member)
    return member, created


def set_tier(member_id: int, tier: str, reason: str = "") -> bool:
    """Store a member's plan (for lists and sends) and record the change; True if it changed."""
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None or member.tier == tier:
            return False
        old = member.tier
        member.tier = tier
        member.save(update_fields=["tier", "updated_at"])
        record(member, MemberEvent.Kind.TIER_CHANGED, old=old, new=tier, reason=reason)
    return True


def set_stripe_customer(member_id: int, customer_id: str) -> bool:
    """Remember a member's customer at Stripe, unless they already have one (never replaced:
    a second customer would be a duplicate). True if it was set now."""
    return bool(
        Member.objects.filter(pk=member_id, stripe_customer_id="").update(
            stripe_customer_id=customer_id, updated_at=timezone.now()
        )
    )


def confirm(token: str) -> Member | None:
    link = use_link(token, EmailLink.Purpose.CONFIRM)
    if link is None:
        return None
    with transaction.atomic():
        _activate(link.member)
    return link.member


def request_sign_in(raw_email: str, next_path: str = "") -> None:
    """Email a sign-in link if the address belongs to a member; say nothing either way.

    A member's request and a stranger's do the same work (one lookup, one row in the outbox,
    one task), so that the time of the answer does not tell who is a member: the worker sends
    nothing for an address that is no member's (`outbox.send`)."""
    email = normalize_email(raw_email)
    member = Member.objects.with_email(email).first()
    outbox.queue(member.email if member else email, "members/email/sign_in", member=member,
                 link="sign_in", next_path=next_path)  # fmt: skip


def sign_in(token: str) -> EmailLink | None:
    link = use_link(token, EmailLink.Purpose.SIGN_IN)
    if link is None:
        return None
    member = link.member
    if member.status == Member.Status.PENDING:  # the link proves the address
        _activate(member)
    record(member, MemberEvent.Kind.SIGNED_IN)
    return link


def user_for(member: Member) -> Any:
    """The account behind a member's sessions (created on first sign-in)."""
    if member.user_id:
        return member.user
    user_model = get_user_model()
    user = user_model(username=f"member-{member.pk}", email=member.email)
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    return user


def end_all_sessions(member: Member) -> None:
    """Sign the member out everywhere: sessions are bound to the (unusable) password hash."""
    user = member.user
    if user is not None and not user.is_staff:
        user.set_unusable_password()
        user.save(update_fields=["password"])


def request_email_change(member: Member, raw_email: str) -> str:
    email = normalize_email(raw_email)
    if Member.objects.with_email(email).exclude(pk=member.pk).exists():
        # Say the same as for a free address: the owner of that address gets nothing.
        return email
    outbox.queue(email, "members/email/change_email", member=member, link="change_email",
               new_email=email)  # fmt: skip
    return email


def apply_email_change(token: str) -> Member | None:
    link = use_link(token, EmailLink.Purpose.CHANGE_EMAIL)
    if link is None:
        return None
    member = link.member
    old = member.email
    try:
        with transaction.atomic():
            member.email = link.email
            member.save(update_fields=["email", "email_lower", "updated_at"])
            if member.user is not None:
                member.user.email = link.email
                member.user.save(update_fields=["email"])
            record(member, MemberEvent.Kind.EMAIL_CHANGED, old_domain=old.rpartition("@")[2])
    except IntegrityError:
        return None
    end_all_sessions(member)
    return member


def set_newsletters(member: Member, wanted: Iterable[Newsletter]) -> None:
    wanted_ids = {newsletter.pk for newsletter in wanted}
    now = timezone.now()
    with transaction.atomic():
        for newsletter in Newsletter.objects.all():
            subscription = Subscription.objects.filter(member=member, newsletter=newsletter).first()
            is_on = subscription is not None and subscription.status == Subscription.Status.ACTIVE
            if newsletter.pk in wanted_ids and not is_on:
                Subscription.objects.update_or_create(
                    member=member,
                    newsletter=newsletter,
                    defaults={"status": Subscription.Status.ACTIVE, "changed_at": now},
                )
                record(member, MemberEvent.Kind.SUBSCRIBED, newsletter=newsletter.slug)
            elif newsletter.pk not in wanted_ids and is_on:
                unsubscribe(member, newsletter)
        if wanted_ids and member.status == Member.Status.UNSUBSCRIBED:
            member.status = Member.Status.ACTIVE
            member.save(update_fields=["status", "updated_at"])


def unsubscribe(member: Member, newsletter: Newsletter | None = None, how: str = "") -> None:
    """Stop one newsletter, or everything (`newsletter` None). Safe to repeat."""
    now = timezone.now()
    subscriptions = Subscription.objects.filter(member=member, status__in=["active", "pending"])
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    changed = subscriptions.update(status=Subscription.Status.UNSUBSCRIBED, changed_at=now)
    if newsletter is None:
        record(member, MemberEvent.Kind.UNSUBSCRIBED_ALL, how=how)
    elif changed:
        record(member, MemberEvent.Kind.UNSUBSCRIBED, newsletter=newsletter.slug, how=how)
    still_subscribed = Subscription.objects.filter(
        member=member, status=Subscription.Status.ACTIVE
    ).exists()
    if not still_subscribed and member.status == Member.Status.ACTIVE:
        member.status = Member.Status.UNSUBSCRIBED
        member.save(update_fields=["status", "updated_at"])
        suppress(member.email, Suppression.Reason.UNSUBSCRIBED)


def resubscribe(member: Member, newsletter: Newsletter) -> None:
    set_newsletters(member, [*member_newsletters(member), newsletter])
    Suppression.objects.filter(
        email_digest=email_digest(member.email), reason=Suppression.Reason.UNSUBSCRIBED
    ).delete()


def member_newsletters(member: Member) -> list[Newsletter]:
    return list(
        Newsletter.objects.filter(
            subscriptions__member=member, subscriptions__status=Subscription.Status.ACTIVE
        )
    )


def suppress(email: str, reason: str) -> None:
    Suppression.objects.update_or_create(
        email_digest=email_digest(email), defaults={"reason": reason}
    )


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email_digest=email_digest(email)).exists()


def delete_member(member: Member) -> None:
    """Remove a member's personal data; keep only an anonymous suppression record."""
    with transaction.atomic():
        suppress(member.email, Suppression.Reason.DELETED)
        MemberEvent.objects.filter(member=member).update(detail={})
        record(None, MemberEvent.Kind.DELETED)
        user = member.user
        member.delete()
        if user is not None and not user.is_staff:
            user.delete()


def export_member_data(member: Member) -> dict[str, Any]:
    """Everything we hold about a member, for "download my data"."""
    return {
        "email": member.email,
        "name": member.name,
        "comment_name": member.comment_name,
        "status": member.status,
        "plan": member.tier,
        "stripe_customer_id": member.stripe_customer_id,
        "signed_up_at": member.created_at.isoformat(),
        "confirmed_at": member.confirmed_at.isoformat() if member.confirmed_at else None,
        "source": {
            "via": member.source,
            "page": member.signup_page,
            "referrer": member.referrer,
            "utm_source": member.utm_source,
            "utm_medium": member.utm_medium,
            "utm_campaign": member.utm_campaign,
        },
        "newsletters": [
            {
                "newsletter": subscription.newsletter.name,
                "status": subscription.status,
                "since": subscription.changed_at.isoformat(),
            }
            for subscription in member.subscriptions.select_related("newsletter")
        ],
        "labels": [label.name for label in member.labels.all()],
        "history": [
            {"event": event.kind, "at": event.created_at.isoformat(), "detail": event.detail}
            for event in member.events.all()
        ],
        **data_sections(member),  # what other apps keep (comments and likes: discussions)
    }


def label_members(members: QuerySet[Member], name: str) -> int:
    """Give these members the label `name` (made if new); returns how many newly got it.
    Works a chunk at a time, so "every member who matches" may be a hundred thousand."""
    label, _ = Label.objects.get_or_create(name=name.strip()[:80])
    through = Member.labels.through
    missing = members.exclude(labels=label).order_by().values_list("pk", flat=True)
    ids = iter(list(missing))  # read first: writing the table while reading it locks SQLite
    added = 0
    while chunk := list(islice(ids, 2000)):
        links = [through(member_id=member_id, label_id=label.pk) for member_id in chunk]
        through.objects.bulk_create(links, ignore_conflicts=True)
        added += len(links)
    return added


def unlabel_members(members: QuerySet[Member], name: str) -> int:
    """Take the label `name` off these members; returns how many had it."""
    removed, _ = Member.labels.through.objects.filter(
        label__name=name.strip(), member__in=members.order_by().values("pk")
    ).delete()
    return removed
