"""Concepts as learners read them: `{{ ids|concept_names }}` ("Isolated margin"), and the small
renderers of the per-concept lists that pages print for every one of the course's concepts.

A list of every concept in template language resolves hundreds of variables a request (the
mastery levels alone were about half the learn index's template time, cProfile, issue 20), so
the rows are written here with `format_html`; the templates still lay out the page around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from core.concepts import CONCEPTS
from core.display import display
from core.links import concept_lesson_url

if TYPE_CHECKING:  # core does not import the apps built on it
    from accounts.progress import MasteryRow
    from quiz.mastery import LearnerMastery

register = template.Library()


@register.filter(name="concept_names")
def concept_names(ids: Iterable[str]) -> str:
    """The names of the known concepts among `ids`, in order; an unknown id is left out rather
    than shown raw (learners never see the ids)."""
    return ", ".join(CONCEPTS[concept_id].title for concept_id in ids if concept_id in CONCEPTS)


REVIEW_DUE_BADGE = '<span class="badge text-bg-warning">review due</span>'


@lru_cache(maxsize=8)
def _concept_links(urlconf: str | None, prefix: str) -> dict[str, str]:
    """Every concept's link to its lesson, escaped: the same on every page under one URLconf
    and script prefix, so it is built once per process for them."""
    return {
        concept_id: format_html(
            '<a href="{}">{}</a>', concept_lesson_url(concept_id), concept.title
        )
        for concept_id, concept in CONCEPTS.items()
    }


@register.simple_tag
def mastery_level_items(mastery: LearnerMastery) -> SafeString:
    """The `<li>` of every concept's level: its lesson, a "review due" badge, its level. Only
    the escaped links and the levels' own constant classes and labels go into the markup."""
    links = _concept_links(get_urlconf(), get_script_prefix())
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


@register.simple_tag
def mastery_chart_bars(chart: dict[str, Any]) -> SafeString:
    """The mastery chart's bars (accounts.progress.mastery_chart): one `<g>` per concept with
    its tooltip, its bar (a 2 px stub for a tried concept at 0 %) and its slanted name.
    Coordinates are plain digits; a learner's figures go through core.display."""
    width, baseline, label_y = chart["bar_width"], chart["baseline"], chart["label_y"]
    rotate = f"rotate({chart['label_angle']} {{}} {label_y})"
    groups = []
    for bar in chart["bars"]:
        mastery = bar.row.mastery
        title = escape(mastery.title)
        if mastery.answered:
            tooltip = f"{title}: {display(mastery.percent, 'count')}% ({mastery.level})"
        else:
            tooltip = f"{title}: not tried yet"
        if bar.height:
            rect = f'<rect x="{bar.x}" y="{bar.y}" width="{width}" height="{bar.height}" rx="2"/>'
        elif mastery.answered:
            rect = f'<rect x="{bar.x}" y="{baseline - 2}" width="{width}" height="2"/>'
        else:
            rect = ""
        groups.append(
            f'<g class="bar level-{slugify(mastery.level)}"><title>{tooltip}</title>{rect}'
            f'<text x="{bar.label_x}" y="{label_y}" transform="{rotate.format(bar.label_x)}" '
            f'text-anchor="end" dominant-baseline="middle" class="label">{title}</text></g>'
        )
    return mark_safe("\n".join(groups))  # escaped names, digits and constant markup only


@register.simple_tag
def mastery_table_rows(rows: Iterable[MasteryRow]) -> SafeString:
    """The mastery table's rows: each concept's lesson, its mastery, its answers and predictions."""
    links = _concept_links(get_urlconf(), get_script_prefix())
    return mark_safe(  # escaped links, figures from core.display and constant markup only
        "\n".join(
            f'<tr><th scope="row" class="fw-normal">{links[row.mastery.concept_id]}</th><td>'
            + (
                f"{display(row.mastery.percent, 'count')}% · {row.mastery.level}"
                if row.mastery.answered
                else '<span class="text-body-secondary">not tried yet</span>'
            )
            + f"</td><td>{display(row.answers, 'count')}</td>"
            f"<td>{display(row.predictions, 'count')}</td></tr>"
            for row in rows
        )
    )
