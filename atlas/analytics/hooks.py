"""Extension points that analytics owns: figures other apps add to a day's rollup.

Analytics counts page views and the events other apps report through `analytics.services`; it
knows no app. Member growth is worked out by the app that keeps members (`members` registers it
from its `AppConfig.ready()`), and the rollup stores it with the day's traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from atlas.lib.hooks import ExtensionPoint


@dataclass(frozen=True)
class MemberGrowth:
    """One day's sign-ups, confirmations and unsubscribes, and per newsletter id the
    subscriptions started and ended."""

    signups: int = 0
    paid_signups: int = 0
    confirmations: int = 0
    unsubscribes: int = 0
    signup_sources: dict[str, int] = field(default_factory=dict)
    newsletters: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def net_growth(self) -> int:
        return self.signups - self.unsubscribes


GrowthOfDay = Callable[[date], MemberGrowth]


def no_members(day: date) -> MemberGrowth:
    """Until an app that keeps members registers: nobody signed up."""
    return MemberGrowth()


member_growth: ExtensionPoint[GrowthOfDay] = ExtensionPoint(
    "analytics.member_growth",
    """How many readers signed up, confirmed and left on a day (members registers it). The daily
    rollup stores it; the Numbers page reads today's live.""",
    single=True,
    default=no_members,
)


def register_member_growth(growth: GrowthOfDay) -> GrowthOfDay:
    return member_growth.register(growth, caller_depth=2)


def growth_on(day: date) -> MemberGrowth:
    return member_growth.one()(day)
