"""`{% mastery_level_items mastery %}`: the `<li>` of every concept's mastery level.

A list of every concept in template language resolves hundreds of variables a request (the
mastery levels alone were about half the learn index's template time, cProfile, issue 20), so
the rows are written here; the templates still lay out the page around them.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.links import concept_lesson_links
from quiz.mastery import LearnerMastery

register = template.Library()

REVIEW_DUE_BADGE = '<span class="badge text-bg-warning">review due</span>'


@register.simple_tag
def mastery_level_items(mastery: LearnerMastery) -> SafeString:
    """The `<li>` of every concept's level: its lesson, a "review due" badge, its level. Only
    the escaped links and the levels' own constant classes and labels go into the markup."""
    links = concept_lesson_links()
    due = {state.concept_id for state in mastery.due}
    return mark_safe(  # escaped links and constant markup only
        "\n".join(
            f'<li class="d-flex justify-content-between gap-2 border-bottom py-1 '
            f'{state.level.css_class}">{links[state.concept_id]} <span class="text-nowrap">'
            f"{REVIEW_DUE_BADGE if state.concept_id in due else ''} "
            f'<span class="badge {state.level.badge_class}">{state.label.capitalize()}</span>'
            "</span></li>"
            for state in mastery.levels
        )
    )
