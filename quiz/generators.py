"""Generated numeric questions: draw parameters within an instructor's ranges, let the margin
engine compute the answer, and fill the prompt.

A question names a generator and gives ranges in `Question.parameters`, for example

    {"side": {"choices": ["long", "short"]},
     "entry_price": {"min": "60000", "max": "70000", "step": "50"},
     "leverage": {"choices": [5, 10, 20]}}

A range is `{"choices": [...]}`, `{"min": ..., "max": ..., "step": ...}` (every step from min to
max is equally likely) or a single fixed value. Parameters a question leaves out keep the
generator's defaults. The draw is stored as strings with the attempt, so it can be recomputed.
"""

import logging
import random
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

import margin as engine

logger = logging.getLogger(__name__)


class GeneratorError(ValueError):
    """A generator name, range or prompt an instructor must fix (the message says how)."""


class NoAnswer(GeneratorError):
    """This draw has no answer (e.g. no liquidation price); another draw may have one."""


TEXT_PARAMETERS = frozenset({"side", "symbol", "venue"})
SIDES = ("long", "short")
# The formulas a generated question may ask for, named as the prompt should name them.
VENUE_WORDING = {
    "binance": "Binance's formula (wallet balance and quantity)",
    "textbook": "the simple textbook formula, entry x (1 - 1/leverage + MMR) for a long",
    "bybit": "Bybit's formula (maintenance on the entry value)",
}
MAX_STEPS = 1_000_000
DRAW_RETRIES = 20
CHECK_DRAWS = 10


@dataclass(frozen=True)
class Generator:
    name: str
    label: str
    unit: str
    defaults: dict
    compute: Callable[[Mapping[str, str]], Decimal]
    answer_places: int = 2

    def ranges(self, overrides: Mapping | None) -> dict:
        return {**self.defaults, **(overrides or {})}


# --- engine calls ---------------------------------------------------------------------------


def _dec(params: Mapping[str, str], name: str) -> Decimal:
    return Decimal(str(params[name]))


def _position(params: Mapping[str, str], *, mode: str):
    """One position sized by quantity, or by margin x leverage, with the drawn maintenance rate
    and no maintenance amount, so a learner can reproduce the figure with pen and paper."""
    size: dict[str, Any] = (
        {"quantity": _dec(params, "quantity")}
        if "quantity" in params
        else {"notional": _dec(params, "isolated_margin") * _dec(params, "leverage")}
    )
    rate = params.get("maintenance_margin_rate")
    return engine.PositionSpec(
        id="quiz",
        symbol=params.get("symbol", "BTCUSDT"),
        side=cast(engine.Side, params["side"]),  # PositionSpec validates and coerces it
        margin_mode=cast(engine.MarginMode, mode),
        entry_price=_dec(params, "entry_price"),
        leverage=_dec(params, "leverage"),
        mark_price=_mark(params),
        maintenance_margin_rate=Decimal(rate) if rate is not None else None,
        maintenance_amount=Decimal(0) if rate is not None else None,
        **size,
    )


def _mark(params: Mapping[str, str]) -> Decimal | None:
    if "shock" not in params:
        return None
    return _dec(params, "entry_price") * (1 + _dec(params, "shock"))


def _evaluate(params: Mapping[str, str], *, mode: str, top_up: Decimal = Decimal(0)):
    position = _position(params, mode=mode)
    if mode == "cross":
        wallet_balance = _dec(params, "wallet_balance")
    else:
        # The isolated margin is the whole wallet here: nothing else in the account matters.
        wallet_balance = engine.initial_margin_of(position) + top_up
    account = engine.AccountSpec(wallet_balance=wallet_balance, positions=(position,))
    if top_up:
        account = engine.top_up(account, position.id, top_up)
    evaluation = engine.evaluate(account, venue=params.get("venue", "binance"))
    return evaluation.positions[0]


def _required(value: Decimal | None) -> Decimal:
    if value is None:
        raise NoAnswer("This draw has no liquidation price; narrow the ranges.")
    return value


def isolated_liquidation_price(params: Mapping[str, str]) -> Decimal:
    return _required(_evaluate(params, mode="isolated").liquidation_price)


def bankruptcy_price(params: Mapping[str, str]) -> Decimal:
    return _required(_evaluate(params, mode="isolated").bankruptcy_price)


def initial_margin(params: Mapping[str, str]) -> Decimal:
    return _evaluate(params, mode="isolated").initial_margin


def top_up_liquidation_price(params: Mapping[str, str]) -> Decimal:
    result = _evaluate(params, mode="isolated", top_up=_dec(params, "top_up"))
    return _required(result.liquidation_price)


def liquidation_distance_percent(params: Mapping[str, str]) -> Decimal:
    """How far price must move from entry, in per cent of entry, to reach liquidation."""
    result = _evaluate(params, mode="isolated")
    entry_price = _dec(params, "entry_price")
    return abs(_required(result.liquidation_price) - entry_price) / entry_price * 100


def unrealized_pnl(params: Mapping[str, str]) -> Decimal:
    return _evaluate(params, mode="isolated").unrealized_pnl


# The engine's figure behind each generator, for "how the engine got it".
EXPLAINED_FIGURE = {
    "isolated_liquidation_price": "liquidation_price",
    "bankruptcy_price": "bankruptcy_price",
    "initial_margin": "initial_margin",
    "top_up_liquidation_price": "liquidation_price",
    "liquidation_distance_percent": "liquidation_price",
    "unrealized_pnl": "unrealized_pnl",
    "cross_liquidation_price": "liquidation_price",
    "inverse_initial_margin": "initial_margin",
    "tier_maintenance_margin": "maintenance_margin",
}


def explain_draw(generator_name: str, params: Mapping[str, str]) -> list:
    """The engine's derivation of a drawn answer (engine.Step list; empty if unavailable)."""
    if generator_name not in EXPLAINED_FIGURE:
        return []
    if generator_name in ("inverse_initial_margin", "tier_maintenance_margin"):
        position = (
            _inverse_position(params)
            if generator_name == "inverse_initial_margin"
            else _tier_position(params)
        )
        try:
            account = engine.AccountSpec(
                wallet_balance=engine.initial_margin_of(position),
                collateral="BTC" if position.symbol == "BTCUSD" else "USDT",
                positions=(position,),
            )
            result = engine.evaluate(account).positions[0]
            return engine.explain(result, EXPLAINED_FIGURE[generator_name])
        except (engine.MarginError, KeyError, ArithmeticError):
            return []
    if generator_name == "cross_liquidation_price":
        mode, top_up = "cross", Decimal(0)
    else:
        mode, top_up = "isolated", Decimal(params.get("top_up", "0"))
    try:
        result = _evaluate(params, mode=mode, top_up=top_up)
        return engine.explain(result, EXPLAINED_FIGURE[generator_name])
    except (engine.MarginError, KeyError, ArithmeticError):
        return []


def cross_liquidation_price(params: Mapping[str, str]) -> Decimal:
    return _required(_evaluate(params, mode="cross").liquidation_price)


def _funding_account(params: Mapping[str, str]) -> engine.AccountSpec:
    position = engine.PositionSpec(
        id="quiz",
        symbol=params.get("symbol", "BTCUSDT"),
        side=cast(engine.Side, params["side"]),
        margin_mode=engine.MarginMode.CROSS,
        entry_price=_dec(params, "entry_price"),
        leverage=_dec(params, "leverage"),
        quantity=_dec(params, "quantity"),
    )
    wallet_balance = engine.initial_margin_of(position) * 2
    return engine.AccountSpec(wallet_balance=wallet_balance, positions=(position,))


def funding_payment(params: Mapping[str, str]) -> Decimal:
    """One funding payment at the entry price: positive when the position pays, negative when it
    receives (the engine's replay settles `side x notional x rate`)."""
    account = _funding_account(params)
    mark = {account.positions[0].symbol: _dec(params, "entry_price")}
    run = engine.replay(account, [mark], funding_rate=_dec(params, "funding_rate"), funding_every=1)
    return run.funding


def _tier_position(params: Mapping[str, str]) -> engine.PositionSpec:
    """The BTCUSDT position a tier question draws, sized by notional."""
    return engine.PositionSpec(
        id="quiz",
        symbol="BTCUSDT",
        side=cast(engine.Side, params["side"]),
        margin_mode=engine.MarginMode.ISOLATED,
        entry_price=_dec(params, "entry_price"),
        leverage=_dec(params, "leverage"),
        notional=_dec(params, "notional"),
    )


def _inverse_position(params: Mapping[str, str]) -> engine.PositionSpec:
    return engine.PositionSpec(
        id="quiz",
        symbol="BTCUSD",
        side=cast(engine.Side, params["side"]),
        margin_mode=engine.MarginMode.ISOLATED,
        entry_price=_dec(params, "entry_price"),
        leverage=_dec(params, "leverage"),
        contracts=_dec(params, "contracts"),
    )


def inverse_initial_margin(params: Mapping[str, str]) -> Decimal:
    """Initial margin of a coin-margined BTCUSD position ($100 contracts), in BTC."""
    position = _inverse_position(params)
    account = engine.AccountSpec(
        wallet_balance=engine.initial_margin_of(position), collateral="BTC", positions=(position,)
    )
    return engine.evaluate(account).positions[0].initial_margin


def tier_maintenance_margin(params: Mapping[str, str]) -> Decimal:
    """Maintenance margin from Binance's BTCUSDT bracket table (rate and amount of the tier the
    notional falls in)."""
    position = _tier_position(params)
    account = engine.AccountSpec(
        wallet_balance=engine.initial_margin_of(position), positions=(position,)
    )
    return engine.evaluate(account).positions[0].maintenance_margin


BASE = {
    "symbol": "BTCUSDT",
    "side": {"choices": ["long", "short"]},
    "entry_price": {"min": "60000", "max": "70000", "step": "50"},
    "leverage": {"choices": [5, 10, 20]},
}
BY_MARGIN = {**BASE, "isolated_margin": {"min": "500", "max": "2000", "step": "100"}}
BY_QUANTITY = {**BASE, "quantity": {"choices": ["0.1", "0.25", "0.5", "1", "2"]}}
MAINTENANCE = {"maintenance_margin_rate": {"choices": ["0.005"]}, "venue": "binance"}

GENERATORS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator(
            "isolated_liquidation_price",
            "Liquidation price of an isolated position",
            "USDT",
            {**BY_MARGIN, **MAINTENANCE},
            isolated_liquidation_price,
        ),
        Generator(
            "bankruptcy_price",
            "Bankruptcy price of an isolated position (margin balance zero)",
            "USDT",
            BY_MARGIN,
            bankruptcy_price,
        ),
        Generator(
            "initial_margin",
            "Initial margin for a position size and leverage",
            "USDT",
            BY_QUANTITY,
            initial_margin,
        ),
        Generator(
            "top_up_liquidation_price",
            "Liquidation price after a margin top-up",
            "USDT",
            {**BY_MARGIN, **MAINTENANCE, "top_up": {"min": "100", "max": "1000", "step": "100"}},
            top_up_liquidation_price,
        ),
        Generator(
            "liquidation_distance_percent",
            "Distance from entry to liquidation, in per cent",
            "%",
            {**BY_MARGIN, **MAINTENANCE, "venue": "textbook"},
            liquidation_distance_percent,
        ),
        Generator(
            "unrealized_pnl",
            "Unrealized PnL after a price move",
            "USDT",
            {**BY_QUANTITY, "shock": {"min": "-0.08", "max": "0.08", "step": "0.01"}},
            unrealized_pnl,
        ),
        Generator(
            "cross_liquidation_price",
            "Liquidation price of a single cross position",
            "USDT",
            {
                **BY_QUANTITY,
                **MAINTENANCE,
                "quantity": {"choices": ["0.1", "0.2", "0.5"]},
                "wallet_balance": {"min": "4000", "max": "8000", "step": "500"},
            },
            cross_liquidation_price,
        ),
        Generator(
            "funding_payment",
            "One funding payment (positive: paid; negative: received)",
            "USDT",
            {
                **BY_QUANTITY,
                "funding_rate": {"choices": ["0.0001", "0.0002", "0.0003", "-0.0001"]},
            },
            funding_payment,
        ),
        Generator(
            "inverse_initial_margin",
            "Initial margin of a coin-margined (inverse) position, in BTC",
            "BTC",
            {
                "side": {"choices": ["long", "short"]},
                "entry_price": {"min": "50000", "max": "80000", "step": "1000"},
                "leverage": {"choices": [5, 10, 20]},
                "contracts": {"choices": [50, 100, 200, 500]},
            },
            inverse_initial_margin,
            answer_places=6,
        ),
        Generator(
            "tier_maintenance_margin",
            "Maintenance margin from the BTCUSDT tier table (rate and amount)",
            "USDT",
            {
                "side": {"choices": ["long", "short"]},
                "entry_price": {"min": "60000", "max": "70000", "step": "500"},
                "leverage": {"choices": [5, 10]},
                "notional": {"choices": ["20000", "100000", "400000", "1000000", "2000000"]},
            },
            tier_maintenance_margin,
        ),
    )
}


# --- drawing --------------------------------------------------------------------------------


def _draw_one(name: str, spec, rng: random.Random) -> str:
    if isinstance(spec, Mapping):
        if "choices" in spec:
            choices = spec["choices"]
            if not isinstance(choices, list) or not choices:
                raise GeneratorError(f"{name}: 'choices' must be a non-empty list.")
            return str(rng.choice(choices))
        try:
            low, high = Decimal(str(spec["min"])), Decimal(str(spec["max"]))
            step = Decimal(str(spec.get("step", "1")))
        except (KeyError, InvalidOperation):
            raise GeneratorError(
                f"{name}: give 'choices', or numbers 'min', 'max' and optionally 'step'."
            ) from None
        if step <= 0 or high < low:
            raise GeneratorError(f"{name}: need min <= max and a positive step.")
        steps = int((high - low) / step)
        if steps > MAX_STEPS:
            raise GeneratorError(f"{name}: too many steps between min and max; use a bigger step.")
        return str(low + step * rng.randint(0, steps))
    return str(spec)


def draw_parameters(generator_name: str, ranges: Mapping | None, rng: random.Random) -> dict:
    generator = GENERATORS[generator_name]
    return {name: _draw_one(name, spec, rng) for name, spec in generator.ranges(ranges).items()}


def check_parameter_ranges(generator_name: str, ranges: Mapping | None) -> None:
    """Raise GeneratorError with a readable message if the ranges cannot be drawn from or give
    values the engine rejects (tried on a few seeded draws)."""
    generator = GENERATORS[generator_name]
    if not isinstance(ranges, Mapping):
        raise GeneratorError("Parameters must be a JSON object of name: range.")
    unknown = set(ranges) - set(generator.defaults)
    if unknown:
        raise GeneratorError(
            f"Unknown parameter(s) {', '.join(sorted(unknown))}; this generator knows "
            f"{', '.join(sorted(generator.defaults))}."
        )
    rng = random.Random(0)
    answered = 0
    for _ in range(CHECK_DRAWS):
        params = draw_parameters(generator_name, ranges, rng)
        _check_values(params)
        try:
            compute_answer(generator_name, params)
        except NoAnswer:
            continue
        answered += 1
    if not answered:
        raise NoAnswer(
            "None of the sample draws has an answer (no liquidation price); narrow the ranges."
        )


def _check_values(params: Mapping[str, str]) -> None:
    if params.get("side") not in SIDES:
        raise GeneratorError("side: use 'long' or 'short'.")
    if "venue" in params and params["venue"] not in VENUE_WORDING:
        raise GeneratorError(f"venue: use one of {', '.join(VENUE_WORDING)}.")
    for name, value in params.items():
        if name in TEXT_PARAMETERS:
            continue
        try:
            Decimal(value)
        except InvalidOperation:
            raise GeneratorError(f"{name}: {value!r} is not a number.") from None


def compute_answer(generator_name: str, params: Mapping[str, str]) -> Decimal:
    try:
        return GENERATORS[generator_name].compute(params)
    except engine.MarginError as error:
        raise GeneratorError(f"The engine refused a draw {dict(params)}: {error}") from error
    except (InvalidOperation, KeyError, ValueError, ZeroDivisionError) as error:
        if isinstance(error, GeneratorError):
            raise
        raise GeneratorError(f"Cannot compute a draw {dict(params)}: {error!r}") from error


@dataclass(frozen=True)
class Draw:
    parameters: dict
    expected: Decimal
    prompt: str
    engine_version: str


def draw_question(
    *, generator_name: str, ranges: Mapping | None, prompt: str, rng: random.Random
) -> Draw:
    """Draw parameters until the engine gives an answer (a draw with no liquidation price is
    skipped), compute it, and fill the prompt."""
    last_error: GeneratorError | None = None
    for _ in range(DRAW_RETRIES):
        params = draw_parameters(generator_name, ranges, rng)
        try:
            expected = compute_answer(generator_name, params)
        except NoAnswer as error:
            last_error = error
            continue
        return Draw(params, expected, fill_prompt(prompt, params), engine.ENGINE_VERSION)
    raise last_error or GeneratorError("No usable draw.")


# --- showing --------------------------------------------------------------------------------


def format_number(value: Decimal, places: int | None = None) -> str:
    """65000 -> '65,000'; 3150.5 -> '3,150.5'; places rounds first (display only)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display_values(params: Mapping[str, str]) -> dict[str, str]:
    """The words and figures a prompt template may use."""
    values: dict[str, str] = {}
    for name, raw in params.items():
        values[name] = raw if name in TEXT_PARAMETERS else format_number(Decimal(raw))
    symbol = params.get("symbol", "BTCUSDT")
    values["base"] = symbol.removesuffix("USDT").removesuffix("USD")
    if "maintenance_margin_rate" in params:
        values["maintenance_margin_percent"] = format_number(
            Decimal(params["maintenance_margin_rate"]) * 100
        )
    if "shock" in params:
        shock = Decimal(params["shock"]) * 100
        values["shock_percent"] = format_number(abs(shock))
        values["shock_direction"] = "rises" if shock >= 0 else "falls"
        mark = _mark(params)
        assert mark is not None  # there is a shock
        values["mark_price"] = format_number(mark)
    if "funding_rate" in params:
        values["funding_rate_percent"] = format_number(Decimal(params["funding_rate"]) * 100)
    if "contracts" in params:
        values["contract_value"] = format_number(Decimal(params["contracts"]) * 100)
    if "venue" in params:
        values["formula"] = VENUE_WORDING.get(params["venue"], params["venue"])
    if {"entry_price", "isolated_margin", "leverage"} <= params.keys():
        notional = Decimal(params["isolated_margin"]) * Decimal(params["leverage"])
        values["notional"] = format_number(notional)
    if {"entry_price", "quantity"} <= params.keys():
        values["notional"] = format_number(
            Decimal(params["quantity"]) * Decimal(params["entry_price"])
        )
    return values


# A template is short text with a few {name} fields: longer ones are refused in the admin.
TEMPLATE_MAX_CHARS = 4_000


def _as_typed(name: str, spec: str | None, conversion: str | None) -> str:
    return (
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    )


def fill_prompt(prompt: str, params: Mapping[str, str]) -> str:
    """Fill each ``{name}`` with the draw's words and figures. Only plain names are filled;
    anything else (an unknown name, ``{base.x}``, ``{0}``, a format spec such as
    ``{base:>99999999}``) is shown as typed and logged, never evaluated: Python's own
    formatting raised on the first two and made a 100 MB prompt of the third. The admin refuses
    such templates (check_template); this keeps a learner's quiz working if one is in the
    database anyway."""
    values = display_values(params)
    try:
        fields = list(string.Formatter().parse(prompt))
    except ValueError:
        logger.error("A generated question's template has a stray brace: %.80r", prompt)
        return prompt
    parts = []
    for literal, name, spec, conversion in fields:
        parts.append(literal)
        if name is None:
            continue
        if name in values and not spec and not conversion:
            parts.append(values[name])
        else:
            logger.error(
                "A generated question's template has a field it cannot fill, %r: %.80r",
                _as_typed(name, spec, conversion),
                prompt,
            )
            parts.append(_as_typed(name, spec, conversion))
    return "".join(parts)


def template_names(generator_name: str, ranges: Mapping | None) -> set[str]:
    """The names a template of this generator may use (those display_values gives a draw)."""
    params = draw_parameters(generator_name, ranges, random.Random(0))
    return set(display_values(params))


def check_template(generator_name: str, ranges: Mapping | None, template: str) -> None:
    """Raise GeneratorError with a message an instructor can act on if the prompt or
    explanation template has a field fill_prompt cannot fill."""
    if len(template) > TEMPLATE_MAX_CHARS:
        raise GeneratorError(f"Keep it under {TEMPLATE_MAX_CHARS:,} characters.")
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None
        ]
    except ValueError as error:
        raise GeneratorError(
            f"A brace is not closed or not doubled ({error}); write {{{{ and }}}} for a "
            "literal brace."
        ) from None
    known = template_names(generator_name, ranges)
    for name, spec, conversion in fields:
        typed = _as_typed(name, spec, conversion)
        if spec or conversion or not name.isidentifier():
            plain = re.split(r"[.\[]", name, maxsplit=1)[0] or "name"
            raise GeneratorError(
                f"{typed}: write the name alone, as {{{plain}}}; numbers are formatted for you."
            )
        if name not in known:
            raise GeneratorError(
                f"{typed} is not a value this question draws. Use one of: "
                + ", ".join(f"{{{known_name}}}" for known_name in sorted(known))
                + "."
            )
