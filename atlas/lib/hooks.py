"""Extension points: the one way for an app to add to another.

The owner of a place declares an `ExtensionPoint` in its own `hooks.py`, with a docstring that
says what may be registered and how it is used. Other apps register into it from their
`AppConfig.ready()` (`apps.py`), through the owner's `register_<point>()` functions, so that
`grep -rn "register_" atlas/*/apps.py` answers "who adds what", and `atlas hooks` prints it. The
owner asks its point for what was registered; it never imports the apps that fill it.

Page slots are one kind of point: an owner declares a slot's name with `declare_slot()`, apps fill
it with `register_slot()`, and a template renders it with `{% slot "name" %}` (a built-in tag,
see `atlas.lib.slot_tags`). Nothing depends on the order of `INSTALLED_APPS`. A renderer
registered `same_for` "visitor", "page" or "site" is rendered once per content version for
what it depends on (`atlas.lib.fragments`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from atlas.lib import fragments

T = TypeVar("T")


class HookError(LookupError):
    """A registration that does not fit its point: an unknown key, a second single item."""


@dataclass(frozen=True)
class Registration(Generic[T]):
    """One item registered into a point, and the module that registered it."""

    item: T
    key: str
    order: int
    registered_by: str


class ExtensionPoint(Generic[T]):
    """A named place that other apps fill.

    `keys`, when given, is the closed set of keys items may be registered under (slot names, email
    positions); `single` points hold at most one item per key (a policy), falling back to `default`.
    """

    def __init__(
        self,
        name: str,
        doc: str,
        *,
        keys: dict[str, str] | None = None,
        single: bool = False,
        default: T | None = None,
    ) -> None:
        if name in _POINTS:
            raise HookError(f"The extension point {name!r} is declared twice.")
        self.name = name
        self.doc = doc
        self.keys = keys
        self.single = single
        self.default = default
        self._registrations: list[Registration[T]] = []
        self._by_key: dict[str, tuple[T, ...]] = {}
        _POINTS[name] = self

    def declare_key(self, key: str, doc: str) -> None:
        """Open a new key (a slot name) on a keyed point."""
        if self.keys is None:
            raise HookError(f"{self.name} takes no keys.")
        if key in self.keys:
            raise HookError(f"{self.name}: {key!r} is declared twice.")
        self.keys[key] = doc

    def register(self, item: T, *, key: str = "", order: int = 100, caller_depth: int = 1) -> T:
        if self.keys is not None and key not in self.keys:
            known = ", ".join(sorted(self.keys)) or "none"
            raise HookError(f"{self.name} has no {key!r} (declared: {known}).")
        if self.single and any(each.key == key for each in self._registrations):
            holder = next(each for each in self._registrations if each.key == key)
            raise HookError(f"{self.name} already holds an item from {holder.registered_by}.")
        module = sys._getframe(caller_depth).f_globals.get("__name__", "?")
        self._registrations.append(Registration(item, key, order, module))
        self._by_key.clear()
        return item

    def unregister(self, item: T, *, key: str = "") -> None:
        """Remove one item (tests that register their own use this to clean up)."""
        self._registrations = [
            each for each in self._registrations if not (each.item is item and each.key == key)
        ]
        self._by_key.clear()

    def items(self, key: str = "") -> tuple[T, ...]:
        """What was registered under `key`, in `order` (then registration order)."""
        found = self._by_key.get(key)
        if found is None:
            ordered = sorted(
                (each for each in self._registrations if each.key == key),
                key=lambda each: each.order,
            )
            found = self._by_key[key] = tuple(each.item for each in ordered)
        return found

    def one(self, key: str = "") -> T:
        """The single item of a single point, or its default."""
        found = self.items(key)
        if found:
            return found[0]
        if self.default is None:
            raise HookError(f"Nothing is registered at {self.name} ({key!r}), and no default.")
        return self.default

    def registrations(self) -> list[Registration[T]]:
        return list(self._registrations)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())


_POINTS: dict[str, ExtensionPoint[Any]] = {}


def points() -> list[ExtensionPoint[Any]]:
    """Every declared point, for `atlas hooks` and the tests."""
    return sorted(_POINTS.values(), key=lambda point: point.name)


# Page slots ---------------------------------------------------------------------------------

SlotRenderer = Callable[[Context], str]

slots: ExtensionPoint[SlotRenderer] = ExtensionPoint(
    "slots",
    """Places in a page that other apps fill. The owner of a template declares each slot
    (`declare_slot`), apps register renderers (`register_slot`), and `{% slot "name" %}` renders
    them in order. A renderer takes the template context and returns HTML (a SafeString; anything
    else is escaped).""",
    keys={},
)


def declare_slot(name: str, doc: str) -> None:
    slots.declare_key(name, doc)


def register_slot(
    name: str,
    renderer: SlotRenderer,
    *,
    order: int = 100,
    same_for: str = "reader",
    varies_by: Callable[[Context], Hashable] | None = None,
) -> SlotRenderer:
    """`same_for` says what the renderer's HTML depends on, so that it is rendered no more often
    than needed (kept as `atlas.lib.fragments`, per content version, on pages whose context
    names a `fragment_key`):

    - "reader" (the default): rendered every time, for whoever reads;
    - "visitor": the same for every reader who is not signed in, on one page and query string
      (rendered every time for the signed in);
    - "page": the same for every reader of one page;
    - "site": the same on every page.

    With `varies_by` ("page" or "site" only), the HTML is the same for every reader for whom
    `varies_by(context)` gives an equal value (say, whether they pay, and the hour): it is kept
    per value, and worked out for each request (never drawn into a page's frame).
    """
    if same_for not in SAME_FOR:
        raise HookError(f"same_for is one of {', '.join(SAME_FOR)}, not {same_for!r}.")
    if varies_by is not None and same_for not in ("page", "site"):
        raise HookError('varies_by goes with same_for "page" or "site".')
    if same_for != "reader":
        renderer = _kept_per(same_for, name, renderer, varies_by)
    return slots.register(renderer, key=name, order=order, caller_depth=2)


SAME_FOR = ("reader", "visitor", "page", "site")


def same_for_every_reader(name: str) -> bool:
    """Whether every renderer of slot `name` is `same_for` "page" or "site" (and it has one)."""
    renderers = slots.items(name)
    return bool(renderers) and all(
        getattr(render, "same_for", "reader") in ("page", "site")
        and getattr(render, "varies_by", None) is None
        for render in renderers
    )


def _kept_per(
    same_for: str,
    slot_name: str,
    renderer: SlotRenderer,
    varies_by: Callable[[Context], Hashable] | None = None,
) -> SlotRenderer:
    def kept(context: Context) -> str:
        key = _fragment_key(same_for, context)
        if key is None:
            return renderer(context)
        variant = () if varies_by is None else (varies_by(context),)
        key = ("slot", slot_name, id(renderer), *key, *variant)
        return fragments.fragment(key, lambda: conditional_escape(renderer(context)))

    kept.__name__ = kept.__qualname__ = getattr(renderer, "__name__", repr(renderer))
    kept.__wrapped__ = renderer  # type: ignore[attr-defined]
    kept.same_for = same_for  # type: ignore[attr-defined]
    kept.varies_by = varies_by  # type: ignore[attr-defined]
    return kept


def _fragment_key(same_for: str, context: Context) -> tuple[Any, ...] | None:
    """What a kept slot's HTML is kept under on this page, or None: rendered every time."""
    if same_for == "site":
        return ()
    page = context.get("fragment_key")
    if page is None:  # a page that is not the same for every reader (a preview)
        return None
    if same_for == "page":
        return tuple(page)
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or user.is_authenticated:
        return None
    return ("visitor", *page, request.META.get("QUERY_STRING", ""))


def render_slot(name: str, context: Context) -> SafeString:
    renderers = slots.items(name)
    if not renderers and name not in (slots.keys or {}):
        raise HookError(f"No slot named {name!r} is declared.")
    return mark_safe("".join(conditional_escape(render(context)) for render in renderers))


def include(template_name: str) -> SlotRenderer:
    """A renderer that renders a template with the page's own context (like `{% include %}`)."""

    def render(context: Context) -> str:
        template = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
        return template.render(context)

    render.__name__ = render.__qualname__ = f"include({template_name!r})"
    return render
