"""The calculators' figures, built on the margin engine (no Django here).

Every margin figure (initial and maintenance margin, unrealized PnL, liquidation and bankruptcy
prices, brackets) comes from ``margin``. This module only adds what a calculator asks
and the engine does not: solving for a target price, the largest position the bracket table allows,
the size that risks a given amount, merging a trade into a position, and counting funding payments.
Each such formula is stated in its function's docstring with its source. All values are exact
``Decimal``; rounding happens only when a figure is displayed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from core.concepts import concept_lesson_url
from core.display import display
from margin import (
    MARKETS,
    VENUES,
    AccountSpec,
    MarginError,
    PositionSpec,
    bracket_for,
    evaluate,
    explain,
    replay,
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
# Digits of working precision, as the engine's own: far beyond the cent, so a figure built from
# divisions (1/3 of a coin) is still exact for display at any rounding.
WORKING_PRECISION = 50


def exact(function):
    """Run a calculation at ``WORKING_PRECISION``, leaving the caller's Decimal context alone."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with localcontext() as context:
            context.prec = WORKING_PRECISION
            return function(*args, **kwargs)

    return wrapper


NO_PRICE_REACHES_TARGET = (
    "No price gives this target: the most this position can make is {limit} USDT "
    "(the price falling to zero)."
)
TARGET_BEYOND_ZERO_LOSS = (
    "No price gives this loss: a long loses at most {limit} USDT (the price falling to zero)."
)
LEVERAGE_ABOVE_FIRST_BRACKET = "{symbol} allows at most {maximum}x, even for the smallest position."
MARGIN_ABOVE_BALANCE = (
    "At {leverage}x this position needs {margin} USDT of margin, more than the {balance} USDT "
    "balance: raise the leverage to at least {minimum}x or risk less."
)


class ToolInputError(ValueError):
    """A calculator input the engine accepts but the question cannot be answered for.

    Like the engine's ``MarginError`` it names the form field it belongs beside.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Working:
    """One line of an "explain this number": what, the formula, the learner's numbers, the value."""

    label: str
    formula: str
    substituted: str
    value: str
    concept_id: str = ""

    @property
    def concept_url(self) -> str:
        return concept_lesson_url(self.concept_id) if self.concept_id else ""


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    value: Decimal | None
    kind: str  # how it reads, see formatting.display
    unit: str = ""
    workings: tuple[Working, ...] = ()
    note: str = ""

    @property
    def display(self) -> str:
        return display(self.value, self.kind)


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    highlighted_row: int | None = None


@dataclass(frozen=True)
class SimulatorPosition:
    symbol: str
    side: str
    margin_mode: str
    entry_price: Decimal
    notional: Decimal
    leverage: Decimal
    isolated_margin: Decimal | None = None


@dataclass(frozen=True)
class SimulatorSetup:
    """The same position, ready to open in the simulator (see ``simulator_query``)."""

    wallet_balance: Decimal
    venue: str
    positions: tuple[SimulatorPosition, ...]


@dataclass(frozen=True)
class ToolResult:
    headline: tuple[Figure, ...]
    figures: tuple[Figure, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    table: Table | None = None
    setup: SimulatorSetup | None = None
    announcement: str = ""  # one sentence for screen readers when the result changes

    def __post_init__(self):
        if not self.announcement and self.headline:
            first = self.headline[0]
            object.__setattr__(
                self, "announcement", f"{first.label}: {first.display} {first.unit}".strip()
            )


# The simulator's form names (simulator/forms.py on the simulator branch): an account form and a
# formset of positions with the prefix "pos", sized by notional.
SIMULATOR_FORMSET_PREFIX = "pos"
LINK_DECIMALS = Decimal("1e-8")  # a link carries inputs, not exact figures: 8 decimals suffice


def simulator_query(setup: SimulatorSetup) -> list[tuple[str, str]]:
    """Query parameters that open ``setup`` in the simulator (its form and formset names)."""
    prefix = SIMULATOR_FORMSET_PREFIX
    pairs = [
        ("wallet_balance", _plain(setup.wallet_balance)),
        ("collateral", "USDT"),
        ("venue", setup.venue),
        (f"{prefix}-TOTAL_FORMS", str(len(setup.positions))),
        (f"{prefix}-INITIAL_FORMS", "0"),
    ]
    for index, position in enumerate(setup.positions):
        row = f"{prefix}-{index}-"
        pairs += [
            (row + "symbol", position.symbol),
            (row + "side", position.side),
            (row + "margin_mode", position.margin_mode),
            (row + "entry_price", _plain(position.entry_price)),
            (row + "size_by", "notional"),
            (row + "size", _plain(position.notional)),
            (row + "leverage", _plain(position.leverage)),
            (row + "isolated_margin", _plain(position.isolated_margin)),
        ]
    return pairs


def _plain(value: Decimal | None) -> str:
    """A number for a URL: fixed point, at most 8 decimals, no trailing zeros ('' for None)."""
    if value is None:
        return ""
    text = f"{value.quantize(LINK_DECIMALS, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sign(side: str) -> Decimal:
    return ONE if side == "long" else -ONE


def _engine_workings(result, figure_name: str, kind: str) -> tuple[Working, ...]:
    """The engine's own derivation of one of its figures, with the learner's numbers.

    The last step is the figure itself and reads as one (``kind``); the steps before it are
    intermediate numbers, shown plainly. A step without a value (a statement) shows none.
    """
    steps = explain(result, figure_name)
    return tuple(
        Working(
            label=step.label,
            formula=step.formula,
            substituted=step.substituted,
            value=""
            if step.value is None
            else display(step.value, kind if index == len(steps) - 1 else "plain"),
            concept_id=step.concept_id or "",
        )
        for index, step in enumerate(steps)
    )


def _position(
    *,
    symbol: str,
    side: str,
    margin_mode: str,
    entry_price: Decimal,
    quantity: Decimal,
    leverage: Decimal,
    isolated_margin: Decimal | None = None,
    mark_price: Decimal | None = None,
    position_id: str = "P1",
) -> PositionSpec:
    return PositionSpec(
        id=position_id,
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        isolated_margin=isolated_margin if margin_mode == "isolated" else None,
        mark_price=mark_price,
    )


def _evaluate_one(
    position: PositionSpec,
    *,
    wallet_balance: Decimal,
    venue: str,
    fee_rate=ZERO,
    parameters_as_of=None,
):
    account = AccountSpec(
        wallet_balance=wallet_balance,
        positions=(position,),
        taker_fee_rate=fee_rate,
        parameters_as_of=parameters_as_of,
    )
    evaluation = evaluate(account, venue=venue)
    return evaluation.positions[0], evaluation


def _isolated_one(
    *, venue: str = "binance", fee_rate=ZERO, parameters_as_of=None, overrides=None, **position
):
    """One isolated position, evaluated in an account that holds just its margin (and fees);
    ``overrides`` are the learner's own maintenance rate and amount."""
    spec = replace(_position(margin_mode="isolated", **position), **(overrides or {}))
    # The wallet only has to cover the margin; the isolated figures do not depend on it.
    notional = spec.entry_price * spec.quantity
    margin = spec.isolated_margin or notional / spec.leverage
    return _evaluate_one(
        spec,
        wallet_balance=margin + notional * fee_rate * 2,
        venue=venue,
        fee_rate=fee_rate,
        parameters_as_of=parameters_as_of,
    )


def _money(label: str, value: Decimal, **kwargs) -> Figure:
    return Figure(
        name=kwargs.pop("name", label),
        label=label,
        value=value,
        kind="money",
        unit="USDT",
        **kwargs,
    )


# 1. PnL and ROE ---------------------------------------------------------------------------------


@exact
def pnl(*, symbol, side, entry_price, exit_price, quantity, leverage, fee_rate=ZERO) -> ToolResult:
    """PnL of closing at ``exit_price``, ROE on the initial margin, and the fees of both fills.

    PnL and initial margin are the engine's (position evaluated at mark = exit). Fees: rate x fill
    notional on the open (``Q*E*f``) and on the close (``Q*X*f``), as Binance and Bybit charge
    them. ROE = PnL / initial margin (Binance's futures calculator). None of it depends on the
    margin mode.
    """
    result, _ = _isolated_one(
        symbol=symbol,
        side=side,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        mark_price=exit_price,
        fee_rate=fee_rate,
    )
    margin = result.initial_margin
    gross = result.unrealized_pnl
    open_fee = quantity * entry_price * fee_rate
    close_fee = quantity * exit_price * fee_rate
    fees = open_fee + close_fee
    net = gross - fees
    roe = gross / margin
    net_roe = net / margin
    move = (exit_price - entry_price) / entry_price
    fee_workings = (
        Working(
            "Open fee",
            "Q x E x fee",
            f"{quantity} x {entry_price} x {fee_rate}",
            display(open_fee, "money"),
        ),
        Working(
            "Close fee",
            "Q x exit x fee",
            f"{quantity} x {exit_price} x {fee_rate}",
            display(close_fee, "money"),
        ),
        Working(
            "Fees",
            "open fee + close fee",
            f"{display(open_fee, 'money')} + {display(close_fee, 'money')}",
            display(fees, "money"),
            "C19",
        ),
    )
    headline = [
        _money(
            "PnL", gross, name="pnl", workings=_engine_workings(result, "unrealized_pnl", "money")
        ),
        Figure(
            "roe",
            "ROE",
            roe,
            "percent",
            workings=(
                Working(
                    "ROE on margin",
                    "PnL / initial margin",
                    f"{display(gross, 'money')} / {display(margin, 'money')}",
                    display(roe, "percent"),
                    "C01",
                ),
            ),
        ),
    ]
    figures = [
        _money(
            "Initial margin",
            margin,
            name="initial_margin",
            workings=_engine_workings(result, "initial_margin", "money"),
        ),
        Figure(
            "price_move",
            "Price move",
            move,
            "percent",
            workings=(
                Working(
                    "Price move",
                    "(exit - E) / E",
                    f"({exit_price} - {entry_price}) / {entry_price}",
                    display(move, "percent"),
                ),
            ),
        ),
    ]
    if fee_rate:
        figures += [
            _money("Fees paid", fees, name="fees", workings=fee_workings),
            _money(
                "PnL after fees",
                net,
                name="net_pnl",
                workings=(
                    *fee_workings,
                    Working(
                        "PnL after fees",
                        "PnL - fees",
                        f"{display(gross, 'money')} - {display(fees, 'money')}",
                        display(net, "money"),
                    ),
                ),
            ),
            Figure(
                "net_roe",
                "ROE after fees",
                net_roe,
                "percent",
                workings=(
                    Working(
                        "ROE after fees",
                        "(PnL - fees) / initial margin",
                        f"{display(net, 'money')} / {display(margin, 'money')}",
                        display(net_roe, "percent"),
                    ),
                ),
            ),
        ]
    notes = [
        "PnL, ROE and fees are the same in isolated and cross margin: the mode only decides "
        "which collateral stands behind the position (and so where it is liquidated)."
    ]
    return ToolResult(
        headline=tuple(headline),
        figures=tuple(figures),
        notes=tuple(notes),
        setup=_setup_for(
            symbol=symbol,
            side=side,
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=margin,
        ),
    )


def _setup_for(
    *,
    symbol,
    side,
    margin_mode,
    entry_price,
    quantity,
    leverage,
    wallet_balance,
    venue="binance",
    isolated_margin=None,
) -> SimulatorSetup:
    return SimulatorSetup(
        wallet_balance=wallet_balance,
        venue=venue,
        positions=(
            SimulatorPosition(
                symbol,
                side,
                margin_mode,
                entry_price,
                quantity * entry_price,
                leverage,
                isolated_margin if margin_mode == "isolated" else None,
            ),
        ),
    )


# 2. Target price -------------------------------------------------------------------------------


@exact
def target_exit_price(*, side, entry_price, quantity, target_pnl, fee_rate=ZERO) -> Decimal:
    """The exit price X at which the PnL after fees equals ``target_pnl``.

    Solves ``s*Q*(X - E) - f*Q*E - f*Q*X = T`` for X: ``X = (T/Q + E*(s + f)) / (s - f)``.
    Without fees this is Binance's target-price calculator, ``X = E + s*T/Q``; with a ROE target
    ``T = ROE * Q*E/L`` it reads ``X = E*(1 + s*ROE/L)``.
    """
    s = _sign(side)
    return (target_pnl / quantity + entry_price * (s + fee_rate)) / (s - fee_rate)


@exact
def target_price(
    *, symbol, side, entry_price, quantity, leverage, target_kind, target, fee_rate=ZERO
) -> ToolResult:
    """The exit price for a wanted ROE (per cent of the initial margin) or PnL, after fees."""
    at_entry, _ = _isolated_one(
        symbol=symbol, side=side, entry_price=entry_price, quantity=quantity, leverage=leverage
    )
    margin = at_entry.initial_margin
    if target_kind == "roe":
        target_pnl = target / HUNDRED * margin
        target_workings = (
            Working(
                "Wanted PnL",
                "ROE x initial margin",
                f"{target}% x {display(margin, 'money')}",
                display(target_pnl, "money"),
                "C02",
            ),
        )
    else:
        target_pnl = target
        target_workings = ()
    exit_price = target_exit_price(
        side=side,
        entry_price=entry_price,
        quantity=quantity,
        target_pnl=target_pnl,
        fee_rate=fee_rate,
    )
    if exit_price <= 0:
        # The exit price that would do it is zero or below: no market reaches it.
        limit = target_exit_limit(
            side=side, entry_price=entry_price, quantity=quantity, fee_rate=fee_rate
        )
        message = NO_PRICE_REACHES_TARGET if side == "short" else TARGET_BEYOND_ZERO_LOSS
        raise ToolInputError(message.format(limit=display(limit, "money")), field="target")
    # Check by evaluating the position at the exit price: the engine's PnL, our fees.
    at_exit, _ = _isolated_one(
        symbol=symbol,
        side=side,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        mark_price=exit_price,
    )
    fees = quantity * (entry_price + exit_price) * fee_rate
    net = at_exit.unrealized_pnl - fees
    s = "+" if side == "long" else "-"
    formula = "X = E + s x T / Q" if not fee_rate else "X = (T/Q + E x (s + f)) / (s - f)"
    substituted = (
        f"{entry_price} {s} {display(target_pnl, 'money')} / {quantity}"
        if not fee_rate
        else f"({display(target_pnl, 'money')} / {quantity} + {entry_price} x ({s}1 + {fee_rate}))"
        f" / ({s}1 - {fee_rate})"
    )
    headline = [
        Figure(
            "target_price",
            "Exit price",
            exit_price,
            "price",
            "USDT",
            workings=(
                *target_workings,
                Working("Exit price", formula, substituted, display(exit_price, "price")),
            ),
        ),
    ]
    move = (exit_price - entry_price) / entry_price
    figures = [
        Figure("price_move", "Price move needed", move, "percent"),
        _money("PnL at that price" + (" after fees" if fee_rate else ""), net, name="pnl"),
        Figure("roe", "ROE at that price", net / margin, "percent"),
        _money(
            "Initial margin",
            margin,
            name="initial_margin",
            workings=_engine_workings(at_entry, "initial_margin", "money"),
        ),
        Figure(
            "liquidation_price",
            "Isolated liquidation price",
            at_entry.liquidation_price,
            "price",
            "USDT",
            workings=_engine_workings(at_entry, "liquidation_price", "price"),
            note="Binance rules, the position holding only its initial margin.",
        ),
    ]
    warnings = []
    liquidation = at_entry.liquidation_price
    if liquidation is not None and (
        (side == "long" and exit_price <= liquidation)
        or (side == "short" and exit_price >= liquidation)
    ):
        warnings.append(
            f"This exit lies beyond the isolated liquidation price ({display(liquidation, 'price')}"
            f" USDT): at {leverage}x the position is liquidated on the way and loses its whole "
            f"margin ({display(margin, 'money')} USDT) first."
        )
    return ToolResult(
        headline=tuple(headline),
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=(
            "ROE is counted on the initial margin, as exchanges show it; it is the same in "
            "isolated and cross margin.",
        ),
        setup=_setup_for(
            symbol=symbol,
            side=side,
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=margin,
        ),
    )


def target_exit_limit(*, side, entry_price, quantity, fee_rate=ZERO) -> Decimal:
    """The PnL after fees at an exit price of zero: a short's best case, a long's worst."""
    return target_pnl_at(
        side=side, entry_price=entry_price, quantity=quantity, exit_price=ZERO, fee_rate=fee_rate
    )


def target_pnl_at(*, side, entry_price, quantity, exit_price, fee_rate=ZERO) -> Decimal:
    """``s*Q*(X - E) - f*Q*(E + X)``: the PnL after fees of closing at X (inverse of the above)."""
    return _sign(side) * quantity * (exit_price - entry_price) - fee_rate * quantity * (
        entry_price + exit_price
    )


# 3. Liquidation price --------------------------------------------------------------------------


def cross_wallet_with_allowance(*, wallet_balance, other_maintenance_margin, other_unrealized_pnl):
    """The wallet balance that stands behind this position once the others take their share.

    Binance's one-way formula ``LP = (WB - TMM1 + UPNL1 + cum - s*Q*E) / (Q*MMR - s*Q)`` uses the
    other cross positions only through ``WB - TMM1 + UPNL1``: their maintenance margin is set
    aside, their unrealized PnL counts (both held at their current marks). So one position in a
    wallet of that size has exactly the liquidation price it has beside the others.
    """
    return wallet_balance - other_maintenance_margin + other_unrealized_pnl


@exact
def liquidation_price(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    entry_price,
    quantity,
    leverage,
    isolated_margin=None,
    wallet_balance=None,
    other_maintenance_margin=None,
    other_unrealized_pnl=None,
    fee_rate=ZERO,
    parameters_as_of=None,
    maintenance_margin_rate=None,
    maintenance_amount=None,
    mark_price=None,
) -> ToolResult:
    """One position's liquidation and bankruptcy prices under a venue's rules, in either mode.

    The fee rate matters where the venue's rules use it: OKX adds it to the maintenance rate,
    Bybit holds the fee to close at the bankruptcy price in IM, MM and the order cost.
    ``parameters_as_of`` picks the venue's tables of that day; ``maintenance_margin_rate`` (a
    percentage, as the form's) and ``maintenance_amount`` override the table; ``mark_price``
    (empty: the entry) is where the position stands now.
    """
    overrides = {
        "maintenance_margin_rate": maintenance_margin_rate / HUNDRED
        if maintenance_margin_rate is not None
        else None,
        "maintenance_amount": maintenance_amount,
        "mark_price": mark_price,
    }
    other_mm = other_maintenance_margin or ZERO
    other_pnl = other_unrealized_pnl or ZERO
    spec = _position(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        isolated_margin=isolated_margin,
    )
    spec = replace(spec, **overrides)
    notes = []
    if margin_mode == "cross":
        backing = cross_wallet_with_allowance(
            wallet_balance=wallet_balance,
            other_maintenance_margin=other_mm,
            other_unrealized_pnl=other_pnl,
        )
        if other_mm or other_pnl:
            notes.append(
                f"Your other cross positions set aside {display(other_mm, 'money')} USDT of "
                f"maintenance margin and add {display(other_pnl, 'money')} USDT of unrealized PnL, "
                f"so {display(backing, 'money')} USDT of the wallet backs this position. They are "
                "held at their current prices."
            )
        result, evaluation = _evaluate_one(
            spec,
            wallet_balance=backing,
            venue=venue,
            fee_rate=fee_rate,
            parameters_as_of=parameters_as_of,
        )
    else:
        result, evaluation = _isolated_one(
            venue=venue,
            symbol=symbol,
            side=side,
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            isolated_margin=isolated_margin,
            fee_rate=fee_rate,
            parameters_as_of=parameters_as_of,
            overrides=overrides,
        )
    figures = _liquidation_figures(result)
    if fee_rate:
        figures += [
            _money("Open fee", result.open_fee, name="open_fee"),
            _money(
                "Order cost",
                result.order_cost,
                name="order_cost",
                note="Initial margin and open fee"
                + (
                    ", plus the fee to close at the bankruptcy price."
                    if VENUES[venue].close_fee_in_order_cost
                    else "."
                ),
            ),
        ]
    if margin_mode == "cross":
        allowance = Working(
            "Wallet behind this position",
            "wallet balance - other maintenance margin + other uPnL",
            f"{wallet_balance} - {other_mm} + {other_pnl}",
            display(backing, "money"),
            "C05",
        )
        figures[0] = replace(figures[0], workings=(allowance, *figures[0].workings))
    compare = _other_mode_sentence(
        venue=venue,
        spec=spec,
        margin_mode=margin_mode,
        wallet_balance=wallet_balance,
        other_mm=other_mm,
        other_pnl=other_pnl,
        fee_rate=fee_rate,
        parameters_as_of=parameters_as_of,
        overrides=overrides,
    )
    if compare:
        notes.append(compare)
    notes.extend(evaluation.notes)
    rules = VENUES[venue]
    notes.append(f"{rules.label}: {rules.description}")
    if rules.leaves_out:
        notes.append("This rule set leaves out " + "; ".join(rules.leaves_out) + ".")
    if result.bracket_table:
        notes.append(
            f"Maintenance table: {result.bracket_table}, in force {result.parameters_effective} "
            f"(source: {result.parameters_source})."
        )
    else:
        notes.append("Maintenance: your own rate and amount, not a table.")
    warnings = []
    if result.status == "liquidated":
        warnings.append(
            "This position is already at or past its liquidation price: the margin "
            "behind it does not cover its maintenance margin."
        )
    return ToolResult(
        headline=tuple(figures[:2]),
        figures=tuple(figures[2:]),
        warnings=tuple(warnings),
        notes=tuple(notes),
        setup=SimulatorSetup(
            # Cross: the wallet left for this position once the others took their share, so the
            # simulator shows the same price; isolated: the wallet, at least the margin.
            wallet_balance=backing
            if margin_mode == "cross"
            else max(wallet_balance or ZERO, isolated_margin or result.initial_margin),
            venue=venue,
            positions=(
                SimulatorPosition(
                    symbol,
                    side,
                    margin_mode,
                    entry_price,
                    quantity * entry_price,
                    leverage,
                    isolated_margin if margin_mode == "isolated" else None,
                ),
            ),
        ),
    )


def _liquidation_figures(result) -> list[Figure]:
    def from_engine(name, label, kind, unit="USDT", **kwargs):
        # A missing figure is explained once, by the liquidation price's own derivation.
        value = getattr(result, name)
        explained = value is not None or name == "liquidation_price"
        return Figure(
            name,
            label,
            value,
            kind,
            unit,
            workings=_engine_workings(result, name, kind) if explained else (),
            **kwargs,
        )

    return [
        from_engine(
            "liquidation_price",
            "Liquidation price",
            "price",
            note=""
            if result.liquidation_price is not None
            else "No liquidation price: the margin covers a fall to zero.",
        ),
        from_engine("distance_to_liquidation", "Distance to liquidation", "percent", ""),
        from_engine("bankruptcy_price", "Bankruptcy price", "price"),
        from_engine("initial_margin", "Initial margin", "money"),
        from_engine("maintenance_margin", "Maintenance margin", "money"),
        Figure(
            "maintenance_margin_rate",
            "Maintenance margin rate",
            result.maintenance_margin_rate,
            "percent",
        ),
        Figure(
            "maintenance_amount",
            "Maintenance amount (cum)",
            result.maintenance_amount,
            "money",
            "USDT",
        ),
        from_engine("notional", "Notional", "money"),
    ]


def _other_mode_sentence(
    *,
    venue,
    spec,
    margin_mode,
    wallet_balance,
    other_mm,
    other_pnl,
    fee_rate,
    parameters_as_of=None,
    overrides=None,
) -> str:
    """The same position's liquidation price in the other margin mode, for comparison."""
    if margin_mode == "isolated":
        if wallet_balance is None:
            return (
                "Give a wallet balance to compare with cross margin, where the whole balance "
                "backs the position."
            )
        other = replace(
            _position(
                symbol=spec.symbol,
                side=spec.side,
                margin_mode="cross",
                entry_price=spec.entry_price,
                quantity=spec.quantity,
                leverage=spec.leverage,
            ),
            **(overrides or {}),
        )
        backing = cross_wallet_with_allowance(
            wallet_balance=wallet_balance,
            other_maintenance_margin=other_mm,
            other_unrealized_pnl=other_pnl,
        )
        try:
            result, _ = _evaluate_one(
                other,
                wallet_balance=backing,
                venue=venue,
                fee_rate=fee_rate,
                parameters_as_of=parameters_as_of,
            )
        except MarginError:
            return ""
        name = "cross margin"
    else:
        try:
            result, _ = _isolated_one(
                venue=venue,
                symbol=spec.symbol,
                side=spec.side,
                entry_price=spec.entry_price,
                quantity=spec.quantity,
                leverage=spec.leverage,
                fee_rate=fee_rate,
                parameters_as_of=parameters_as_of,
                overrides=overrides,
            )
        except MarginError:
            return ""
        name = "isolated margin with only the initial margin"
    return (
        f"In {name} the same position would be liquidated at "
        f"{display(result.liquidation_price, 'price')} USDT."
    )


# 4. Max position size --------------------------------------------------------------------------


@exact
def max_notional(*, symbol, wallet_balance, leverage, fee_rate=ZERO) -> tuple[Decimal, object]:
    """The largest notional a balance opens at ``leverage``, and the bracket that bounds it.

    Two limits (Binance "Leverage and Margin of USDⓈ-M Futures", the max-open calculator):
    - the balance pays the initial margin and the open fee: ``N/L + N*f <= B``, so
      ``N <= B / (1/L + f)``;
    - the bracket table caps leverage as notional grows: ``N`` may not exceed the cap of the
      largest bracket whose maximum leverage is at least ``L`` (tiers are ordered, so the allowed
      notionals run from 0 to that cap).
    Returns the smaller, with the bracket it falls in.
    """
    table = MARKETS[symbol].table
    allowed = [bracket for bracket in table.brackets if bracket.max_leverage >= leverage]
    if not allowed:
        raise ToolInputError(
            LEVERAGE_ABOVE_FIRST_BRACKET.format(
                symbol=symbol, maximum=display(table.brackets[0].max_leverage, "count")
            ),
            field="leverage",
        )
    by_balance = wallet_balance / (ONE / leverage + fee_rate)
    by_brackets = allowed[-1].cap
    notional = min(by_balance, by_brackets)
    return notional, bracket_for(table, notional)


@exact
def max_position(*, symbol, wallet_balance, leverage, entry_price, fee_rate=ZERO) -> ToolResult:
    notional, bracket = max_notional(
        symbol=symbol, wallet_balance=wallet_balance, leverage=leverage, fee_rate=fee_rate
    )
    quantity = notional / entry_price
    # The engine opens it: this checks the bracket's leverage limit and gives the margins.
    result, _ = _isolated_one(
        symbol=symbol,
        side="long",
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        fee_rate=fee_rate,
    )
    by_balance = wallet_balance / (ONE / leverage + fee_rate)
    capped = notional < by_balance
    table = MARKETS[symbol].table
    balance_working = Working(
        "What the balance opens",
        "B / (1/L + fee)" if fee_rate else "B x L",
        f"{wallet_balance} / (1/{leverage} + {fee_rate})"
        if fee_rate
        else f"{wallet_balance} x {leverage}",
        display(by_balance, "money"),
        "C02",
    )
    allowed_cap = max(b.cap for b in table.brackets if b.max_leverage >= leverage)
    cap_working = Working(
        "What the brackets allow at this leverage",
        "cap of the largest bracket with max leverage >= L",
        f"{display(leverage, 'leverage')} allowed up to {display(allowed_cap, 'money')}",
        display(allowed_cap, "money"),
        "C03",
    )
    pick = Working(
        "Max notional",
        "min(balance limit, bracket limit)",
        f"min({display(by_balance, 'money')}, {display(allowed_cap, 'money')})",
        display(notional, "money"),
    )
    headline = (
        _money(
            "Max notional",
            notional,
            name="max_notional",
            workings=(balance_working, cap_working, pick),
        ),
        Figure(
            "max_quantity",
            "Max quantity",
            quantity,
            "quantity",
            MARKETS[symbol].base,
            workings=(
                Working(
                    "Quantity",
                    "notional / price",
                    f"{display(notional, 'money')} / {entry_price}",
                    display(quantity, "quantity"),
                ),
            ),
        ),
    )
    figures = [
        _money(
            "Initial margin",
            result.initial_margin,
            name="initial_margin",
            workings=_engine_workings(result, "initial_margin", "money"),
        ),
        _money("Balance limit", by_balance, name="balance_limit", workings=(balance_working,)),
        _money(
            "Bracket limit at this leverage",
            allowed_cap,
            name="bracket_limit",
            workings=(cap_working,),
        ),
    ]
    if fee_rate:
        figures.append(_money("Open fee", notional * fee_rate, name="open_fee"))
    rows = []
    highlighted = None
    for index, row in enumerate(table.brackets):
        if row == bracket:
            highlighted = index
        rows.append(
            (
                f"{display(row.floor, 'count')} – {display(row.cap, 'count')}",
                display(row.max_leverage, "leverage"),
                display(row.maintenance_margin_rate, "percent"),
                display(row.maintenance_amount, "money"),
            )
        )
    notes = []
    if capped:
        lower = [b for b in table.brackets if b.cap > notional]
        if lower:
            notes.append(
                f"The bracket table, not your balance, is the limit: above "
                f"{display(notional, 'money')} USDT of notional {symbol} allows at most "
                f"{display(lower[0].max_leverage, 'leverage')}. Lower the leverage to open more."
            )
    else:
        notes.append(
            "Your balance is the limit: with more margin (or more leverage, within the "
            "bracket's maximum) you could open more."
        )
    notes.append(
        "The limits are the same in isolated and cross margin; in cross, margin already "
        "used by other positions is not available."
    )
    if table.illustrative:
        notes.append(f"The {symbol} bracket table is illustrative, not a published snapshot.")
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        notes=tuple(notes),
        table=Table(
            caption=f"{symbol} brackets ({table.source})",
            headers=("Notional (USDT)", "Max leverage", "Maintenance rate", "Maintenance amount"),
            rows=tuple(rows),
            highlighted_row=highlighted,
        ),
        setup=_setup_for(
            symbol=symbol,
            side="long",
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=wallet_balance,
        ),
    )


# 5. Average entry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionAfterTrade:
    entry_price: Decimal
    quantity: Decimal
    isolated_margin: Decimal | None
    wallet_balance: Decimal
    realized_pnl: Decimal


@exact
def trade_into(
    *,
    side,
    margin_mode,
    entry_price,
    quantity,
    isolated_margin,
    wallet_balance,
    action,
    trade_price,
    trade_quantity,
    leverage,
) -> PositionAfterTrade:
    """The position after adding to it or reducing it (one-way mode, same side).

    Adding (Binance/Bybit "average entry price"): ``E' = (Q*E + q*P) / (Q + q)``; an isolated
    position's margin grows by the new part's initial margin ``q*P/L``.
    Reducing: the entry stays; the closed part realizes ``s*q*(P - E)`` into the wallet, and an
    isolated position releases its margin pro rata, ``M * q/Q`` (Binance and Bybit both scale the
    isolated margin with the size left).
    """
    if action == "add":
        new_quantity = quantity + trade_quantity
        new_entry = (quantity * entry_price + trade_quantity * trade_price) / new_quantity
        margin = None
        if margin_mode == "isolated":
            margin = isolated_margin + trade_quantity * trade_price / leverage
        return PositionAfterTrade(new_entry, new_quantity, margin, wallet_balance, ZERO)
    realized = _sign(side) * trade_quantity * (trade_price - entry_price)
    left = quantity - trade_quantity
    margin = None
    if margin_mode == "isolated":
        margin = isolated_margin * left / quantity
    return PositionAfterTrade(entry_price, left, margin, wallet_balance + realized, realized)


@exact
def average_entry(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    entry_price,
    quantity,
    leverage,
    wallet_balance,
    action,
    trade_price,
    trade_quantity,
) -> ToolResult:
    """Before and after a trade: entry, size, margin and liquidation price, from the engine."""
    before_spec = _position(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        mark_price=trade_price,
    )
    before, _ = _evaluate_one(before_spec, wallet_balance=wallet_balance, venue=venue)
    isolated = before.initial_margin if margin_mode == "isolated" else None
    after_state = trade_into(
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        isolated_margin=isolated,
        wallet_balance=wallet_balance,
        action=action,
        trade_price=trade_price,
        trade_quantity=trade_quantity,
        leverage=leverage,
    )
    entry_working = (
        (
            Working(
                "New entry price",
                "(Q x E + q x P) / (Q + q)",
                f"({quantity} x {entry_price} + {trade_quantity} x {trade_price}) / "
                f"({quantity} + {trade_quantity})",
                display(after_state.entry_price, "price"),
            ),
        )
        if action == "add"
        else (
            Working(
                "Entry price",
                "unchanged when reducing",
                f"{entry_price}",
                display(entry_price, "price"),
            ),
        )
    )
    realized_working = (
        Working(
            "Realized PnL",
            "s x q x (P - E)",
            f"{'+' if side == 'long' else '-'}{trade_quantity} x ({trade_price} - {entry_price})",
            display(after_state.realized_pnl, "money"),
        ),
    )
    closed = after_state.quantity == 0
    after = None
    if not closed:
        after_spec = _position(
            symbol=symbol,
            side=side,
            margin_mode=margin_mode,
            entry_price=after_state.entry_price,
            quantity=after_state.quantity,
            leverage=leverage,
            isolated_margin=after_state.isolated_margin,
            mark_price=trade_price,
        )
        after, _ = _evaluate_one(after_spec, wallet_balance=after_state.wallet_balance, venue=venue)
    margin_before = isolated if isolated is not None else before.initial_margin
    margin_after = (
        None
        if after is None
        else after_state.isolated_margin
        if margin_mode == "isolated"
        else after.initial_margin
    )
    headline = [
        Figure(
            "entry_price",
            "New entry price" if not closed else "Position closed",
            None if closed else after_state.entry_price,
            "price",
            "USDT",
            workings=entry_working,
        ),
        Figure(
            "liquidation_price",
            "New liquidation price",
            None if after is None else after.liquidation_price,
            "price",
            "USDT",
            workings=() if after is None else _engine_workings(after, "liquidation_price", "price"),
        ),
    ]
    figures = [
        Figure("quantity", "New quantity", after_state.quantity, "quantity", MARKETS[symbol].base),
    ]
    if action == "reduce":
        figures.append(
            _money(
                "Realized PnL",
                after_state.realized_pnl,
                name="realized_pnl",
                workings=realized_working,
            )
        )
    rows = (
        (
            "Entry price",
            display(entry_price, "price"),
            "—" if closed else display(after_state.entry_price, "price"),
        ),
        ("Quantity", display(quantity, "quantity"), display(after_state.quantity, "quantity")),
        (
            "Notional at the trade price",
            display(before.notional, "money"),
            "—" if after is None else display(after.notional, "money"),
        ),
        (
            "Isolated margin" if margin_mode == "isolated" else "Initial margin",
            display(margin_before, "money"),
            display(margin_after, "money"),
        ),
        (
            "Wallet balance",
            display(wallet_balance, "money"),
            display(after_state.wallet_balance, "money"),
        ),
        (
            "Unrealized PnL",
            display(before.unrealized_pnl, "money"),
            "—" if after is None else display(after.unrealized_pnl, "money"),
        ),
        (
            "Liquidation price",
            display(before.liquidation_price, "price"),
            "—" if after is None else display(after.liquidation_price, "price"),
        ),
    )
    notes = [
        f"Both sides of the table are evaluated at the trade price ({display(trade_price, 'price')}"
        " USDT), taken as the mark price.",
    ]
    if margin_mode == "isolated" and action == "add":
        notes.append(
            "The added part brings its own initial margin, so the isolated margin grows "
            "with the position."
        )
    if margin_mode == "cross":
        notes.append(
            "In cross margin the whole wallet backs the position, so adding to it moves "
            "the liquidation price towards the market."
        )
    return ToolResult(
        headline=tuple(headline),
        figures=tuple(figures),
        notes=tuple(notes),
        table=Table(
            caption="Before and after the trade", headers=("", "Before", "After"), rows=rows
        ),
        setup=None
        if closed
        else SimulatorSetup(
            wallet_balance=after_state.wallet_balance,
            venue=venue,
            positions=(
                SimulatorPosition(
                    symbol,
                    side,
                    margin_mode,
                    after_state.entry_price,
                    after_state.entry_price * after_state.quantity,
                    leverage,
                    after_state.isolated_margin,
                ),
            ),
        ),
    )


# 7. Position size from risk --------------------------------------------------------------------


@exact
def size_for_risk(*, wallet_balance, risk_fraction, entry_price, stop_price, fee_rate=ZERO):
    """The quantity that loses exactly ``risk_fraction`` of the balance if the stop is hit.

    Loss at the stop per coin: the price distance plus the fees of both fills,
    ``|E - S| + f*(E + S)``; so ``Q = B*r / (|E - S| + f*(E + S))`` (the fixed-fractional sizing
    rule of trading textbooks; fees as the exchanges charge them, rate x fill notional).
    Returns (risk amount, quantity).
    """
    risk = wallet_balance * risk_fraction
    per_coin = abs(entry_price - stop_price) + fee_rate * (entry_price + stop_price)
    return risk, risk / per_coin


@exact
def position_size(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    wallet_balance,
    risk_fraction,
    entry_price,
    stop_price,
    leverage,
    fee_rate=ZERO,
) -> ToolResult:
    risk, quantity = size_for_risk(
        wallet_balance=wallet_balance,
        risk_fraction=risk_fraction,
        entry_price=entry_price,
        stop_price=stop_price,
        fee_rate=fee_rate,
    )
    notional = quantity * entry_price
    implied = notional / wallet_balance
    margin = notional / leverage
    if margin > wallet_balance:
        raise ToolInputError(
            MARGIN_ABOVE_BALANCE.format(
                leverage=display(leverage, "count"),
                margin=display(margin, "money"),
                balance=display(wallet_balance, "money"),
                minimum=display(implied, "leverage").rstrip("x"),
            ),
            field="leverage",
        )
    spec = _position(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
    )
    result, _ = _evaluate_one(spec, wallet_balance=wallet_balance, venue=venue, fee_rate=fee_rate)
    # The engine's PnL at the stop, to show the loss it implies.
    at_stop, _ = _evaluate_one(
        _position(
            symbol=symbol,
            side=side,
            margin_mode=margin_mode,
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            mark_price=stop_price,
        ),
        wallet_balance=wallet_balance,
        venue=venue,
        fee_rate=fee_rate,
    )
    fees = fee_rate * quantity * (entry_price + stop_price)
    loss_at_stop = -at_stop.unrealized_pnl + fees
    per_coin_formula = "|E - S| + fee x (E + S)" if fee_rate else "|E - S|"
    per_coin_text = (
        f"|{entry_price} - {stop_price}| + {fee_rate} x ({entry_price} + {stop_price})"
        if fee_rate
        else f"|{entry_price} - {stop_price}|"
    )
    per_coin = abs(entry_price - stop_price) + fee_rate * (entry_price + stop_price)
    quantity_workings = (
        Working(
            "Risk amount",
            "balance x risk",
            f"{wallet_balance} x {risk_fraction}",
            display(risk, "money"),
            "C18",
        ),
        Working(
            "Loss per coin at the stop", per_coin_formula, per_coin_text, display(per_coin, "money")
        ),
        Working(
            "Quantity",
            "risk / loss per coin",
            f"{display(risk, 'money')} / {display(per_coin, 'money')}",
            display(quantity, "quantity"),
        ),
    )
    liquidation = result.liquidation_price
    safe_leverage, safe_workings = None, ()
    if margin_mode == "isolated":
        # Liquidation sits exactly at the stop when the isolated margin equals the loss there plus
        # the maintenance margin the venue asks at that price (both the engine's figures); any
        # leverage below notional / that margin keeps liquidation beyond the stop.
        margin_needed = -at_stop.unrealized_pnl + at_stop.maintenance_margin
        safe_leverage = notional / margin_needed
        safe_workings = (
            Working(
                "Margin that just survives the stop",
                "loss at the stop + maintenance margin at the stop",
                f"{display(-at_stop.unrealized_pnl, 'money')} + "
                f"{display(at_stop.maintenance_margin, 'money')}",
                display(margin_needed, "money"),
                "C03",
            ),
            Working(
                "Highest leverage",
                "notional / that margin",
                f"{display(notional, 'money')} / {display(margin_needed, 'money')}",
                display(safe_leverage, "leverage"),
                "C06",
            ),
        )
    warnings = []
    stop_beyond = liquidation is not None and (
        (side == "long" and stop_price <= liquidation)
        or (side == "short" and stop_price >= liquidation)
    )
    if stop_beyond:
        lost = result.initial_margin if margin_mode == "isolated" else None
        what = (
            f"its whole isolated margin of {display(lost, 'money')} USDT"
            if lost is not None
            else "most of the cross wallet behind it"
        )
        warnings.append(
            f"Your stop-loss at {display(stop_price, 'price')} lies beyond the liquidation price "
            f"({display(liquidation, 'price')}). The position is liquidated before the stop can "
            f"trigger and loses {what}, not the {display(risk, 'money')} USDT you planned. "
            + (
                f"Keep the leverage below {display(safe_leverage, 'leverage')}."
                if safe_leverage is not None
                else "Lower the leverage or add to the wallet until liquidation lies beyond it."
            )
        )
    headline = (
        Figure(
            "quantity",
            "Position size",
            quantity,
            "quantity",
            MARKETS[symbol].base,
            workings=quantity_workings,
        ),
        _money(
            "Notional",
            notional,
            name="notional",
            workings=(
                *quantity_workings,
                Working(
                    "Notional",
                    "Q x E",
                    f"{display(quantity, 'quantity')} x {entry_price}",
                    display(notional, "money"),
                ),
            ),
        ),
    )
    figures = [
        _money("Risk amount", risk, name="risk", workings=quantity_workings[:1]),
        _money(
            "Loss at the stop",
            loss_at_stop,
            name="loss_at_stop",
            workings=_engine_workings(at_stop, "unrealized_pnl", "money"),
        ),
        Figure(
            "implied_leverage",
            "Leverage it implies on the balance",
            implied,
            "leverage",
            workings=(
                Working(
                    "Account leverage",
                    "notional / balance",
                    f"{display(notional, 'money')} / {wallet_balance}",
                    display(implied, "leverage"),
                    "C01",
                ),
            ),
        ),
        _money(
            "Initial margin at your leverage",
            result.initial_margin,
            name="initial_margin",
            workings=_engine_workings(result, "initial_margin", "money"),
        ),
        Figure(
            "liquidation_price",
            "Liquidation price",
            liquidation,
            "price",
            "USDT",
            workings=_engine_workings(result, "liquidation_price", "price"),
        ),
        Figure(
            "stop_distance", "Stop distance", abs(entry_price - stop_price) / entry_price, "percent"
        ),
    ]
    if safe_leverage is not None:
        figures.append(
            Figure(
                "safe_leverage",
                "Highest leverage with liquidation beyond the stop",
                safe_leverage,
                "leverage",
                workings=safe_workings,
            )
        )
    notes = [
        "The size depends only on your risk and the stop distance, never on the leverage: "
        "leverage only decides how much margin the position ties up and where it is liquidated.",
    ]
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=tuple(notes),
        announcement=(
            f"Warning: liquidated at {display(liquidation, 'price')} before your stop at "
            f"{display(stop_price, 'price')}."
            if stop_beyond
            else ""
        ),
        setup=SimulatorSetup(
            wallet_balance=wallet_balance,
            venue=venue,
            positions=(
                SimulatorPosition(symbol, side, margin_mode, entry_price, notional, leverage, None),
            ),
        ),
    )


# 6. Funding cost -------------------------------------------------------------------------------

MAX_FUNDING_PAYMENTS = 5000  # the engine replays one step per payment (its MAX_REPLAY_STEPS)
TOO_MANY_PAYMENTS = (
    "That is {count} funding payments; the calculator replays at most {maximum}. Shorten the "
    "holding period or lengthen the interval."
)


def funding_payments(*, holding_hours: Decimal, funding_interval_hours: int) -> int:
    """How many funding times a position held ``holding_hours`` goes through (whole intervals)."""
    return int(holding_hours // funding_interval_hours)


@exact
def funding_cost(
    *,
    venue,
    symbol,
    side,
    entry_price,
    quantity,
    leverage,
    funding_rate,
    funding_interval_hours,
    holding_hours,
) -> ToolResult:
    """Funding paid or received over a holding period, replayed by the engine at a flat price.

    The engine's replay charges ``s * notional * rate`` at every funding time (reference "Funding
    and fees") from the wallet the venue names: Binance settles it in the isolated wallet, so every
    payment moves the liquidation price; Bybit takes it from the available balance first.
    """
    payments = funding_payments(
        holding_hours=holding_hours, funding_interval_hours=funding_interval_hours
    )
    if payments > MAX_FUNDING_PAYMENTS:
        raise ToolInputError(
            TOO_MANY_PAYMENTS.format(count=f"{payments:,}", maximum=f"{MAX_FUNDING_PAYMENTS:,}"),
            field="holding_hours",
        )
    spec = _position(
        symbol=symbol,
        side=side,
        margin_mode="isolated",
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
    )
    notional = quantity * entry_price
    # Enough wallet beside the isolated margin for venues that take funding from the wallet.
    spare = notional * abs(funding_rate) * payments
    start, _ = _evaluate_one(spec, wallet_balance=notional / leverage + spare, venue=venue)
    account = AccountSpec(wallet_balance=start.initial_margin + spare, positions=(spec,))
    replayed = replay(
        account,
        [{symbol: entry_price}] * payments,
        venue=venue,
        funding_rate=funding_rate,
        funding_every=1,
    )
    total = replayed.funding
    per_payment = total / payments if payments else ZERO
    final = replayed.final.positions[0]
    rules = VENUES[venue]
    liquidation_events = [e for e in replayed.events if e.type == "liquidation"]
    s = "+" if side == "long" else "-"
    per_payment_working = Working(
        "One payment",
        "s x Q x mark x rate",
        f"{s}{quantity} x {entry_price} x {funding_rate}",
        display(per_payment, "money"),
        "C01",
    )
    total_working = Working(
        "Total",
        "payments x one payment",
        f"{payments} x {display(per_payment, 'money')}",
        display(total, "money"),
    )
    count_working = Working(
        "Payments",
        "floor(holding hours / interval)",
        f"floor({holding_hours} / {funding_interval_hours})",
        str(payments),
    )
    pays = total > 0
    headline = (
        Figure(
            "funding_total",
            "You pay" if pays or not total else "You receive",
            abs(total),
            "money",
            "USDT",
            workings=(count_working, per_payment_working, total_working),
        ),
        Figure(
            "liquidation_price_after",
            "Liquidation price after",
            final.liquidation_price if final.status == "open" else None,
            "price",
            "USDT",
            workings=_engine_workings(final, "liquidation_price", "price")
            if final.status == "open"
            else (),
            note="" if final.status == "open" else "Liquidated by funding.",
        ),
    )
    figures = [
        Figure(
            "payments", "Funding payments", Decimal(payments), "count", workings=(count_working,)
        ),
        _money(
            "Per payment", abs(per_payment), name="per_payment", workings=(per_payment_working,)
        ),
        Figure(
            "cost_share", "Share of the initial margin", total / start.initial_margin, "percent"
        ),
        Figure(
            "liquidation_price_before",
            "Liquidation price before",
            start.liquidation_price,
            "price",
            "USDT",
            workings=_engine_workings(start, "liquidation_price", "price"),
        ),
        _money("Initial margin", start.initial_margin, name="initial_margin"),
    ]
    if final.status == "open" and final.isolated_margin is not None:
        figures.append(
            _money("Isolated margin after", final.isolated_margin, name="isolated_margin_after")
        )
    warnings = []
    if liquidation_events:
        step = liquidation_events[0].step
        warnings.append(
            f"Funding alone liquidates this position after {step} payments (about "
            f"{step * funding_interval_hours:,} hours) even if the price never moves: each "
            "payment comes out of the isolated margin."
        )
    notes = [
        "Longs pay and shorts receive when the rate is positive; the reverse when it is negative.",
        "The price is held at the entry, so the notional (and each payment) stays the same.",
    ]
    if rules.funding_moves_isolated_margin:
        notes.append(
            f"{rules.label} takes funding from the isolated margin, so paying it moves "
            "the liquidation price towards the market (receiving moves it away)."
        )
    else:
        notes.append(
            f"{rules.label} takes funding from the available balance first, so the isolated "
            "margin and the liquidation price stay where they are while the wallet can pay; the "
            "cost is still yours. Choose Binance to see it eat into the margin."
        )
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=tuple(notes),
        setup=_setup_for(
            symbol=symbol,
            side=side,
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=start.initial_margin + spare,
            venue=venue,
        ),
    )
