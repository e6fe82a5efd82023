"""`{% slot "name" %}`: renders what apps registered for a slot (see `atlas.lib.hooks`).

A built-in template library (settings.TEMPLATES), so every template can use it without `{% load %}`.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from atlas.lib.hooks import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str) -> SafeString:
    return render_slot(name, context)
