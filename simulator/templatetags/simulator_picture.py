"""`{% two_wallets "W4" %}`: a worked example's two-wallets picture, for pages outside the simulator
(the home page). The same partial as the simulator's results and the lesson cards."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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
    body: str
    if context.get("explained") == key and context.get("explanation"):
        body = render_to_string("simulator/_explanation.html", {"item": context["explanation"]})
        opened = " open"
    else:
        # Written with f-strings and html.escape (what Django's escape does), as the setup
        # form's fields are (tools/form_rendering.py): format_html was a tenth of a new setup.
        body = (
            f'<button type="submit" form="simulator-form" name="run" value="explain-{escape(key)}"'
            ' class="btn btn-link btn-sm p-0">Show the working</button>'
        )
        opened = ""
    return mark_safe(  # noqa: S308 - every value in it was escaped or is the rendered template
        f'<details class="sim-x" id="x-{escape(key)}"{opened}><summary>Explain'
        f'<span class="visually-hidden"> {escape(what)} of {escape(position_id)}</span>'
        f'</summary><div class="sim-x-body" data-figure="{escape(key)}">{body}</div></details>'
    )
