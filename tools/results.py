"""What a calculator returns and the pieces every calculator builds it from.

A ``ToolResult`` is figures (exact ``Decimal`` plus how each reads), the working behind them, and
the setup that opens the same position in the simulator. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import cast

from core.concepts import CONCEPTS
from core.display import display
from margin import (
    AccountSpec,
    MarginMode,
    PositionSpec,
    Side,
    evaluate,
    explain,
)

ZERO = Decimal(0)


ONE = Decimal(1)


HUNDRED = Decimal(100)


NO_PRICE_REACHES_TARGET = (
    "No price gives this target: the most this position can make is {limit} USDT "
    "(the price falling to zero)."
)


TARGET_BEYOND_ZERO_LOSS = (
    "No price gives this loss: a long loses at most {limit} USDT (the price falling to zero)."
)


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
    def concept_title(self) -> str:
        """The idea's name for learners (the id stays in data and URLs)."""
        return CONCEPTS[self.concept_id].title if self.concept_id in CONCEPTS else ""


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
    """The same position, ready to open in the simulator (``tools.views.simulator_link``)."""

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
LINK_DECIMALS = Decimal("1e-8")  # a link carries inputs, not exact figures: 8 decimals suffice


def plain_number(value: Decimal | None) -> str:
    """A number for a URL: fixed point, at most 8 decimals, no trailing zeros ('' for None)."""
    if value is None:
        return ""
    text = f"{value.quantize(LINK_DECIMALS, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def engine_workings(result, figure_name: str, kind: str) -> tuple[Working, ...]:
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


def position_spec(
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
        side=cast(Side, side),  # a form choice; PositionSpec validates and coerces it
        margin_mode=cast(MarginMode, margin_mode),
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        isolated_margin=isolated_margin if margin_mode == "isolated" else None,
        mark_price=mark_price,
    )


def evaluate_one(
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


def isolated_one(
    *, venue: str = "binance", fee_rate=ZERO, parameters_as_of=None, overrides=None, **position
):
    """One isolated position, evaluated in an account that holds just its margin (and fees);
    ``overrides`` are the learner's own maintenance rate and amount."""
    spec = replace(position_spec(margin_mode="isolated", **position), **(overrides or {}))
    # The wallet only has to cover the margin; the isolated figures do not depend on it.
    assert spec.quantity is not None  # position_spec sizes by quantity
    notional = spec.entry_price * spec.quantity
    margin = spec.isolated_margin or notional / spec.leverage
    return evaluate_one(
        spec,
        wallet_balance=margin + notional * fee_rate * 2,
        venue=venue,
        fee_rate=fee_rate,
        parameters_as_of=parameters_as_of,
    )


def money_figure(label: str, value: Decimal, **kwargs) -> Figure:
    return Figure(
        name=kwargs.pop("name", label),
        label=label,
        value=value,
        kind="money",
        unit="USDT",
        **kwargs,
    )


def setup_for(
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
