"""The extension registry: slots render what apps registered, in order, escaped unless safe;
unknown names fail loudly; single points hold one item."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils.html import format_html

from atlas.lib import hooks
from atlas.lib.hooks import ExtensionPoint, HookError
from atlas.publishing.hooks import can_read, read_policy


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_slot_renders_its_renderers_in_order_and_escapes_plain_strings() -> None:
    hooks.declare_slot("test_slot", "A slot for this test.")
    try:
        late = hooks.register_slot("test_slot", lambda context: "<b>plain</b>", order=200)
        early = hooks.register_slot(
            "test_slot", lambda context: format_html("<i>{}</i>", context["who"]), order=10
        )
        assert render('{% slot "test_slot" %}', who="Zoë") == "<i>Zoë</i>&lt;b&gt;plain&lt;/b&gt;"
    finally:
        hooks.slots.unregister(late, key="test_slot")
        hooks.slots.unregister(early, key="test_slot")
        assert hooks.slots.keys is not None
        del hooks.slots.keys["test_slot"]


def test_an_undeclared_slot_fails_loudly() -> None:
    with pytest.raises(HookError, match="no_such_slot"):
        render('{% slot "no_such_slot" %}')
    with pytest.raises(HookError, match="no_such_slot"):
        hooks.register_slot("no_such_slot", lambda context: "")


def test_registrations_remember_who_made_them() -> None:
    registered_by = {each.registered_by for each in hooks.slots.registrations()}
    assert {"atlas.members.apps", "atlas.discussions.apps", "atlas.sponsors.apps"} <= registered_by


def test_the_read_policy_is_the_one_members_registered() -> None:
    assert read_policy.one().__module__ == "atlas.members.policy"
    assert can_read.__module__ == "atlas.publishing.hooks"
    with pytest.raises(HookError, match="already holds"):
        read_policy.register(lambda request, post: True)


def test_a_point_name_is_declared_once() -> None:
    with pytest.raises(HookError, match="declared twice"):
        ExtensionPoint("slots", "again")
