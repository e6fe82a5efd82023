"""Extension points that members owns: who pays (the entitlement rule) and the places in readers'
pages where another app offers paid plans. Other apps register into them from their
`AppConfig.ready()`; members never imports them.

Slots of members' templates, rendered with `{% slot "name" %}` (renderers get the page's context):
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet

from atlas.lib.hooks import ExtensionPoint, declare_slot, register_slot
from atlas.members.models import Member
from atlas.publishing.models import Post

__all__ = [
    "DataSection",
    "EntitlementRule",
    "Plan",
    "data_sections",
    "entitlement",
    "full_text_readers",
    "may_read",
    "plan_of",
    "register_data_section",
    "register_entitlement",
    "register_sender",
    "register_slot",
    "system_sender",
]

declare_slot(
    "account",
    "On the reader's account page (`members/account.html`), after the welcome line: e.g. the "
    "paid plan and a way to manage it. Context: `member`, `request`.",
)
declare_slot(
    "paywall_offer",
    "Inside the paywall (`members/paywall.html`) of a post for paying members: the paid plans "
    "that open it. When nothing renders, the paywall says paid plans are not offered yet. "
    "Context: the article's (`post`, `request`, `publication`).",
)
declare_slot(
    "subscribe_offer",
    "On `/subscribe/` (`members/subscribe.html`), before the free sign-up form: the paid plans. "
    "Context: `request`, `publication`.",
)


@dataclass(frozen=True)
class Plan:
    """What a member holds. `paying`: they read posts for paying members; `tiers`: the slugs of
    the paid tiers they hold (empty for a paid plan that names no tier); `name`: how to show
    it ("Free", "Complimentary", a tier's name)."""

    paying: bool
    name: str
    tiers: frozenset[str] = field(default_factory=frozenset)


class EntitlementRule(Protocol):
    """The one rule for "is this member paying, and for what" (billing registers it)."""

    def plan(self, member: Member) -> Plan:
        """The member's plan now."""
        ...

    def may_read(self, member: Member, post: Post) -> bool:
        """May this confirmed member read `post`, a post for paying members, in full?"""
        ...

    def full_text_readers(self, post: Post, member_ids: Collection[int]) -> set[int]:
        """Of `member_ids`, who gets `post` (for paying members) in full by email (one query)."""
        ...

    def paying_for(self, tier_ids: Collection[int]) -> QuerySet[Any, int]:
        """The ids of the members paying now for one of the tiers `tier_ids` (a subquery that
        a send's list of recipients is narrowed by)."""
        ...


class StoredTier:
    """The rule until an app that takes payments registers one: the plan staff set by hand
    (`Member.tier`)."""

    def plan(self, member: Member) -> Plan:
        return Plan(paying=member.is_paid, name=member.get_tier_display())

    def may_read(self, member: Member, post: Post) -> bool:
        return member.is_paid

    def full_text_readers(self, post: Post, member_ids: Collection[int]) -> set[int]:
        return set(
            Member.objects.filter(pk__in=list(member_ids))
            .exclude(tier=Member.Tier.FREE)
            .values_list("pk", flat=True)
        )

    def paying_for(self, tier_ids: Collection[int]) -> QuerySet[Any, int]:
        return Member.objects.none().values_list("pk", flat=True)  # no tiers without billing


entitlement_rules: ExtensionPoint[EntitlementRule] = ExtensionPoint(
    "members.entitlement",
    """The one rule for who is paying and which paid tiers they hold (an `EntitlementRule`;
    billing registers it). Members' read policy, the account page and delivery ask it through
    `plan_of()`, `may_read()` and `full_text_readers()`; `Member.tier` is the stored summary the
    rule's owner keeps current for lists and filters.""",
    single=True,
    default=StoredTier(),
)


def register_entitlement(rule: EntitlementRule) -> EntitlementRule:
    return entitlement_rules.register(rule, caller_depth=2)


def entitlement() -> EntitlementRule:
    return entitlement_rules.one()


def plan_of(member: Member) -> Plan:
    return entitlement().plan(member)


def may_read(member: Member, post: Post) -> bool:
    return entitlement().may_read(member, post)


def full_text_readers(post: Post, member_ids: Collection[int]) -> set[int]:
    return entitlement().full_text_readers(post, member_ids)


def paying_for(tier_ids: Collection[int]) -> QuerySet[Any, int]:
    return entitlement().paying_for(tier_ids)


def _default_sender() -> str:
    return str(settings.DEFAULT_FROM_EMAIL)


sender_point: ExtensionPoint[Callable[[], str]] = ExtensionPoint(
    "members.sender",
    """Who the site's own emails come from (sign-in links, confirmations, reply notifications:
    members' outbox): a callable returning the From header, asked at each sending. Delivery
    registers the sender staff set in Settings > Delivery; without it, DEFAULT_FROM_EMAIL.""",
    single=True,
    default=_default_sender,
)


def register_sender(sender: Callable[[], str]) -> Callable[[], str]:
    return sender_point.register(sender, caller_depth=2)


def system_sender() -> str:
    """The From header of the site's own emails now."""
    return sender_point.one()()


DataSection = Callable[[Member], Any]

data_section_point: ExtensionPoint[DataSection] = ExtensionPoint(
    "members.data_sections",
    """More of what a member's data download ("Download your data" on the account page) holds:
    what other apps keep about the member. Registered under a key (the section's name in the
    JSON, e.g. "comments"), a callable that takes the member and returns JSON-ready data.""",
)


def register_data_section(name: str, section: DataSection) -> DataSection:
    return data_section_point.register(section, key=name, caller_depth=2)


def data_sections(member: Member) -> dict[str, Any]:
    return {
        registration.key: registration.item(member)
        for registration in data_section_point.registrations()
    }
