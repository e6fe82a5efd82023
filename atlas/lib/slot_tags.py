"""`{% slot "name" %}`: renders what apps registered for a slot (see `atlas.lib.hooks`).
`{% fragment "name" %}...{% endfragment %}`: a part of a page that is the same for every reader,
rendered once per content version (see `atlas.lib.fragments`).

A built-in template library (settings.TEMPLATES), so every template can use them without
`{% load %}`.
"""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from atlas.lib import fragments
from atlas.lib.frames import FRAMING
from atlas.lib.hooks import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str) -> SafeString:
    framing = context.get(FRAMING)
    if framing is not None:  # a frame is being made: the slot is rendered per request
        return mark_safe(framing.mark(name, context))
    return render_slot(name, context)


class FragmentNode(template.Node):
    def __init__(self, name: str, sitewide: bool, nodelist: NodeList) -> None:
        self.name = name
        self.sitewide = sitewide
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        page = () if self.sitewide else context.get("fragment_key")
        if page is None:  # the page says it is not the same for every reader
            return self.nodelist.render(context)
        return fragments.fragment(
            ("template", self.name, *page), lambda: self.nodelist.render(context)
        )


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    """`{% fragment "name" %}`: kept per page, on pages whose context has a `fragment_key` (the
    view's word that, with it, the enclosed part is the same for every reader), rendered every
    time on the others. `{% fragment "name" sitewide %}`: the same on every page, kept once.
    What is enclosed must not depend on the reader (no `user`, no `csrf_token`, no slot that
    is not `same_for` "page" or "site")."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% fragment "name" [sitewide] %}')
    if len(bits) == 3 and bits[2] != "sitewide":
        raise template.TemplateSyntaxError(f"fragment: unknown option {bits[2]!r}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], len(bits) == 3, nodelist)
