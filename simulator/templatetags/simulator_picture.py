"""`{% two_wallets "W4" %}`: a worked example's two-wallets picture, for pages outside the simulator
(the home page). The same partial as the simulator's results and the lesson cards."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.links import preset_url
from simulator.forms import Setup
from simulator.presets import PRESETS

register = template.Library()


@lru_cache(maxsize=16)
def preset_result(preset_id: str):
    """A preset's results: presets are constants and the engine is deterministic, so one
    computation per process serves every page view."""
    from simulator.views import calculate  # the views import this module's app; import late

    preset = PRESETS.get(preset_id)
    return None if preset is None else calculate(Setup(preset.form_data()))


@register.inclusion_tag("simulator/_two_wallets.html")
def two_wallets(preset_id: str, compare_with: str = "") -> dict:
    preset = PRESETS[preset_id]
    other = PRESETS.get(compare_with)
    return {
        "preset": preset,
        "other": other,
        "result": preset_result(preset_id),
        "url": preset_url(preset_id),
        "other_url": preset_url(other.id) if other else "",
        "picture_id": f"picture-{preset_id}",
    }


@register.simple_tag(takes_context=True)
def explain_figure(
    context: template.Context, position_id: str, figure: str, what: str
) -> SafeString:
    """The "Explain" disclosure beside one figure. Built here, not by an include per figure: it
    rides on every recalculation, ten times for two positions. Its body loads when opened
    (static/js/simulator.js); without JavaScript its button asks for the page with it filled in,
    and that page passes the explanation (``explained`` / ``explanation`` in the context)."""
    key = f"{position_id}-{figure}"
    if context.get("explained") == key and context.get("explanation"):
        body = render_to_string("simulator/_explanation.html", {"item": context["explanation"]})
        opened = " open"
    else:
        # format_html, not f-strings with html.escape: writing it by hand saved under 5% of a
        # new setup (benchmarks/shortcuts_bench.py, README "Shortcuts"), too little to keep.
        body = format_html(
            '<button type="submit" form="simulator-form" name="run" value="explain-{}"'
            ' class="btn btn-link btn-sm p-0">Show the working</button>',
            key,
        )
        opened = ""
    return format_html(
        '<details class="sim-x" id="x-{}"{}><summary>Explain'
        '<span class="visually-hidden"> {} of {}</span>'
        '</summary><div class="sim-x-body" data-figure="{}">{}</div></details>',
        key,
        opened,
        what,
        position_id,
        key,
        body,
    )
