"""Practice items answered by acting on a setup, as in the simulator, and graded by the engine.

The learner is given a setup with freshly drawn numbers and sets something (an isolated margin,
a price move, an order); the margin engine then runs the setup with what they set, and the item
is right when the engine's outcome is the one asked for. No answer key is stored: the engine is
the key, so any value that works is right.

Actions (each names the concepts it counts towards):
- `survive_shock`: set the isolated margin so a long survives a given fall.
- `isolated_not_cross`: set a price move that liquidates one position when isolated but closes
  nothing when the same positions are cross.
- `cross_order`: put three cross positions in the order they are nearest to liquidation.

Plain Python over `margin`; no Django here, so the grading can be tested on its own.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import cast

import margin as engine

BAD_NUMBER = "Enter a number, such as 1500."
MARGIN_OUT_OF_RANGE = "Set between the initial margin ({low} USDT) and the wallet ({high} USDT)."
MOVE_OUT_OF_RANGE = "Set a move between -90% and +90%."
ORDER_INCOMPLETE = "Put each of the three positions in one place."
PERCENT = Decimal(100)


class ActionError(ValueError):
    """What the learner set cannot be run (the message says why, beside the field)."""


@dataclass(frozen=True)
class Outcome:
    correct: bool
    lines: list[str] = field(default_factory=list)  # the engine's run, in words


@dataclass(frozen=True)
class Action:
    name: str
    concepts: tuple[str, ...]
    title: str
    draw: Callable[[random.Random], dict]
    prompt: Callable[[Mapping[str, str]], str]
    grade: Callable[[Mapping[str, str], Mapping[str, str]], Outcome]
    fields: tuple[str, ...]


def money(value: Decimal) -> str:
    """65000 -> '65,000'; 51004.0213 -> '51,004.02' (display only)."""
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    return text.removesuffix(".00")


def _number(raw: str | None) -> Decimal:
    text = (raw or "").replace(",", "").replace("%", "").replace("$", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ActionError(BAD_NUMBER) from None
    if not value.is_finite():
        raise ActionError(BAD_NUMBER)
    return value


def _long(params: Mapping[str, str], **changes) -> engine.PositionSpec:
    return engine.PositionSpec(
        id="A",
        symbol="BTCUSDT",
        side=engine.Side.LONG,
        margin_mode=engine.MarginMode.ISOLATED,
        entry_price=Decimal(params["entry_price"]),
        leverage=Decimal(params["leverage"]),
        notional=Decimal(params["notional"]),
        **changes,
    )


# --- survive a shock --------------------------------------------------------------------------


def _draw_survive(rng: random.Random) -> dict:
    return {
        "entry_price": str(rng.randrange(60000, 70001, 500)),
        "notional": str(rng.choice([10000, 15000, 20000])),
        "leverage": str(rng.choice([10, 20])),
        "wallet_balance": "8000",
        "shock": str(-Decimal(rng.randrange(10, 19)) / PERCENT),
    }


def _prompt_survive(params: Mapping[str, str]) -> str:
    initial = Decimal(params["notional"]) / Decimal(params["leverage"])
    return (
        f"A ${money(Decimal(params['notional']))} BTC long opened at "
        f"${money(Decimal(params['entry_price']))} with {params['leverage']}x leverage sits in "
        f"a ${money(Decimal(params['wallet_balance']))} account. Set its isolated margin "
        f"(at least the initial {money(initial)} USDT) so that it survives a "
        f"{abs(Decimal(params['shock']) * PERCENT).normalize():f}% fall in BTC."
    )


def _grade_survive(params: Mapping[str, str], posted: Mapping[str, str]) -> Outcome:
    margin = _number(posted.get("isolated_margin"))
    low = Decimal(params["notional"]) / Decimal(params["leverage"])
    high = Decimal(params["wallet_balance"])
    if not low <= margin <= high:
        raise ActionError(MARGIN_OUT_OF_RANGE.format(low=money(low), high=money(high)))
    account = engine.AccountSpec(
        wallet_balance=high, positions=(_long(params, isolated_margin=margin),)
    )
    position = engine.evaluate(account).position("A")
    assert position.liquidation_price is not None  # an isolated long always has one
    mark = Decimal(params["entry_price"]) * (1 + Decimal(params["shock"]))
    run = engine.replay(account, [{"BTCUSDT": mark}])
    survived = "A" not in run.liquidated
    lines = [
        f"With {money(margin)} USDT of isolated margin the engine puts the liquidation price at "
        f"${money(position.liquidation_price)}.",
        f"The fall takes the mark price to ${money(mark)}: the long "
        + ("survives." if survived else "is liquidated."),
    ]
    return Outcome(survived, lines)


# --- liquidated when isolated, nothing closed when cross --------------------------------------


def _two_positions(params: Mapping[str, str], mode: str) -> engine.AccountSpec:
    return engine.AccountSpec(
        wallet_balance=Decimal(params["wallet_balance"]),
        positions=(
            _long(params, margin_mode=mode) if mode == "cross" else _long(params),
            engine.PositionSpec(
                id="B",
                symbol="ETHUSDT",
                side=engine.Side.LONG,
                margin_mode=cast(engine.MarginMode, mode),  # PositionSpec validates it
                entry_price=Decimal("3000"),
                leverage=Decimal("2"),
                notional=Decimal("2000"),
            ),
        ),
    )


def _draw_isolated_not_cross(rng: random.Random) -> dict:
    return {
        "entry_price": str(rng.randrange(60000, 70001, 500)),
        "notional": str(rng.choice([5000, 10000])),
        "leverage": str(rng.choice([10, 20])),
        "wallet_balance": str(rng.choice([6000, 8000, 10000])),
    }


def _prompt_isolated_not_cross(params: Mapping[str, str]) -> str:
    return (
        f"A ${money(Decimal(params['wallet_balance']))} account holds A, a "
        f"${money(Decimal(params['notional']))} BTC long at {params['leverage']}x opened at "
        f"${money(Decimal(params['entry_price']))}, and B, a $2,000 ETH long at 2x. Set a move "
        "in BTC (in per cent, negative for a fall) that liquidates A when both positions are "
        "isolated but closes nothing when both are cross."
    )


def _grade_isolated_not_cross(params: Mapping[str, str], posted: Mapping[str, str]) -> Outcome:
    move = _number(posted.get("move"))
    if not Decimal(-90) <= move <= Decimal(90):
        raise ActionError(MOVE_OUT_OF_RANGE)
    shocks = {"BTCUSDT": move / PERCENT}
    comparison = engine.compare_modes(_two_positions(params, "isolated"), shocks=shocks)
    isolated, cross = comparison.isolated.liquidated, comparison.cross.liquidated
    correct = "A" in isolated and not cross

    def closed(ids) -> str:
        return ", ".join(sorted(ids)) if ids else "nothing"

    return Outcome(
        correct,
        [
            f"BTC moves {move:f}%. Isolated, the engine closes {closed(isolated)}.",
            f"Cross, with the whole balance behind both, it closes {closed(cross)}.",
        ],
    )


# --- order cross positions by liquidation -----------------------------------------------------

ORDER_SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
ORDER_PRICES = {"BTCUSDT": "65000", "ETHUSDT": "3000", "SOLUSDT": "150"}


def _order_account(params: Mapping[str, str]) -> engine.AccountSpec:
    positions = tuple(
        engine.PositionSpec(
            id=symbol.removesuffix("USDT"),
            symbol=symbol,
            side=cast(engine.Side, params[f"{symbol}_side"]),  # PositionSpec validates it
            margin_mode=engine.MarginMode.CROSS,
            entry_price=Decimal(ORDER_PRICES[symbol]),
            leverage=Decimal(params[f"{symbol}_leverage"]),
            notional=Decimal(params[f"{symbol}_notional"]),
        )
        for symbol in ORDER_SYMBOLS
    )
    return engine.AccountSpec(wallet_balance=Decimal(params["wallet_balance"]), positions=positions)


def _nearest_first(params: Mapping[str, str]) -> list[tuple[str, Decimal]]:
    evaluation = engine.evaluate(_order_account(params))
    distances = [
        (p.id, p.distance_to_liquidation)
        for p in evaluation.positions
        if p.distance_to_liquidation is not None
    ]
    return sorted(distances, key=lambda pair: pair[1])


def _draw_cross_order(rng: random.Random) -> dict:
    for _ in range(50):
        params = {"wallet_balance": str(rng.choice([3000, 4000, 5000]))}
        for symbol in ORDER_SYMBOLS:
            params[f"{symbol}_side"] = rng.choice(["long", "short"])
            params[f"{symbol}_notional"] = str(rng.choice([4000, 8000, 12000, 16000]))
            params[f"{symbol}_leverage"] = str(rng.choice([5, 10, 20]))
        try:
            ranked = _nearest_first(params)
        except engine.MarginError:
            continue  # more initial margin than the wallet holds: draw again
        gaps = [b[1] - a[1] for a, b in zip(ranked, ranked[1:], strict=False)]
        # Three liquidation prices, at least a point of distance apart: a fair question.
        if len(ranked) == 3 and all(gap >= Decimal("0.01") for gap in gaps):
            return params
    raise ValueError("no fair draw")  # pragma: no cover - 50 draws always found one in tests


def _prompt_cross_order(params: Mapping[str, str]) -> str:
    legs = "; ".join(
        f"{symbol.removesuffix('USDT')}: a ${money(Decimal(params[f'{symbol}_notional']))} "
        f"{params[f'{symbol}_side']} at ${money(Decimal(ORDER_PRICES[symbol]))}"
        for symbol in ORDER_SYMBOLS
    )
    return (
        f"A cross account with ${money(Decimal(params['wallet_balance']))} holds {legs}. Each "
        "position's liquidation price assumes the others stay where they are. Put them in "
        "order, nearest to its liquidation price (in per cent of its price) first."
    )


def _grade_cross_order(params: Mapping[str, str], posted: Mapping[str, str]) -> Outcome:
    given = [posted.get(f"place_{n}", "") for n in (1, 2, 3)]
    ids = {symbol.removesuffix("USDT") for symbol in ORDER_SYMBOLS}
    if set(given) != ids:
        raise ActionError(ORDER_INCOMPLETE)
    ranked = _nearest_first(params)
    lines = [
        f"{position_id}: {money(distance * PERCENT)}% from its liquidation price"
        for position_id, distance in ranked
    ]
    return Outcome(given == [position_id for position_id, _ in ranked], lines)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "survive_shock",
            ("C04", "C09"),
            "Set the isolated margin",
            _draw_survive,
            _prompt_survive,
            _grade_survive,
            ("isolated_margin",),
        ),
        Action(
            "isolated_not_cross",
            ("C04", "C05"),
            "Find the move that splits the modes",
            _draw_isolated_not_cross,
            _prompt_isolated_not_cross,
            _grade_isolated_not_cross,
            ("move",),
        ),
        Action(
            "cross_order",
            ("C07", "C05"),
            "Order the cross positions",
            _draw_cross_order,
            _prompt_cross_order,
            _grade_cross_order,
            ("place_1", "place_2", "place_3"),
        ),
    )
}


def actions_for(concept_ids: list[str]) -> list[Action]:
    """The actions whose first concept is one of these (the lesson's), in a fixed order."""
    return [action for action in ACTIONS.values() if action.concepts[0] in concept_ids]


def grade(name: str, params: Mapping[str, str], posted: Mapping[str, str]) -> Outcome:
    """Run the learner's setting through the engine. Raises ActionError for an unusable one."""
    try:
        return ACTIONS[name].grade(params, posted)
    except engine.MarginError as error:
        raise ActionError(str(error)) from None
