"""Inputs of the engine: positions and accounts, as frozen dataclasses, and what-if transforms.

Money and prices are ``Decimal``. The constructors accept ``str``/``int``/``Decimal`` and refuse
``float`` (a float has already lost the cents before the engine sees it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from margin.errors import (
    BAD_DATE,
    BAD_SHOCK,
    MODE_SWITCH_WITH_OPEN_POSITION,
    NOT_A_NUMBER,
    MarginError,
)
from margin.markets import ContractKind

ONE = Decimal("1")


class Side(StrEnum):
    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> Decimal:
        """``s`` of the reference: +1 for a long, -1 for a short (read for every leg built:
        a dict lookup, not a comparison through the enum class and a new Decimal)."""
        return _SIGNS[self]


_SIGNS = {Side.LONG: ONE, Side.SHORT: -ONE}


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


def to_decimal(value: object, *, field_name: str, position_id: str | None = None) -> Decimal:
    """``value`` as a finite Decimal; floats are refused because they are already inexact."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool | float):
        raise TypeError(f"{field_name}: pass a Decimal, str or int, not {type(value).__name__}")
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise MarginError(NOT_A_NUMBER, field=field_name, position_id=position_id) from None
    else:
        raise TypeError(f"{field_name}: pass a Decimal, str or int, not {type(value).__name__}")
    if not result.is_finite():
        raise MarginError(NOT_A_NUMBER, field=field_name, position_id=position_id)
    return result


def _coerce(instance: object, names: tuple[str, ...], position_id: str | None) -> None:
    for name in names:
        value = getattr(instance, name)
        if value is not None:
            object.__setattr__(
                instance, name, to_decimal(value, field_name=name, position_id=position_id)
            )


_POSITION_DECIMALS = (
    "entry_price",
    "leverage",
    "quantity",
    "notional",
    "contracts",
    "contract_size",
    "isolated_margin",
    "mark_price",
    "maintenance_margin_rate",
    "maintenance_amount",
    "max_leverage",
)


@dataclass(frozen=True, kw_only=True)
class PositionSpec:
    """One position as the learner sets it up.

    Size: exactly one of ``quantity`` (base units, e.g. BTC), ``notional`` (value at entry in the
    quote currency; USD for inverse contracts) or ``contracts`` (times ``contract_size``: base units
    for linear contracts, USD for inverse ones; default the market's).
    ``isolated_margin``: None means the initial margin; more is a top-up. Must stay None for cross.
    ``mark_price``: None means the entry price. ``maintenance_margin_rate`` (fraction) and
    ``maintenance_amount`` override the bracket table; ``max_leverage`` overrides the bracket's.
    """

    id: str
    symbol: str
    side: Side
    margin_mode: MarginMode
    entry_price: Decimal
    leverage: Decimal
    quantity: Decimal | None = None
    notional: Decimal | None = None
    contracts: Decimal | None = None
    contract_size: Decimal | None = None
    contract: ContractKind | None = None
    isolated_margin: Decimal | None = None
    mark_price: Decimal | None = None
    maintenance_margin_rate: Decimal | None = None
    maintenance_amount: Decimal | None = None
    max_leverage: Decimal | None = None
    bracket_table: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        for name, kind in (("side", Side), ("margin_mode", MarginMode)):
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except ValueError:
                raise MarginError(
                    f"Choose one of: {', '.join(kind)}.", field=name, position_id=self.id
                ) from None
        if self.contract is not None:
            try:
                object.__setattr__(self, "contract", ContractKind(self.contract))
            except ValueError:
                raise MarginError(
                    "Choose one of: linear, inverse.", field="contract", position_id=self.id
                ) from None
        _coerce(self, _POSITION_DECIMALS, self.id)

    @classmethod
    def from_notional(cls, *, notional: Decimal | str | int, **fields: object) -> PositionSpec:
        return cls(notional=notional, **fields)  # type: ignore[arg-type]

    @classmethod
    def from_contracts(
        cls,
        *,
        contracts: Decimal | str | int,
        contract_size: Decimal | str | int | None = None,
        **fields: object,
    ) -> PositionSpec:
        return cls(contracts=contracts, contract_size=contract_size, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class AccountSpec:
    """An account: its whole collateral ``wallet_balance`` (isolated margins are taken out of it,
    the rest is the cross wallet), in ``collateral`` ("USDT", or a coin for inverse contracts).
    ``taker_fee_rate`` (fraction; None: no fee figures) and ``funding_rate`` (fraction per funding
    interval) are optional. ``parameters_as_of`` picks the venue's tables and rules in force on
    that day (a ``date`` or "YYYY-MM-DD"; None: the newest)."""

    wallet_balance: Decimal
    collateral: str = "USDT"
    positions: tuple[PositionSpec, ...] = field(default_factory=tuple)
    taker_fee_rate: Decimal | None = None
    funding_rate: Decimal = Decimal("0")
    parameters_as_of: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", tuple(self.positions))
        _coerce(self, ("wallet_balance", "taker_fee_rate", "funding_rate"), None)
        object.__setattr__(self, "parameters_as_of", to_date(self.parameters_as_of))


def to_date(value: object) -> date | None:
    """``value`` as a day: a ``date`` or an ISO "YYYY-MM-DD" string (None stays None)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise MarginError(BAD_DATE, field="parameters_as_of")


_Frozen = TypeVar("_Frozen")


def copied(instance: _Frozen, **changes: object) -> _Frozen:
    """``dataclasses.replace`` without re-running ``__init__``: for a dataclass whose
    ``__post_init__``, if it has one, would leave the new values as they are and derives nothing
    from them (a spec's coercion of values already checked; a result, which has none). Skipping
    the re-coercion of every field is most of what a what-if transform costs."""
    changed: _Frozen = object.__new__(type(instance))
    changed.__dict__.update(instance.__dict__, **changes)
    return changed


def with_margin_mode(account: AccountSpec, mode: MarginMode | str) -> AccountSpec:
    """The same positions, all in ``mode``. To isolated: each keeps an isolated margin it already
    had, else gets its initial margin. To cross: isolated margins go back to the cross wallet."""
    mode = MarginMode(mode)
    positions = tuple(
        copied(
            p,
            margin_mode=mode,
            isolated_margin=p.isolated_margin if mode is MarginMode.ISOLATED else None,
        )
        for p in account.positions
    )
    return copied(account, positions=positions)


def shock(account: AccountSpec, moves: dict[str, Decimal]) -> AccountSpec:
    """Marks moved by a fraction per symbol: ``{"BTCUSDT": Decimal("-0.12")}`` is a 12% fall from
    the current mark (the entry price when no mark is set)."""
    factors = _shock_factors(moves)
    positions = tuple(
        copied(p, mark_price=(p.mark_price or p.entry_price) * factors[p.symbol])
        if p.symbol in factors
        else p
        for p in account.positions
    )
    return copied(account, positions=positions)


def _shock_factors(moves: dict[str, Decimal]) -> dict[str, Decimal]:
    """``1 + fraction`` per symbol, each fraction checked (a fall of 100% or more is refused)."""
    factors: dict[str, Decimal] = {}
    for symbol, move in moves.items():
        fraction = to_decimal(move, field_name="shock")
        if fraction <= -ONE:
            raise MarginError(BAD_SHOCK, field="shock")
        factors[symbol] = ONE + fraction
    return factors


def shocked_marks(account: AccountSpec, moves: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each symbol's mark in ``shock(account, moves)``, read from its first position, without
    copying the account: the one-step path a shock replays."""
    factors = _shock_factors(moves)
    marks: dict[str, Decimal] = {}
    for p in account.positions:
        if p.symbol not in marks:
            mark = p.mark_price or p.entry_price
            marks[p.symbol] = mark * factors[p.symbol] if p.symbol in factors else mark
    return marks


def switch_margin_mode(account: AccountSpec, symbol: str, mode: MarginMode | str) -> AccountSpec:
    """Exchanges let a symbol change margin mode only while it has no open position (or order):
    this raises for a symbol with a position and otherwise returns the account unchanged."""
    MarginMode(mode)
    for p in account.positions:
        if p.symbol == symbol:
            raise MarginError(
                MODE_SWITCH_WITH_OPEN_POSITION.format(symbol=symbol),
                field="margin_mode",
                position_id=p.id,
            )
    return account
