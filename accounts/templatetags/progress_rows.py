"""The progress page's per-concept rows: the mastery chart's bars and the mastery table.

A list of every concept in template language resolves hundreds of variables a request (the
mastery levels alone were about half the learn index's template time, cProfile, issue 20), so
the rows are written here; the templates still lay out the page around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from accounts.progress import MasteryRow
from core.display import display
from core.links import concept_lesson_links

register = template.Library()


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
    links = concept_lesson_links()
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
