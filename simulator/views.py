"""The simulator pages: a form, the engine, a template.

One setup form posts to ``index``. htmx gets only the results partial (``#simulator-result``) and
the new URL in ``HX-Push-Url``; a plain POST or a GET of a pushed URL renders the whole page with
results, so every state can be shared and works without JavaScript. The heavier regions (charts,
venues, funding, explanations, replays, Monte Carlo) have their own endpoints so the live
recalculation stays small and fast.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, trigger_client_event

from core.concepts import CONCEPTS
from core.display import NO_FIGURE
from core.links import concept_lesson_url, preset_url, reversed_url
from margin import ENGINE_VERSION, VENUES, MarginError, switch_margin_mode
from simulator import details as details_service
from simulator.forms import (
    FORMSET_PREFIX,
    MAX_POSITIONS,
    SLIDER_MAX,
    SLIDER_MIN,
    MonteCarloForm,
    PositionForm,
    PredictionForm,
    ReplayForm,
    Setup,
    next_row,
)
from simulator.predictions import prediction_record
from simulator.presets import PRESETS
from simulator.results import SimulationResult, simulate
from simulator.scenarios import EVENTS

logger = logging.getLogger(__name__)

DEFAULT_SETUP = {
    "wallet_balance": "5000",
    "collateral": "USDT",
    "venue": "binance",
    "taker_fee_rate": "0.05",
    "funding_rate": "0.01",
    "holding_hours": "72",
    "pos-TOTAL_FORMS": "1",
    "pos-INITIAL_FORMS": "0",
    "pos-0-symbol": "BTCUSDT",
    "pos-0-side": "long",
    "pos-0-margin_mode": "isolated",
    "pos-0-entry_price": "68424",
    "pos-0-size_by": "notional",
    "pos-0-size": "10000",
    "pos-0-leverage": "10",
    "shock-BTCUSDT": "-5",
}
ENGINE_FAILED = "The engine could not compute this setup; try less extreme numbers."
UNKNOWN_PRESET = "There is no worked example {name!r}; here is the default setup instead."
SURVIVOR_CHOICES = (
    ("isolated", "Isolated only"),
    ("cross", "Cross only"),
    ("both", "Both"),
    ("neither", "Neither"),
)
MONTE_CARLO_CACHE_SECONDS = 60 * 60


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def _wants_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _setup_data(request):
    """The setup's field values: posted, from a shared URL, a preset, or the default."""
    if request.method == "POST":
        return request.POST, None
    if f"{FORMSET_PREFIX}-TOTAL_FORMS" in request.GET or "wallet_balance" in request.GET:
        return request.GET, None
    name = request.GET.get("preset", "")
    if name:
        if name.upper() in PRESETS:
            return PRESETS[name.upper()].form_data(), None
        return DEFAULT_SETUP, UNKNOWN_PRESET.format(name=name[:12])
    return DEFAULT_SETUP, None


def calculate(setup: Setup):
    """The engine's results for a valid setup, or None with the messages put on the setup."""
    if not setup.is_valid():
        return None
    try:
        return simulate(
            setup.account_spec(),
            venue=setup.venue,
            shocks=setup.shocks(),
            shock_percents=setup.shock_percents(),
        )
    except MarginError as error:
        setup.add_engine_error(error)
    except ArithmeticError:
        # Decimal overflow or the like from an extreme but individually valid combination.
        logger.warning("engine arithmetic error for %s", setup.query_string(), exc_info=True)
        setup.engine_errors.append(ENGINE_FAILED)
    return None


def _result_context(request, setup: Setup, result, **extra) -> dict:
    invalid = result is None and setup.data is not None
    field_errors = setup.field_errors() if invalid else []
    reveal = extra.get("reveal")
    predicting = (
        result is not None and setup.wants_prediction() and (reveal is None or "errors" in reveal)
    )
    context = {
        "setup": setup,
        "result": result,
        "invalid": invalid,
        "field_errors": field_errors,
        "form_errors": setup.form_errors() if invalid else [],
        "predicting": predicting,
        "predict_target": _predict_target(result) if predicting else None,
        "predict_errors": reveal["errors"] if predicting and reveal else {},
        "predicted": setup.data if predicting and reveal else {},
        "survivor_choices": SURVIVOR_CHOICES,
        "htmx": _wants_partial(request),
        "shocks_changed": setup.submitted_shock_symbols() != set(setup.symbols()),
        "announcement": _announcement(result, invalid, field_errors, predicting),
        "max_positions": MAX_POSITIONS,
        "slider_min": SLIDER_MIN,
        "slider_max": SLIDER_MAX,
        "share_url": _share_url(setup),
    }
    context.update(extra)
    return context


def mode_switch_notes(request, setup: Setup, result) -> list[str]:
    """Exchanges refuse to switch the margin mode of a symbol with an open position. The
    simulator lets a learner compare anyway, but says so when a row's mode just changed."""
    current_url = request.htmx.current_url if request.htmx else None
    if result is None or not current_url:
        return []
    previous = _current_query(current_url)
    notes = []
    for index, row in enumerate(setup.cleaned_rows()):
        symbol = row["symbol"]
        mode = row["margin_mode"]
        prefix = f"{FORMSET_PREFIX}-{index}-"
        before = previous.get(f"{prefix}margin_mode", [None])[0]
        if previous.get(f"{prefix}symbol", [None])[0] == symbol and before not in (None, mode):
            try:
                switch_margin_mode(result.account, symbol, mode)
            except MarginError as error:
                notes.append(f"{error.message} (On an exchange; here you may compare freely.)")
    return notes


def _announcement(result, invalid, field_errors, predicting) -> str:
    if invalid:
        count = len(field_errors) or 1
        return f"Not recalculated: {count} input{'s' if count > 1 else ''} to check."
    if predicting:
        return "Results hidden: make your prediction, then reveal."
    return result.announcement if result else ""


def _share_url(setup: Setup) -> str:
    return f"{reversed_url('simulator:index')}?{setup.query_string()}"


def _predict_target(result):
    return next(
        (p for p in result.positions if p.liquidation_price != NO_FIGURE), result.positions[0]
    )


def _page_context(
    request: HttpRequest,
    setup: Setup,
    result: SimulationResult | None,
    notice: str | None = None,
    revealed: bool = False,
    run: str = "",
) -> dict[str, Any]:
    """Everything the full page shows beyond the results partial."""
    preset = PRESETS.get(setup.account_form["preset"].value() or "")
    data = setup.data or {}
    modified = preset is not None and setup.query_string() != preset_query_string(preset.id)
    predicting = context_predicting(setup) and not revealed
    context = {
        "preset_modified": modified,
        "presets": [
            {"label": label, "url": url, "current": preset is not None and preset_id == preset.id}
            for preset_id, label, url in _preset_links(get_script_prefix())
        ],
        "preset": preset,
        "preset_finds": "" if modified or predicting else _preset_finds(preset, result),
        "preset_concepts": _concepts(preset.concept_ids) if preset else [],
        "venue": VENUES.get(setup.account_form["venue"].value() or "", VENUES["binance"]),
        "notice": notice,
        "market_prices": setup.market_prices_json(),
        "replay_form": ReplayForm(data if "event" in data else None),
        "monte_carlo_form": MonteCarloForm(data if "volatility" in data else None),
        "events": EVENTS.values(),
    }
    # Without JavaScript a panel or an explanation is asked for by a submit button; the page
    # comes back with it open and filled in (with JavaScript they load into place).
    part = run.removeprefix("panel-") if run.startswith("panel-") else None
    if part in details_service.PARTS:
        context["open_panel"] = part
        context["part"] = part
        context["predicting_hidden"] = predicting
        if result is not None and not predicting:
            context["details"] = build_details(setup, result, part)
    if run.startswith("explain-") and result is not None and not predicting:
        key = run.removeprefix("explain-")
        context["explained"] = key
        context["explanation"] = details_service.explanation(result, key)
    return context


@functools.lru_cache(maxsize=8)
def _preset_links(script_prefix: str) -> tuple[tuple[str, str, str], ...]:
    """Each worked example's id, label and link: fixed but for the script prefix in force, and on
    every simulator page."""
    return tuple((p.id, p.label, preset_url(p.id)) for p in PRESETS.values())


@functools.cache
def preset_query_string(preset_id: str) -> str:
    """A worked example's canonical query string, to tell whether the learner changed it. It
    follows from the preset's definition alone, so each is built once per process."""
    return Setup(PRESETS[preset_id].form_data()).query_string()


def build_details(setup: Setup, result, part: str | None = None):
    """The secondary regions; a failure there must never cost the learner the main results."""
    try:
        return details_service.build(setup, result, part)
    except (MarginError, ArithmeticError):
        logger.warning("details failed for %s", setup.query_string(), exc_info=True)
        return None


def context_predicting(setup: Setup) -> bool:
    return setup.wants_prediction()


def _preset_finds(preset, result) -> str:
    if preset is None or result is None:
        return ""
    try:
        return preset.engine_finds.format_map(result.facts)
    except KeyError:
        logger.warning("preset %s names a figure the setup no longer has", preset.id)
        return ""


def _concepts(ids) -> list[dict]:
    return [
        {"id": i, "title": CONCEPTS[i].title, "url": concept_lesson_url(i)}
        for i in ids
        if i in CONCEPTS
    ]


@require_http_methods(["GET", "POST"])
def index(request):
    """The simulator: htmx gets the results partial, everyone else the whole page."""
    data, notice = _setup_data(request)
    setup = Setup(data)
    result = calculate(setup)
    run = data.get("run", "") if request.method == "POST" else ""
    reveal = _reveal(request, setup, result) if run == "reveal" and result else None
    if _wants_partial(request):
        return _results_partial(request, setup, result, reveal)
    return _full_page(request, setup, result, run=run, reveal=reveal, notice=notice)


def _current_query(current_url: str) -> dict[str, list[str]]:
    """The query of the page htmx says it is on. The header comes from the client: one that is
    not a URL (`http://[::1`) means no previous page, not a server error."""
    try:
        return parse_qs(urlsplit(current_url).query)
    except ValueError:
        return {}


def _partial_response(html: str, share_url: str | None) -> HttpResponse:
    response = HttpResponse(html)
    if share_url is not None:
        push_url(response, share_url)
        trigger_client_event(response, "simulator-updated", after="settle")
    return _vary(response)


def _results_partial(request, setup: Setup, result, reveal) -> HttpResponse:
    notes = mode_switch_notes(request, setup, result)
    context = _result_context(request, setup, result, reveal=reveal, rule_notes=notes)
    # No request: the partial uses nothing the context processors add (no CSRF token, no user),
    # and they would run on every slider move.
    html = render_to_string("simulator/_result.html", context)
    share_url = context["share_url"] if result is not None else None
    return _partial_response(html, share_url)


def _full_page(request, setup: Setup, result, *, run, reveal, notice) -> HttpResponse:
    context = _result_context(request, setup, result, reveal=reveal)
    if run == "add" or run.startswith("remove-"):
        # Without JavaScript the row buttons submit the whole form: re-render it with the change.
        context["setup"] = _rows_changed(setup, run)
    context |= _page_context(
        request, setup, result, notice, revealed=bool(reveal) and "errors" not in reveal, run=run
    )
    if run == "replay":
        context["replay"] = _replay_context(setup, result, setup.data)
    if run == "montecarlo":
        context["monte_carlo"] = _monte_carlo_context(setup, result, setup.data)
    return _vary(render(request, "simulator/index.html", context))


def _rows_changed(setup: Setup, run: str) -> Setup:
    rows = setup.raw_rows()
    if run == "add" and len(rows) < MAX_POSITIONS:
        rows.append(next_row(rows))
    elif run.startswith("remove-"):
        index = run.removeprefix("remove-")
        if index.isdigit() and int(index) < len(rows) and len(rows) > 1:
            del rows[int(index)]
    return Setup.from_rows(setup.raw_account(), rows, setup.raw_shocks())


@require_POST
def add_row(request):
    """htmx: one more position row, plus the formset's new form count (out of band)."""
    setup = Setup(request.POST)
    rows = setup.raw_rows()
    if len(rows) >= MAX_POSITIONS:
        return HttpResponse(status=204)
    index = len(rows)
    form = PositionForm(prefix=f"{FORMSET_PREFIX}-{index}", initial=next_row(rows))
    shown = Setup.from_rows(setup.raw_account(), [*rows, next_row(rows)], setup.raw_shocks())
    response = render(
        request,
        "simulator/_row_added.html",
        {"form": form, "setup": shown, "max_positions": MAX_POSITIONS, "oob": True},
    )
    trigger_client_event(response, "simulator-recalc", after="settle")
    return response


@require_POST
def remove_row(request):
    """htmx: the positions fieldset without the removed row (the rows are renumbered)."""
    setup = _rows_changed(Setup(request.POST), request.POST.get("run", ""))
    response = render(
        request, "simulator/_positions.html", {"setup": setup, "max_positions": MAX_POSITIONS}
    )
    trigger_client_event(response, "simulator-recalc", after="settle")
    return response


@require_POST
def details(request):
    """htmx: one panel (``?part=charts|exchanges|funding``) or one figure's explanation
    (``?part=explain&figure=A-liquidation_price``), computed only when a learner opens it."""
    setup = Setup(request.POST)
    result = calculate(setup)
    part = request.GET.get("part", "")
    predicting = context_predicting(setup) and not request.POST.get("revealed")
    if part == "explain":
        item = None
        if result is not None and not predicting:
            item = details_service.explanation(result, request.GET.get("figure", ""))
        if item is None:
            return HttpResponse('<p class="mb-0">No explanation for this figure right now.</p>')
        return render(request, "simulator/_explanation.html", {"item": item})
    if part and part not in details_service.PARTS:
        raise Http404("No such panel.")
    context = {"setup": setup, "result": result, "predicting_hidden": predicting}
    if result is not None and not predicting:
        context["details"] = build_details(setup, result, part or None)
    # Without a part: every panel at once (the endpoint's original answer).
    html = "".join(
        render(request, "simulator/_panel_body.html", context | {"part": name}).content.decode()
        for name in ([part] if part else details_service.PARTS)
    )
    return HttpResponse(html)


@require_POST
def predict(request):
    """htmx: reveal the engine's answer next to the learner's prediction."""
    setup = Setup(request.POST)
    result = calculate(setup)
    reveal = _reveal(request, setup, result) if result is not None else None
    context = _result_context(request, setup, result, reveal=reveal)
    response = render(request, "simulator/_result.html", context)
    # Open panels were hidden while predicting: they reload now that the answer is out.
    trigger_client_event(response, "simulator-updated", after="settle")
    return response


def _reveal(request, setup: Setup, result) -> dict | None:
    form = PredictionForm(setup.data)
    if not form.is_valid():
        return {"errors": {name: messages[0] for name, messages in form.errors.items()}}
    target = _predict_target(result)
    reveal = details_service.compare_prediction(
        result,
        target_id=target.id,
        predicted_price=form.cleaned_data.get("predicted_price"),
        predicted_survivor=form.cleaned_data["predicted_survivor"],
        survivor_labels=dict(SURVIVOR_CHOICES),
    )
    # Predictions count towards concept mastery on the progress page (/me/).
    prediction_record(request=request, record=reveal["record"])
    return reveal


@require_POST
def replay_view(request):
    setup = Setup(request.POST)
    result = calculate(setup)
    context = {
        "replay": _replay_context(setup, result, request.POST),
        "events": EVENTS.values(),
        "replay_form": ReplayForm(request.POST),
        "setup": setup,
    }
    return render(request, "simulator/_replay.html", context)


def _replay_context(setup: Setup, result, data) -> dict | None:
    form = ReplayForm(data)
    if result is None or not form.is_valid():
        return None
    event = EVENTS[form.cleaned_data["event"]]
    try:
        return details_service.replay_event(setup, event)
    except MarginError as error:
        return {"error": error.message, "event": event}


@require_POST
def monte_carlo_view(request):
    setup = Setup(request.POST)
    result = calculate(setup)
    context = {
        "monte_carlo": _monte_carlo_context(setup, result, request.POST),
        "monte_carlo_form": MonteCarloForm(request.POST),
        "setup": setup,
    }
    return render(request, "simulator/_monte_carlo.html", context)


def _monte_carlo_context(setup: Setup, result, data) -> dict | None:
    form = MonteCarloForm(data)
    if result is None or not form.is_valid():
        return {"errors": form.errors} if form.is_bound and form.errors else None
    params = form.cleaned_data
    key_text = f"{ENGINE_VERSION}|{setup.query_string()}|{sorted(params.items())}"
    key = "simulator:mc:" + hashlib.sha256(key_text.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached | {"cached": True}
    try:
        outcome = details_service.monte_carlo(setup, **params)
    except MarginError as error:
        return {"error": error.message}
    cache.set(key, outcome, MONTE_CARLO_CACHE_SECONDS)
    return outcome


@require_GET
def embed(request, preset: str):
    """A compact card of a preset's isolated-vs-cross headline, for lessons to load with htmx."""
    chosen = PRESETS.get(preset.upper())
    if chosen is None:
        raise Http404(UNKNOWN_PRESET.format(name=preset[:12]))
    setup = Setup(chosen.form_data())
    result = calculate(setup)
    context = {
        "preset": chosen,
        "result": result,
        "preset_finds": _preset_finds(chosen, result),
        "url": preset_url(chosen.id),
    }
    return _vary(render(request, "simulator/embed.html", context))
