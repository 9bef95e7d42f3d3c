"""`{% two_wallets "W4" %}`: a worked example's two-wallets picture, for pages outside the simulator
(the home page). The same partial as the simulator's results and the lesson cards."""

from __future__ import annotations

from functools import lru_cache

from django import template

from core.concepts import preset_url
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
