"""The simulator's secondary regions: charts, venue rule sets, funding and fees, explanations,
event replays, Monte Carlo and predictions. Each is built from engine calls on the same setup;
they are requested separately from the main recalculation so that one stays small and fast.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.concepts import CONCEPTS
from core.display import money, percent, price
from core.links import concept_lesson_url
from margin import (
    MARKETS,
    VENUES,
    MarginError,
    MarginMode,
    evaluate,
    explain,
    marked_to,
    prepare,
    replay,
    replay_prepared,
    with_margin_mode,
)
from margin.montecarlo import run_monte_carlo
from simulator.charts import LineChart, Marker, Rule, Series
from simulator.results import MODE_LABELS

HUNDRED = Decimal(100)
FUNDING_INTERVAL_HOURS = 8
MARKET_MOVE_STEP = Decimal("0.02")
MARKET_MOVE_LIMIT = Decimal("0.40")
PNL_POINTS = 12
MONTE_CARLO_STEP_MINUTES = 15
MONTE_CARLO_SEED = 2026  # fixed, so the same inputs give the same answer (and cache entry)
FIGURE_LABELS = {
    "initial_margin": "Initial margin",
    "maintenance_margin": "Maintenance margin",
    "liquidation_price": "Liquidation price",
    "bankruptcy_price": "Bankruptcy price",
    "distance_to_liquidation": "Distance to liquidation",
    "margin_ratio": "Margin ratio",
}


PARTS = ("charts", "exchanges", "funding")


def build(setup, result, part: str | None = None) -> dict:
    """The figures of one panel (``part``), or of every panel when ``part`` is None: each panel
    loads on its own, so only what a learner opens is computed."""
    account = result.account
    venue = result.venue
    details: dict = {}
    if part in (None, "charts"):
        details["equity_chart"] = equity_chart(account, venue, result.shock_percents)
        details["pnl_charts"] = pnl_charts(account, venue, result.base, result)
    if part in (None, "exchanges"):
        details["venues"] = venue_comparison(account, venue)
    if part in (None, "funding"):
        details["funding"] = funding_and_fees(setup, account, venue)
    return details


# --- charts ---------------------------------------------------------------------------------


def _market_path(account, moves: list[Decimal], weights: dict | None = None) -> list[dict]:
    """Marks along ``moves``: each symbol moves by ``move x its weight`` (1 for every symbol, a
    market-wide move, unless ``weights`` say otherwise)."""
    starts: dict[str, Decimal] = {}
    for position in account.positions:
        starts.setdefault(position.symbol, position.mark_price or position.entry_price)
    weights = weights or {}
    return [
        {s: start * (1 + move * weights.get(s, 1)) for s, start in starts.items()} for move in moves
    ]


def _shock_direction(shock_percents: dict) -> tuple[str | None, dict]:
    """The learner's shock as a direction: the most-moved symbol leads, the others move in
    proportion (W4: BTC leads, ETH stays put). None when nothing is shocked."""
    moved = {s: p for s, p in (shock_percents or {}).items() if p}
    if not moved:
        return None, {}
    lead = max(moved, key=lambda s: abs(moved[s]))
    return lead, {s: (shock_percents.get(s) or 0) / moved[lead] for s in shock_percents}


def equity_chart(account, venue, shock_percents=None) -> LineChart:
    """Equity as the learner's own shock grows and reverses, isolated vs cross.

    The x-axis is the move of the most-shocked market; the other markets move in the same
    proportion as in the learner's shocks (all together when nothing is shocked). Each direction
    is a replay from today's prices outwards, so a position liquidated on the way stays
    liquidated, as on an exchange.
    """
    lead, weights = _shock_direction(shock_percents or {})
    yours = Decimal(shock_percents[lead]) / HUNDRED if lead else None
    limit = max(MARKET_MOVE_LIMIT, abs(yours) if yours is not None else Decimal(0))
    limit = min(limit, Decimal("0.98"))
    steps = int(MARKET_MOVE_LIMIT / MARKET_MOVE_STEP)
    step = limit / steps
    down = [-step * k for k in range(1, steps + 1)]
    up = [step * k for k in range(1, steps + 1)]
    series, markers = [], []
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS):
        prepared = prepare(with_margin_mode(account, mode), venue)  # once for both directions
        points: dict[Decimal, Decimal] = {}
        for moves in (down, up):
            run = replay_prepared(prepared, _market_path(account, moves, weights))
            points[Decimal(0)] = run.equity[0]
            for move, equity in zip(moves, run.equity[1:], strict=True):
                points[move] = equity
            for event in run.events:
                if event.type == "liquidation" and event.step:
                    move = moves[event.step - 1]
                    markers.append(
                        Marker(
                            move * HUNDRED,
                            run.equity[event.step],
                            f"{event.position} closed ({MODE_LABELS[mode].lower()})",
                            css_class=f"marker {mode}",
                        )
                    )
        ordered = sorted(points.items())
        series.append(
            Series(
                MODE_LABELS[mode],
                tuple((m * HUNDRED, e) for m, e in ordered),
                css_class=str(mode),
                dashed=mode is MarginMode.CROSS,
            )
        )
    liquidations = ", ".join(m.label for m in markers) or "none"
    base = MARKETS[lead].base if lead else ""
    rules = [Rule(0, "entry", css_class="rule zero")]
    if yours is not None:
        rules.append(Rule(yours * HUNDRED, "your move", css_class="rule yours"))
    others = [MARKETS[s].base for s, w in weights.items() if s != lead and w]
    x_label = f"{base} move (%)" if lead else "Market move (%)"
    if others:
        x_label = f"{base} move (%), {', '.join(others)} in step"
    return LineChart(
        id="chart-equity",
        title="Account equity as the price move grows",
        description=(
            f"Equity (y) against the {base + ' ' if base else 'market-wide '}price move in per "
            "cent (x), for all positions isolated and all cross"
            + (f"; your move of {yours * HUNDRED:+.1f}% is marked" if yours is not None else "")
            + f". Liquidations: {liquidations}."
        ),
        x_label=x_label,
        y_label=f"Equity ({account.collateral})",
        series=tuple(series),
        markers=tuple(markers),
        rules=tuple(rules),
        x_format="{:+.0f}",
        table_x_heading="Move (%)",
    )


def pnl_charts(account, venue, base, result=None) -> list[LineChart]:
    """Each position's PnL against its price, with its liquidation and bankruptcy prices and the
    learner's shocked price. An isolated position's line flattens at minus its margin past the
    liquidation price: it is closed there and cannot lose more than its envelope."""
    distances = [p.distance_to_liquidation for p in base.positions if p.distance_to_liquidation]
    reach = min(max([Decimal("0.15"), *(d * Decimal("1.3") for d in distances)]), Decimal("0.9"))
    moves = [reach * (Decimal(2 * k) / PNL_POINTS - 1) for k in range(PNL_POINTS + 1)]
    pnl: dict[str, list[tuple[Decimal, Decimal]]] = {p.id: [] for p in account.positions}
    prepared = prepare(account, venue)
    # Only marks and PnL are drawn: no liquidation price needs solving at each point.
    for marks in _market_path(account, moves):
        for position_id, mark, unrealized in marked_to(prepared, marks):
            pnl[position_id].append((mark, unrealized))
    now = {p.id: p.mark_price for p in result.outcome.final.positions} if result else {}
    charts = []
    for p in base.positions:
        points = pnl[p.id]
        rules = []
        if p.liquidation_price is not None:
            rules.append(Rule(p.liquidation_price, "liquidation", css_class="rule"))
        if p.bankruptcy_price is not None:
            rules.append(Rule(p.bankruptcy_price, "bankruptcy", css_class="rule bankruptcy"))
        if p.isolated_margin is not None:
            floor = -p.isolated_margin
            points = _capped(points, p, floor)
            rules.append(Rule(floor, "most it can lose: its margin", axis="y", css_class="rule"))
        if p.id in now and now[p.id] != p.entry_price:
            rules.append(Rule(now[p.id], "your price", css_class="rule yours"))
        base_asset = MARKETS[p.symbol].base
        charts.append(
            LineChart(
                id=f"chart-pnl-{p.id}",
                title=f"Position {p.id}: PnL against the {base_asset} price",
                description=(
                    f"PnL of position {p.id} ({base_asset} {p.side}, {p.margin_mode}) "
                    f"as the price moves; liquidation at {price(p.liquidation_price)}, "
                    f"bankruptcy at {price(p.bankruptcy_price)}"
                    + (
                        f"; past liquidation the loss stays at the margin, "
                        f"{money(p.isolated_margin, account.collateral)}"
                        if p.isolated_margin is not None
                        else ""
                    )
                    + "."
                ),
                x_label=f"{base_asset} price",
                y_label=f"PnL ({account.collateral})",
                series=(Series("PnL", tuple(points), css_class="pnl"),),
                rules=tuple(rules),
                x_format="{:,.2f}" if p.entry_price < 100 else "{:,.0f}",
                table_x_heading="Price",
            )
        )
    return charts


def _capped(points, p, floor: Decimal) -> list[tuple[Decimal, Decimal]]:
    """PnL points of an isolated position: once past its liquidation price it is closed, and the
    loss is its margin (the insurance fund takes any gap), so the line is flat at ``floor``."""
    if p.liquidation_price is None:
        return [(x, max(y, floor)) for x, y in points]
    long = str(p.side) == "long"
    capped = []
    for x, y in points:
        past = x <= p.liquidation_price if long else x >= p.liquidation_price
        capped.append((x, floor if past else max(y, floor)))
    # The corner where the line meets the floor, so the flat part starts at the liquidation price.
    capped.append((p.liquidation_price, floor))
    capped.sort(key=lambda point: point[0])
    return capped


# --- venues, funding ------------------------------------------------------------------------


def venue_comparison(account, chosen: str) -> dict:
    """Each venue rule set's liquidation price for every position, and its gap to the chosen.

    A rule set may refuse the setup (Hyperliquid caps leverage lower, for one): its row says why.
    """
    reference = evaluate(account, venue=chosen)
    rows = []
    for name, venue in VENUES.items():
        try:
            evaluation = evaluate(account, venue=name)
        except MarginError as error:
            rows.append({"name": name, "venue": venue, "cells": [], "refused": error.message})
            continue
        cells = []
        for mine, theirs in zip(reference.positions, evaluation.positions, strict=True):
            gap = None
            if mine.liquidation_price is not None and theirs.liquidation_price is not None:
                gap = theirs.liquidation_price - mine.liquidation_price
            cells.append(
                {
                    "price": price(theirs.liquidation_price),
                    "gap": "" if gap is None or name == chosen else f"{gap:+,.2f}",
                }
            )
        rows.append({"name": name, "venue": venue, "cells": cells, "chosen": name == chosen})
    return {"rows": rows, "position_ids": [p.id for p in reference.positions]}


def funding_and_fees(setup, account, venue) -> dict | None:
    """Hold the positions at their entry prices for the holding period, paying funding every
    8 hours and the taker fee to open: what it costs and how each mode's liquidation prices move.
    """
    data = setup.account_cleaned()
    hours = data.get("holding_hours") or 0
    intervals = hours // FUNDING_INTERVAL_HOURS
    if not intervals and not account.taker_fee_rate:
        return None
    flat = _market_path(account, [Decimal(0)] * max(intervals, 1))
    modes = []
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS):
        prepared = prepare(with_margin_mode(account, mode), venue)
        start = prepared.start
        held = replay_prepared(prepared, flat, funding_every=1 if intervals else None)
        modes.append(
            {
                "label": MODE_LABELS[mode],
                "funding": money(held.funding, account.collateral),
                "fees": money(held.fees, account.collateral),
                "equity": money(held.final_equity, account.collateral),
                "moves": [
                    {
                        "id": before.id,
                        "before": price(before.liquidation_price),
                        "after": price(after.liquidation_price),
                    }
                    for before, after in zip(start.positions, held.final.positions, strict=True)
                ],
            }
        )
    return {
        "hours": hours,
        "intervals": intervals,
        "rate": percent(account.funding_rate, 4),
        "fee_rate": percent(account.taker_fee_rate or Decimal(0), 3),
        "modes": modes,
    }


# --- explanations ---------------------------------------------------------------------------


def _steps(result, figure) -> list[dict]:
    steps = []
    for step in explain(result, figure):
        concept = CONCEPTS.get(step.concept_id)
        steps.append(
            {
                "label": step.label,
                "formula": step.formula,
                "substituted": step.substituted,
                "value": "none" if step.value is None else _plain(step.value),
                "concept": concept.title if concept else "",
                "url": concept_lesson_url(step.concept_id) if concept else "",
            }
        )
    return steps


def _plain(value: Decimal) -> str:
    """A figure in an explanation step: 4 decimals from 1 up, 8 below, rounded half up."""
    places = Decimal("0.0001") if abs(value) >= 1 else Decimal("0.00000001")
    text = f"{value.quantize(places, rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- replays --------------------------------------------------------------------------------


def replay_event(setup, event) -> dict:
    """Replay a named market event through the setup in both modes, with the event log."""
    account = setup.account_spec()
    venue = setup.venue
    starts: dict[str, Decimal] = {}
    for position in account.positions:
        starts.setdefault(position.symbol, position.entry_price)
    bases = {symbol: MARKETS[symbol].base for symbol in starts}
    path = event.path(starts, bases)
    series, logs, markers = [], [], []
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS):
        run = replay(with_margin_mode(account, mode), path, venue=venue)
        markers += [
            Marker(
                e.step,
                run.equity[e.step],
                f"{e.position} closed ({MODE_LABELS[mode].lower()})",
                css_class=f"marker {mode}",
            )
            for e in run.events
            if e.type == "liquidation"
        ]
        series.append(
            Series(
                MODE_LABELS[mode],
                tuple((step, equity) for step, equity in enumerate(run.equity)),
                css_class=str(mode),
                dashed=mode is MarginMode.CROSS,
            )
        )
        logs.append(
            {
                "label": MODE_LABELS[mode],
                "final_equity": money(run.final_equity, account.collateral),
                "insurance_fund": money(run.insurance_fund, account.collateral),
                "events": [
                    {
                        "step": e.step,
                        "type": e.type,
                        "position": e.position or "",
                        "price": price(e.price),
                        "loss": money(e.loss, account.collateral),
                        "insurance_fund": money(e.insurance_fund, account.collateral),
                    }
                    for e in run.events
                    if e.type != "fee"
                ],
            }
        )
    chart = LineChart(
        id="chart-replay",
        title=f"Equity through the {event.title.lower()}",
        description=(
            f"Account equity at each step ({event.step} per step) of the illustrative "
            f"{event.title.lower()}, all positions isolated vs all cross."
        ),
        x_label=f"Step ({event.step} each)",
        y_label=f"Equity ({account.collateral})",
        series=tuple(series),
        markers=tuple(markers),
        table_x_heading="Step",
    )
    prices = [
        {"step": step, "prices": [price(p) for p in prices.values()]}
        for step, prices in enumerate(path, start=1)
    ]
    return {
        "event": event,
        "chart": chart,
        "logs": logs,
        "symbols": list(starts),
        "prices": prices,
    }


# --- Monte Carlo ----------------------------------------------------------------------------


def monte_carlo(setup, *, volatility, correlation, horizon_hours, paths) -> dict:
    """Probability of liquidation within the horizon, isolated vs cross, on the same paths."""
    account = setup.account_spec()
    outcome = run_monte_carlo(
        account,
        volatility=volatility / HUNDRED,
        correlation=correlation,
        horizon_hours=horizon_hours,
        step_minutes=MONTE_CARLO_STEP_MINUTES,
        paths=paths,
        seed=MONTE_CARLO_SEED,
        venue=setup.venue,
    )
    currency = account.collateral
    modes = []
    for mode, risk in ((MarginMode.ISOLATED, outcome.isolated), (MarginMode.CROSS, outcome.cross)):
        modes.append(
            {
                "label": MODE_LABELS[mode],
                "css": str(mode)[:3],
                "probability": _probability(risk.account_probability),
                "error": _probability(1.96 * risk.standard_error(outcome.paths)),
                "positions": [
                    (position_id, _probability(p))
                    for position_id, p in risk.position_probability.items()
                ],
                "median": money(_decimal(risk.final_equity_percentiles.get(50)), currency),
                "p5": money(_decimal(risk.final_equity_percentiles.get(5)), currency),
                "mean": money(_decimal(risk.mean_final_equity), currency),
            }
        )
    return {
        "modes": modes,
        "paths": f"{outcome.paths:,}",
        "steps": f"{outcome.steps:,}",
        "step_minutes": MONTE_CARLO_STEP_MINUTES,
        "horizon_hours": horizon_hours,
        "volatility": volatility,
        "notes": outcome.notes,
    }


def _probability(value: float) -> str:
    return f"{value * 100:.1f}%"


def _decimal(value: float | None) -> Decimal | None:
    # Monte Carlo works in floats (numpy); round-trip through str for display only.
    return None if value is None else Decimal(str(value))


# --- predictions ----------------------------------------------------------------------------


SURVIVOR_MISCONCEPTIONS = {
    # (predicted, actual): what the wrong answer believed, in a learner's words.
    ("isolated", "cross"): (
        "Isolated is often thought of as the mode that keeps you in the trade. It limits what you "
        "can lose, but each envelope is small, so its position is liquidated first; cross puts "
        "the whole balance behind every position and keeps them open longer."
    ),
    ("both", "cross"): (
        "The two modes do not react the same way to one move: the isolated envelope runs out at "
        "a price close to entry, while cross can draw on the whole balance."
    ),
    ("neither", "cross"): (
        "Cross lasts longer than it seems: the whole balance stands behind the losing position, "
        "so it survives a move that closes the isolated one."
    ),
    ("cross", "isolated"): (
        "Cross shares the balance both ways: the other positions' losses drained the pool that "
        "kept this one open, while each isolated envelope only had its own trade to carry."
    ),
    ("both", "isolated"): (
        "In cross every loss comes out of one pool: together the losses were more than it held."
    ),
    ("both", "neither"): (
        "This move is larger than either mode can carry: isolated runs out of its envelope and "
        "cross of the whole balance."
    ),
    ("isolated", "neither"): (
        "Isolated does not keep a position open longer; it only caps the loss at the envelope."
    ),
    ("cross", "neither"): (
        "Cross is not protection against every move: past its liquidation price the whole "
        "balance is at stake."
    ),
}
GENERIC_MISCONCEPTION = (
    "Compare the two wallets below: how far each mode's money reaches decides who stays open."
)
BANKRUPTCY_MISCONCEPTION = (
    "That is the bankruptcy price, {bankruptcy}: where the margin would be all gone. The exchange "
    "closes the position earlier, at the liquidation price {liquidation}, while the maintenance "
    "margin is still left; the two are not the same price."
)


def compare_prediction(
    result, *, target_id, predicted_price, predicted_survivor, survivor_labels
) -> dict:
    """The learner's two guesses against the engine. A price counts as right only when it is
    nearer the liquidation price than a quarter of the gap to the bankruptcy price (and within
    0.5%): guessing the bankruptcy price, the misconception the question is about, is never right.
    """
    figures = result.base.position(target_id)
    iso, cro = result.comparison.isolated, result.comparison.cross
    survivors = {
        (False, False): "both",
        (False, True): "isolated",
        (True, False): "cross",
        (True, True): "neither",
    }[(bool(iso.liquidated), bool(cro.liquidated))]
    correct = predicted_survivor == survivors
    reveal = {
        "position": target_id,
        "survivor_label": survivor_labels.get(predicted_survivor, predicted_survivor),
        "actual_survivor_label": survivor_labels[survivors],
        "survivor_correct": correct,
        "survivor_misconception": ""
        if correct
        else SURVIVOR_MISCONCEPTIONS.get((predicted_survivor, survivors), GENERIC_MISCONCEPTION),
        "price": "",
    }
    error = None
    liquidation, bankruptcy = figures.liquidation_price, figures.bankruptcy_price
    if predicted_price is not None and liquidation is not None:
        error = (predicted_price - liquidation) / liquidation
        gap = abs(liquidation - bankruptcy) if bankruptcy is not None else None
        near = abs(predicted_price - liquidation)
        tolerance = min(Decimal("0.005") * liquidation, gap / 4 if gap else liquidation)
        took_bankruptcy = (
            gap is not None and gap > 0 and abs(predicted_price - bankruptcy) <= gap / 4
        )
        if took_bankruptcy:
            verdict, misconception = (
                "not the liquidation price.",
                BANKRUPTCY_MISCONCEPTION.format(
                    bankruptcy=price(bankruptcy), liquidation=price(liquidation)
                ),
            )
        elif near <= tolerance:
            verdict, misconception = "spot on.", ""
        else:
            verdict, misconception = f"off by {percent(abs(error))}.", ""
        reveal |= {
            "price": price(predicted_price),
            "actual_price": price(liquidation),
            "price_verdict": verdict,
            "price_misconception": misconception,
        }
    reveal["record"] = {
        "concepts": ["C06", "C04", "C05"],
        "survivor_correct": reveal["survivor_correct"],
        "price_error": None if error is None else str(abs(error)),
    }
    return reveal


# --- "Explain this number", in words first ---------------------------------------------------

FORMULA_LEGEND = (
    "WB: the money backing the position (its isolated margin, or the cross wallet); TMM1 and "
    "UPNL1: the other cross positions' maintenance margin and PnL; Q: quantity; E: entry price; "
    "s: +1 for a long, -1 for a short; MMR and cum: the maintenance rate and amount of the "
    "exchange's bracket; L: leverage; P: the mark price; LP: the liquidation price."
)
EXPLAINED_FIGURES = (
    "initial_margin",
    "maintenance_margin",
    "liquidation_price",
    "bankruptcy_price",
    "distance_to_liquidation",
)


def explanation(result, key: str) -> dict | None:
    """One figure's explanation: labelled steps in words with the learner's numbers, then the
    exchange's formula (the engine's own steps). ``key`` is ``<position id>-<figure>``."""
    position_id, _, figure = key.partition("-")
    if figure not in EXPLAINED_FIGURES:
        return None
    position = next((p for p in result.base.positions if p.id == position_id), None)
    if position is None:
        return None
    return {
        "key": key,
        "title": f"{FIGURE_LABELS[figure]} of position {position_id}",
        "words": _words(position, figure, result.collateral),
        "steps": _steps(position, figure),
        "legend": FORMULA_LEGEND,
    }


def _step(label: str, text: str) -> dict:
    return {"label": label, "text": text}


def _words(p, figure: str, currency: str) -> list[dict]:
    base = MARKETS[p.symbol].base
    size = (
        f"{_plain(p.quantity)} {base}, worth {money(p.notional, currency)} at {price(p.mark_price)}"
    )
    if figure == "initial_margin":
        return [
            _step("Your position", f"{size}."),
            _step(
                "Your leverage", f"{_plain(p.leverage)}x: you put up 1/{_plain(p.leverage)} of it."
            ),
            _step(
                "Your margin",
                f"{money(p.notional, currency)} ÷ {_plain(p.leverage)} = "
                f"{money(p.initial_margin, currency)}.",
            ),
        ]
    if figure == "maintenance_margin":
        less = (
            f", less a fixed {money(p.maintenance_amount, currency)}"
            if p.maintenance_amount
            else ""
        )
        return [
            _step("Your position", f"{size}."),
            _step(
                "The exchange's cushion",
                f"for a position this size it keeps {percent(p.maintenance_margin_rate)} of its "
                f"value{less}.",
            ),
            _step("Maintenance margin", f"{money(p.maintenance_margin, currency)}."),
            _step(
                "What it means",
                "when the margin left after losses falls to this amount, the position is "
                "liquidated.",
            ),
        ]
    if figure in ("liquidation_price", "bankruptcy_price"):
        return _price_words(p, figure, currency, base)
    if p.liquidation_price is None:
        return [_step("No liquidation price", "so there is no distance to it.")]
    gap = abs(p.liquidation_price - p.mark_price)
    return [
        _step(
            "The gap",
            f"from {price(p.mark_price)} to the liquidation price {price(p.liquidation_price)} "
            f"is {price(gap)}.",
        ),
        _step(
            "As a share of the price",
            f"{price(gap)} ÷ {price(p.mark_price)} = {percent(p.distance_to_liquidation)}: the "
            "move that closes the position.",
        ),
    ]


def _price_words(p, figure: str, currency: str, base: str) -> list[dict]:
    target = p.liquidation_price if figure == "liquidation_price" else p.bankruptcy_price
    if target is None:
        return [
            _step(
                "No such price",
                "the money behind this position covers any move down to a price of zero, so "
                "there is no price at which it runs out.",
            )
        ]
    basis = p.liquidation_basis
    if basis is not None and p.isolated_margin is None:
        backing = basis.wallet_balance - basis.other_maintenance_margin + basis.other_unrealized_pnl
        backing_text = (
            f"in cross the whole wallet, {money(basis.wallet_balance, currency)}, less what the "
            f"other positions need ({money(basis.other_maintenance_margin, currency)}), plus their "
            f"PnL ({money(basis.other_unrealized_pnl, currency)}) = {money(backing, currency)}"
        )
    else:
        backing = p.isolated_margin if p.isolated_margin is not None else p.initial_margin
        backing_text = f"your isolated margin, {money(backing, currency)}"
    words = [_step("The money behind the position", backing_text + ".")]
    if str(p.contract) == "linear":  # coin-margined PnL is not price gap x quantity
        move = abs(p.entry_price - target)
        loss = move * p.quantity
        words.append(
            _step(
                "The loss at that price",
                f"you hold {_plain(p.quantity)} {base}, so the move from "
                f"{price(p.entry_price)} to {price(target)} costs {_plain(p.quantity)} × "
                f"{price(move)} = {money(loss, currency)}.",
            )
        )
        left = backing - loss
        if figure == "liquidation_price":
            meaning = (
                f"exactly the maintenance margin the exchange requires at {price(target)}, so it "
                "closes the position there."
            )
        else:
            meaning = (
                f"nothing. The exchange liquidates earlier, at {price(p.liquidation_price)}, so "
                "that it never gets here."
            )
        words.append(
            _step(
                "What is left",
                f"{money(backing, currency)} − {money(loss, currency)} = "
                f"{money(left, currency)}: {meaning}",
            )
        )
    words.append(_step(FIGURE_LABELS[figure], f"{price(target)}."))
    return words
