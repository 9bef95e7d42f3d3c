"""`{% two_wallets "W4" %}`: a worked example's two-wallets picture, for pages outside the simulator
(the home page). The same partial as the simulator's results and the lesson cards.
`{% result_figures result %}`: the simulator's results of a computed setup."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.links import preset_url, reversed_url
from simulator.forms import Setup
from simulator.presets import PRESETS
from simulator.results import PositionView, SimulationResult
from simulator.wallets import Picture

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
def result_figures(context: template.Context, result: SimulationResult) -> SafeString:
    """The results of a computed setup: each mode's sentence, the two wallets, the summary, the
    phone's pinned bar, the isolated and cross boxes, each position's card and the account line.
    Written here rather than by template loops and includes: it is the whole of the partial that
    answers every slider move (its variable nodes, loops and includes were a third of the
    recalculation, cProfile, issue 20). Every value is escaped with ``html.escape``, which is
    what Django's ``escape`` does; the SVGs were escaped where they were built."""
    picture = result.picture
    assert picture is not None  # simulate always draws it
    sentences = "".join(
        f'<p class="sim-sentence {m.name[:3]}{" has-closed" if m.closed else ""}">'
        f"{_e(m.sentence)}</p>"
        for m in picture.modes
    )
    pinned = "".join(
        f'<div class="sim-pinned-mode {m.name[:3]}"><span>{_e(m.pinned)}</span>{m.svg}</div>'
        for m in picture.modes
    )
    boxes = "".join(
        f'\n<div class="col-6"><div class="sim-mode {m.name[:3]}">\n<h3 class="h6">{_e(m.label)}'
        f"{AS_SET_UP if m.configured else ''}</h3>\n"
        f'<p class="sim-verdict {"liq" if m.liquidated else "ok"}">{_e(m.verdict)}</p>\n'
        f"<dl><dt>Equity after</dt><dd>{_e(m.equity_after)}</dd><dt>At risk at most</dt>"
        f"<dd>{_e(m.max_loss)}</dd></dl>\n</div></div>"
        for m in result.modes
    )
    insurance = f"; {_e(result.insurance_fund)}" if result.insurance_fund else ""
    return mark_safe(  # noqa: S308 - every value in it was escaped
        f'<div class="sim-verdicts">{sentences}</div>\n'
        f"{wallet_picture(context, picture)}\n\n"
        f'<p class="sim-summary"><strong>As you set it up{" (mixed modes)" if result.mixed else ""}'
        f":</strong> {_e(result.summary)}</p>\n"
        f'<div class="sim-pinned" aria-hidden="true">{pinned}</div>\n'
        f'<div class="row g-2 sim-compare">{boxes}</div>\n'
        f"{POSITIONS_HEADING}\n"
        f'<div class="sim-pos-list" data-explain-url="{_e(reversed_url("simulator:details"))}">'
        f"{position_cards(context, result.positions)}</div>\n\n"
        f'<p class="mb-1 small">Account equity <strong>{_e(result.equity)}</strong> · available '
        f"{_e(result.available_balance)} · margin ratio {_e(result.margin_ratio)}{insurance}</p>"
    )


AS_SET_UP = ' <small class="badge text-bg-secondary">as set up</small>'
POSITIONS_HEADING = (
    '<h3 class="h6 mt-2 mb-1">Each position as you set it up <small class="fw-normal '
    'text-body-secondary">(PnL at the moved prices)</small></h3>'
)


# The figures each position's card shows: (field of PositionView, element id, term, what Explain
# says it explains), plain words written as they are; the last two have no Explain.
POSITION_FIGURES = (
    ("initial_margin", "initial_margin", "Margin", "the margin"),
    ("maintenance_margin", "maintenance_margin", "Maintenance margin", "the maintenance margin"),
    ("liquidation_price", "liquidation_price", "Liquidation price", "the liquidation price"),
    ("bankruptcy_price", "bankruptcy_price", "Bankruptcy price", "the bankruptcy price"),
    (
        "distance",
        "distance_to_liquidation",
        "Distance to liquidation",
        "the distance to liquidation",
    ),
)


def position_cards(context: template.Context, positions: list[PositionView]) -> SafeString:
    """Each position's card in the results: its heading, its five figures with their "Explain"
    disclosures, the price after the moves and the PnL there."""
    cards = []
    for p in positions:
        pid = _e(p.id)
        state = (
            f'<span class="liq">Liquidated: lost {_e(p.loss)}</span>'
            if p.liquidated
            else '<span class="ok">Open</span>'
        )
        figures = "".join(
            f'<div class="sim-fig"><dt>{term}</dt><dd><span class="sim-fig-value"'
            f' id="fig-{pid}-{figure}">{_e(getattr(p, name))}</span>'
            f"{_explain(context, p.id, pid, figure, what)}</dd></div>\n"
            for name, figure, term, what in POSITION_FIGURES
        )
        cards.append(
            f'\n<article class="sim-pos" aria-labelledby="pos-{pid}-heading">\n'
            f'<h4 class="h6 mb-1" id="pos-{pid}-heading">{pid} · {_e(p.base)} {_e(p.side)}, '
            f"{_e(p.margin_mode)} · {state}</h4>\n"
            f'<dl class="sim-pos-figures mb-0">\n{figures}'
            f'<div class="sim-fig"><dt>Price now</dt><dd>{_e(p.mark_price)}</dd></div>\n'
            f'<div class="sim-fig"><dt>PnL at that price</dt><dd>{_e(p.unrealized_pnl)}</dd>'
            "</div>\n"
            "</dl>\n</article>"
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value in it was escaped


def _e(value: object) -> str:
    return escape(str(value))


def _explain(context: template.Context, position_id: str, pid: str, figure: str, what: str) -> str:
    """The "Explain" disclosure beside one figure (``pid``: the position's id, escaped; the
    figure's name and words are the plain constants above). Its body loads when opened
    (static/js/simulator.js); without JavaScript its button asks for the page with it filled in,
    and that page passes the explanation (``explained`` / ``explanation`` in the context)."""
    key = f"{pid}-{figure}"
    if context.get("explained") == f"{position_id}-{figure}" and context.get("explanation"):
        body: str = render_to_string(
            "simulator/_explanation.html", {"item": context["explanation"]}
        )
        opened = " open"
    else:
        body = (
            f'<button type="submit" form="simulator-form" name="run" value="explain-{key}"'
            ' class="btn btn-link btn-sm p-0">Show the working</button>'
        )
        opened = ""
    return (
        f'<details class="sim-x" id="x-{key}"{opened}><summary>Explain'
        f'<span class="visually-hidden"> {what} of {pid}</span>'
        f'</summary><div class="sim-x-body" data-figure="{key}">{body}</div></details>'
    )


WALLETS_KEY = (
    '<span aria-hidden="true"><span class="key envelope"></span> isolated envelope '
    '<span class="key free"></span> free balance <span class="key pool"></span> cross pool '
    '<span class="key lost"></span> lost <span class="key closed"></span> closed by liquidation'
    "</span>"
)
RULERS_KEY = (
    'Price rulers: <span class="dot" aria-hidden="true"></span> liquidation, '
    '<span class="dot hollow" aria-hidden="true"></span> bankruptcy, '
    '<span class="now-key" aria-hidden="true"></span> the price after your move, dashed: the '
    "entry."
)


@register.simple_tag(takes_context=True)
def wallet_picture(context: template.Context, picture: Picture) -> SafeString:
    """The two wallets (and, unless ``no_rulers``, the price rulers) with their captions, ids
    from ``picture_id`` (default ``sim-picture``). Written here for the same reason as the
    position cards: it is in every recalculation."""
    pid = _e(context.get("picture_id") or "sim-picture")
    wallets = "".join(
        f'<div class="sim-wallet-row {m.name[:3]}"><p class="sim-wallet-head mb-0">'
        f"<strong>{_e(m.label)}</strong> · {_e(m.headline)}</p>{m.svg}</div>\n    "
        for m in picture.modes
    )
    html = (
        f'<figure class="sim-picture mb-2" aria-labelledby="{pid}-caption">\n'
        f'  <div class="sim-wallets">\n    {wallets}\n  </div>\n'
        f'  <figcaption id="{pid}-caption" class="sim-picture-key small">'
        f'<span class="visually-hidden">{_e(picture.caption)} </span>{WALLETS_KEY}</figcaption>\n'
        "</figure>\n"
    )
    if not context.get("no_rulers"):
        rulers = "".join(
            f'<div class="sim-ruler"><p class="sim-ruler-title mb-0">{_e(r.title)}</p>{r.svg}'
            f'<ul class="sim-ruler-key list-unstyled mb-0"><li class="iso">{_e(r.isolated)}</li>'
            f'<li class="cro">{_e(r.cross)}</li></ul></div>\n    '
            for r in picture.rulers
        )
        html += (
            f'<figure class="sim-rulers-figure mb-2" aria-labelledby="{pid}-rulers-caption">\n'
            f'  <div class="sim-rulers">\n    {rulers}\n  </div>\n'
            f'  <figcaption id="{pid}-rulers-caption" class="sim-picture-key small">'
            f"{RULERS_KEY}</figcaption>\n</figure>"
        )
    return mark_safe(html)  # noqa: S308 - every value in it was escaped (the SVGs where built)
