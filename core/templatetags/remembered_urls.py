"""`{% remembered_url "simulator:details" %}`: ``{% url %}`` through ``core.links.reversed_url``,
for the templates every page renders (the site's navigation, the lesson page, the practice items)
and the calculators' and the simulator's, which name a dozen or more URLs on every page (each
``reverse`` goes through the resolver and the active language: an eighth of a calculator page and
a tenth of a lesson, cProfile, issue 20)."""

from __future__ import annotations

from django import template

from core.links import reversed_url

register = template.Library()


@register.simple_tag
def remembered_url(viewname: str, *args: str) -> str:
    return reversed_url(viewname, *args)
