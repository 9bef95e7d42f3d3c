"""`{% remembered_url "simulator:details" %}`: ``{% url %}`` through ``core.links.reversed_url``,
for the simulator's templates, which name a dozen fixed URLs on every page (each ``reverse`` goes
through the resolver and the active language)."""

from __future__ import annotations

from django import template

from core.links import reversed_url

register = template.Library()


@register.simple_tag
def remembered_url(viewname: str, *args: str) -> str:
    return reversed_url(viewname, *args)
