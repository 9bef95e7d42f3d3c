"""Figures of an account: margins, maintenance, PnL, liquidation and bankruptcy prices.

Notation of margin-reference.md: ``Q`` size in base units, ``s`` side (+1 long, -1 short), ``E``
entry price, ``P`` mark price, ``L`` leverage, ``MMR`` maintenance margin rate (fraction), ``cum``
maintenance amount. Linear contracts count money in the quote currency, inverse contracts (``N``
USD of contracts) in the coin.

Every liquidation and bankruptcy price comes from one solver. Each position is a *leg* whose margin
balance minus maintenance margin is linear in a price variable ``u`` inside one bracket:

- linear: ``u = P``; uPnL ``s*Q*(P - E)``; notional ``Q*P``;
- inverse: ``u = 1/P``; uPnL ``s*N*(1/E - 1/P)`` (coin); notional ``N/P`` (coin).

Binance's liquidation condition (FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
Contracts") is ``WB - TMM1 + UPNL1 + sum(uPnL_i - (notional_i*MMR_i - cum_i)) = 0`` over the legs
that move with the price (one leg, or the long and short of a hedge). Solving it inside a bracket
gives exactly Binance's formula

    LP = (WB - TMM1 + UPNL1 + cum - s*Q*E) / (Q*MMR - s*Q)

and its hedge-mode and COIN-M forms. The solver walks the bracket boundaries outward from the mark
and solves in the bracket where the sign changes: this is the FAQ's bracket re-evaluation ("if the
notional at the liquidation price falls in another bracket, use that bracket and solve again"),
done without iterating. Maintenance margin grows slower than the position's PnL, so the root is
unique on each side of the mark; the nearest one is the liquidation price.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import ParamSpec, TypeVar

from margin.errors import (
    CONFLICTING_MARKS,
    CROSS_MARGIN_EXCEEDS_WALLET,
    DUPLICATE_ID,
    FEE_RATE_OUT_OF_RANGE,
    FUNDING_RATE_OUT_OF_RANGE,
    ISOLATED_MARGIN_BELOW_INITIAL,
    ISOLATED_MARGINS_EXCEED_WALLET,
    LEVERAGE_ABOVE_MAXIMUM,
    MIXED_MODES_ON_SYMBOL,
    MODE_SCOPE_ACCOUNT,
    NEGATIVE_MAINTENANCE_AMOUNT,
    NEGATIVE_WALLET,
    NON_POSITIVE_LEVERAGE,
    NON_POSITIVE_MAX_LEVERAGE,
    NON_POSITIVE_PRICE,
    RATE_OUT_OF_RANGE,
    TOP_UP_ON_CROSS,
    WRONG_COLLATERAL,
    WRONG_CONTRACT_KIND,
    MarginError,
)
from margin.margins import (
    ONE,
    PRECISION,
    TWO,
    ZERO,
    Tier,
    positive,
    schedule,
    size_of,
    tier_size,
)
from margin.markets import (
    BracketTable,
    ContractKind,
    Market,
    TierUnit,
    market_for,
    table_named,
)
from margin.model import AccountSpec, MarginMode, PositionSpec, Side
from margin.records import quick_init
from margin.venues import DEFAULT_VENUE, MaintenanceBasis, ModeScope, Venue, venue_named

CROSS_NOTE = "Cross liquidation prices hold every other position at its current mark price."
HEDGE_NOTE = "{symbol}: the long and the short share one cross liquidation price (hedge mode)."
MERGE_NOTE = "{symbol} {side}: positions {ids} merged (quantity-weighted entry, margins added)."
ILLUSTRATIVE_NOTE = "{symbol}: the bracket table {table} is illustrative, not a published snapshot."

P = ParamSpec("P")
R = TypeVar("R")


def exact(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the engine's Decimal precision, leaving the caller's context alone."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext() as context:
            context.prec = PRECISION
            return function(*args, **kwargs)

    return wrapper


# --- results ---------------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True)
class LiquidationBasis:
    """What a liquidation price was solved from, for ``explain``: the wallet ``WB`` (isolated
    margin, or cross wallet), the other cross positions' maintenance ``TMM1`` and uPnL ``UPNL1``
    at their marks, the MMR and cum of the bracket at the liquidation price, and the ids of the
    positions sharing the price (hedge mode)."""

    wallet_balance: Decimal
    other_maintenance_margin: Decimal
    other_unrealized_pnl: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal
    shared_with: tuple[str, ...] = ()


@quick_init
@dataclass(frozen=True)
class PositionResult:
    """Figures of one position, money in the account's collateral currency.

    ``quantity`` is base units (linear) or contracts (inverse); ``notional`` is at the mark;
    ``distance_to_liquidation`` is ``|LP - P| / P`` (fraction); ``margin_ratio`` is maintenance
    margin / margin balance (1 liquidates; None once the margin balance is gone).
    """

    id: str
    symbol: str
    side: Side
    margin_mode: MarginMode
    contract: ContractKind
    collateral: str
    venue: str
    entry_price: Decimal
    mark_price: Decimal
    quantity: Decimal
    notional: Decimal
    leverage: Decimal
    initial_margin: Decimal
    isolated_margin: Decimal | None
    maintenance_margin: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    margin_ratio: Decimal | None
    liquidation_price: Decimal | None
    bankruptcy_price: Decimal | None
    distance_to_liquidation: Decimal | None
    open_fee: Decimal | None
    order_cost: Decimal | None
    status: str
    liquidation_basis: LiquidationBasis | None = None
    # Bybit: the fee to close at the bankruptcy price, inside IM and MM (None: no fee rate given)
    close_fee: Decimal | None = None
    # the parameter set used: the table's name, its effective date and source (None: the
    # learner's own maintenance rate)
    bracket_table: str | None = None
    parameters_effective: str | None = None
    parameters_source: str | None = None
    maintenance_basis: str = MaintenanceBasis.MARK  # "entry" where MM is on the entry value


@quick_init
@dataclass(frozen=True)
class AccountResult:
    """Account figures. ``margin_balance`` = wallet + every uPnL (Binance); ``cross_margin_balance``
    = cross wallet + cross uPnL; ``margin_ratio`` = cross maintenance / cross margin balance (the
    largest isolated ratio when nothing is cross; 1 liquidates; None when a balance is gone);
    ``available_balance`` = max(0, cross wallet + cross uPnL - cross initial margin)."""

    collateral: str
    wallet_balance: Decimal
    isolated_margin: Decimal
    cross_wallet_balance: Decimal
    unrealized_pnl: Decimal
    margin_balance: Decimal
    cross_margin_balance: Decimal
    cross_initial_margin: Decimal
    cross_maintenance_margin: Decimal
    total_maintenance_margin: Decimal
    available_balance: Decimal
    margin_ratio: Decimal | None


@quick_init
@dataclass(frozen=True)
class Evaluation:
    """An account's figures; ``parameters_as_of`` is the day whose tables and rules were used
    (None: the newest), ``rules_version`` says which version of the venue's rules that was."""

    venue: str
    positions: tuple[PositionResult, ...]
    account: AccountResult
    notes: tuple[str, ...]
    parameters_as_of: str | None = None
    rules_version: str = ""

    def position(self, position_id: str) -> PositionResult:
        return next(p for p in self.positions if p.id == position_id)


# --- legs --------------------------------------------------------------------------------------


# What a leg keeps once worked out at its mark (see ``Leg.at_mark``).
_AT_THE_MARK = ("_pnl", "_notional", "_maintenance", "_figures")


@quick_init
@dataclass(frozen=True)
class Leg:
    """A normalised position (after merging), ready for the solver."""

    ids: tuple[str, ...]
    market: Market
    side: Side
    margin_mode: MarginMode
    entry_price: Decimal
    mark_price: Decimal
    size: Decimal  # Q in base units (linear) or N in USD (inverse)
    quantity: Decimal  # what the result shows: Q (linear) or contracts (inverse)
    entry_value: Decimal  # Q*E (quote) or N/E (coin)
    leverage: Decimal
    initial_margin: Decimal
    isolated_margin: Decimal | None
    tiers: tuple[Tier, ...]  # maintenance by notional at mark; empty when fixed_maintenance
    fixed_maintenance: Decimal | None  # maintenance on entry value (Bybit, textbook)
    table_name: str | None
    leverage_table: str | None = None  # the table whose brackets cap the leverage, if any
    # Bybit: the fee to close at the bankruptcy price, inside both IM and MM (0 elsewhere)
    close_fee: Decimal = ZERO
    # Derived in ``__post_init__``, once per leg: the solver reads them for every segment it
    # walks. pnl(u) = a*u + c ; notional(u) = b*u (``b`` is the size).
    inverse: bool = field(init=False, repr=False, compare=False)
    sign: Decimal = field(init=False, repr=False, compare=False)
    a: Decimal = field(init=False, repr=False, compare=False)
    c: Decimal = field(init=False, repr=False, compare=False)
    # the first merged position's id (read for every dict lookup of a leg's figures)
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        inverse = self.market.kind is ContractKind.INVERSE
        sign = self.side.sign
        # derived fields of a frozen instance, stored as ``quick_init`` stores the others
        self.__dict__.update(
            id=self.ids[0],
            inverse=inverse,
            sign=sign,
            a=-sign * self.size if inverse else sign * self.size,
            c=sign * self.entry_value if inverse else -sign * self.entry_value,
        )

    @property
    def b(self) -> Decimal:
        return self.size

    @property
    def breaks(self) -> tuple[Decimal, ...]:
        """The bracket boundaries in ``u`` (``cap / b``), rising, each once: where this leg's
        maintenance changes tier; none for a fixed (entry-value) maintenance, which has none.
        Worked out on first use and kept (a moved mark, ``at_mark``, changes none of
        it)."""
        known: tuple[Decimal, ...] | None = self.__dict__.get("_breaks")
        if known is None:
            known = ()
            if self.fixed_maintenance is None:
                size = self.size  # b
                known = _rising_once([t.cap / size for t in self.tiers if t.cap is not None])
            object.__setattr__(self, "_breaks", known)
        return known

    @property
    def pnl_at_mark(self) -> Decimal:
        """``pnl(mark_price)``, worked out once per leg (a replay step reads it several times)."""
        known: Decimal | None = self.__dict__.get("_pnl")
        if known is None:
            known = self.pnl(self.mark_price, notional=self.notional_at_mark)
            object.__setattr__(self, "_pnl", known)
        return known

    @property
    def notional_at_mark(self) -> Decimal:
        """``notional(mark_price)``, worked out once per leg: its maintenance, its result and
        the cross initial margin at the mark all read it."""
        known: Decimal | None = self.__dict__.get("_notional")
        if known is None:
            known = self.notional(self.mark_price)
            object.__setattr__(self, "_notional", known)
        return known

    @property
    def maintenance_at_mark(self) -> tuple[Decimal, Decimal, Decimal]:
        """``maintenance(mark_price)``, worked out once per leg."""
        known: tuple[Decimal, Decimal, Decimal] | None = self.__dict__.get("_maintenance")
        if known is None:
            known = self.maintenance(self.mark_price, notional=self.notional_at_mark)
            object.__setattr__(self, "_maintenance", known)
        return known

    def at_mark(self, mark: Decimal) -> Leg:
        """This leg at a new mark: ``dataclasses.replace`` without re-running ``__init__``
        (most of a long replay's time), dropping what was worked out at the old mark."""
        moved = copy.copy(self)
        object.__setattr__(moved, "mark_price", mark)
        for name in _AT_THE_MARK:
            moved.__dict__.pop(name, None)
        return moved

    def u_of(self, price: Decimal) -> Decimal:
        return ONE / price if self.inverse else price

    def price_of(self, u: Decimal) -> Decimal:
        return ONE / u if self.inverse else u

    def pnl(self, price: Decimal, *, notional: Decimal | None = None) -> Decimal:
        """uPnL: linear ``s*Q*(P - E)``; inverse ``s*N*(1/E - 1/P)`` in coin (``notional``:
        ``notional(price)`` when already known)."""
        if self.inverse:
            return self.sign * self.size * (ONE / self.entry_price - ONE / price)
        if notional is None:
            notional = self.notional(price)
        return self.sign * (notional - self.entry_value)

    def notional(self, price: Decimal) -> Decimal:
        """Notional at ``price``: linear ``Q*P``; inverse ``N/P`` (coin).

        A linear size given as a notional has an inexact ``Q = notional/E``; ``Q*E*P/E`` keeps
        the entry value exact, so a $10,000 position at -12% loses exactly $1,200."""
        if self.inverse:
            return self.size / price
        return self.entry_value * price / self.entry_price

    def tier_at(self, notional: Decimal) -> Tier:
        for tier in self.tiers:
            if tier.cap is None or notional <= tier.cap:
                return tier
        return self.tiers[-1]

    def maintenance(
        self, price: Decimal, *, notional: Decimal | None = None
    ) -> tuple[Decimal, Decimal, Decimal]:
        """(maintenance margin, MMR, cum) at ``price``: ``notional*MMR - cum`` of the bracket at
        that notional (``notional``: ``notional(price)`` when already known), or the fixed
        entry-value maintenance."""
        if self.fixed_maintenance is not None:
            rate, amount = self.tiers[0].rate, self.tiers[0].amount
            return self.fixed_maintenance + self.close_fee, rate, amount
        if notional is None:
            notional = self.notional(price)
        tier = self.tier_at(notional)
        return notional * tier.rate - tier.amount + self.close_fee, tier.rate, tier.amount


def _check_spec(spec: PositionSpec, market: Market, collateral: str) -> None:
    """The rules one position must meet on its own: its contract kind and collateral match the
    market, prices, leverage and maximum leverage are positive, override rates are in range."""
    pid = spec.id
    if spec.contract is not None and spec.contract is not market.kind:
        raise MarginError(
            WRONG_CONTRACT_KIND.format(symbol=market.symbol, kind=market.kind.value),
            field="contract",
            position_id=pid,
        )
    if market.collateral != collateral:
        raise MarginError(
            WRONG_COLLATERAL.format(
                symbol=market.symbol, needed=market.collateral, collateral=collateral
            ),
            field="symbol",
            position_id=pid,
        )
    positive(spec.entry_price, NON_POSITIVE_PRICE, "entry_price", pid)
    positive(spec.mark_price, NON_POSITIVE_PRICE, "mark_price", pid)
    positive(spec.leverage, NON_POSITIVE_LEVERAGE, "leverage", pid)
    positive(spec.max_leverage, NON_POSITIVE_MAX_LEVERAGE, "max_leverage", pid)
    if spec.maintenance_margin_rate is not None and not (
        ZERO <= spec.maintenance_margin_rate < ONE
    ):
        raise MarginError(RATE_OUT_OF_RANGE, field="maintenance_margin_rate", position_id=pid)
    if spec.maintenance_amount is not None and spec.maintenance_amount < 0:
        raise MarginError(NEGATIVE_MAINTENANCE_AMOUNT, field="maintenance_amount", position_id=pid)


def _leg(
    spec: PositionSpec,
    venue: Venue,
    account: AccountSpec,
    *,
    opening_rules: bool,
) -> Leg:
    """One position, validated, with its schedule on ``venue`` (the rule version of the
    account's day) and, on Bybit, its fee to close at the bankruptcy price."""
    pid = spec.id
    fee = account.taker_fee_rate or ZERO
    market = market_for(spec.symbol)
    _check_spec(spec, market, account.collateral)
    size, quantity, entry_value = size_of(spec, market)
    plan = schedule(
        spec,
        market,
        venue,
        entry_value=entry_value,
        quantity=quantity,
        fee=fee,
        on=account.parameters_as_of,
    )
    max_leverage = plan.max_leverage
    if max_leverage is not None and spec.leverage > max_leverage:
        raise MarginError(
            LEVERAGE_ABOVE_MAXIMUM.format(
                leverage=_plain(spec.leverage), maximum=_plain(max_leverage)
            ),
            field="leverage",
            position_id=pid,
        )
    initial_margin = entry_value / spec.leverage
    isolated_margin, close_fee = _own_margin(
        spec, venue, market, entry_value, initial_margin, fee, opening_rules=opening_rules
    )
    return Leg(
        ids=(pid,),
        market=market,
        side=spec.side,
        margin_mode=spec.margin_mode,
        entry_price=spec.entry_price,
        mark_price=spec.mark_price or spec.entry_price,
        size=size,
        quantity=quantity,
        entry_value=entry_value,
        leverage=spec.leverage,
        initial_margin=initial_margin,
        isolated_margin=isolated_margin,
        tiers=plan.tiers,
        fixed_maintenance=plan.fixed,
        table_name=plan.table.name if plan.table is not None else None,
        leverage_table=plan.leverage_table.name if plan.leverage_table is not None else None,
        close_fee=close_fee,
    )


def _own_margin(
    spec: PositionSpec,
    venue: Venue,
    market: Market,
    entry_value: Decimal,
    initial_margin: Decimal,
    fee: Decimal,
    *,
    opening_rules: bool,
) -> tuple[Decimal | None, Decimal]:
    """(isolated margin, fee to close held in it): None for a cross position, which has no
    margin of its own; an isolated one defaults to its initial margin (plus, on Bybit, the fee to
    close at the bankruptcy price) and on opening may not hold less than the initial margin."""
    pid = spec.id
    if spec.margin_mode is MarginMode.CROSS:
        if spec.isolated_margin is not None:
            raise MarginError(TOP_UP_ON_CROSS, field="isolated_margin", position_id=pid)
        return None, ZERO
    close_fee = ZERO
    if venue.close_fee_in_margins:
        close_fee = isolated_close_fee(
            entry_value,
            spec.leverage,
            spec.side.sign,
            fee,
            inverse=market.kind is ContractKind.INVERSE,
        )
    isolated_margin = spec.isolated_margin
    if isolated_margin is None:
        return initial_margin + close_fee, close_fee
    if opening_rules and isolated_margin < initial_margin:
        raise MarginError(
            ISOLATED_MARGIN_BELOW_INITIAL.format(initial_margin=_plain(initial_margin)),
            field="isolated_margin",
            position_id=pid,
        )
    return isolated_margin, close_fee


def isolated_close_fee(
    entry_value: Decimal, leverage: Decimal, sign: Decimal, fee: Decimal, *, inverse: bool
) -> Decimal:
    """Bybit's estimated fee to close an isolated position at its bankruptcy price, inside its
    IM and MM: ``Size x Entry x (1 - s/Lev) x TakerFeeRate`` for USDT contracts ("The New Margin
    Calculation", the bankruptcy price being ``Entry x (1 - s/Lev)``); for inverse contracts the
    coin value at the bankruptcy price ``Entry x Lev / (Lev + s)``, i.e. ``N/E x (1 + s/Lev)``."""
    if inverse:
        return entry_value * (ONE + sign / leverage) * fee
    return entry_value * (ONE - sign / leverage) * fee


def _plain(value: Decimal) -> str:
    """A Decimal for a message: fixed point, at most 8 decimals, no trailing zeros."""
    if abs(value) < Decimal("1e20"):
        value = value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_EVEN)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _merge(legs: list[Leg]) -> Leg:
    """Positions on one symbol and side are one position on the exchange: quantities add, the
    entry is quantity-weighted (entry value / quantity), margins add. The merged position's
    leverage must still fit the bracket of its larger size."""
    first = legs[0]
    size = sum((leg.size for leg in legs), ZERO)
    entry_value = sum((leg.entry_value for leg in legs), ZERO)
    initial_margin = sum((leg.initial_margin for leg in legs), ZERO)
    leverage = entry_value / initial_margin
    quantity = sum((leg.quantity for leg in legs), ZERO)
    if first.leverage_table is not None:
        table = table_named(first.leverage_table)
        maximum = table.bracket_for(tier_size(table, entry_value, quantity)).max_leverage
        if leverage > maximum:
            raise MarginError(
                LEVERAGE_ABOVE_MAXIMUM.format(leverage=_plain(leverage), maximum=_plain(maximum)),
                field="leverage",
                position_id=legs[-1].id,
            )
    entry_price = size / entry_value if first.inverse else entry_value / size
    isolated = None
    if first.margin_mode is MarginMode.ISOLATED:
        isolated = sum((leg.isolated_margin or ZERO for leg in legs), ZERO)
    fixed = None
    if first.fixed_maintenance is not None:
        fixed = entry_value * first.tiers[0].rate - first.tiers[0].amount
    return Leg(
        ids=tuple(i for leg in legs for i in leg.ids),
        market=first.market,
        side=first.side,
        margin_mode=first.margin_mode,
        entry_price=entry_price,
        mark_price=first.mark_price,
        size=size,
        quantity=quantity,
        entry_value=entry_value,
        leverage=leverage,
        initial_margin=initial_margin,
        isolated_margin=isolated,
        tiers=first.tiers,
        fixed_maintenance=fixed,
        table_name=first.table_name,
        leverage_table=first.leverage_table,
        close_fee=sum((leg.close_fee for leg in legs), ZERO),
    )


def build_legs(
    account: AccountSpec, venue: Venue, *, opening_rules: bool = True
) -> tuple[list[Leg], list[str]]:
    """Validate every position, merge same symbol and side, check per-symbol rules and the
    venue's margin-mode scope."""
    venue = venue.rules_on(account.parameters_as_of)
    fee = account.taker_fee_rate or ZERO
    seen: set[str] = set()
    for spec in account.positions:
        if spec.id in seen:
            raise MarginError(
                DUPLICATE_ID.format(position_id=spec.id), field="id", position_id=spec.id
            )
        seen.add(spec.id)
    raw = []
    for spec in account.positions:
        try:
            raw.append(_leg(spec, venue, account, opening_rules=opening_rules))
        except MarginError as error:
            error.position_id = error.position_id or spec.id
            raise
    notes: list[str] = []
    modes: dict[str, Leg] = {}
    marks: dict[str, Leg] = {}
    for leg, spec in zip(raw, account.positions, strict=True):
        symbol = leg.market.symbol
        if symbol in modes and modes[symbol].margin_mode is not leg.margin_mode:
            raise MarginError(
                MIXED_MODES_ON_SYMBOL.format(symbol=symbol), field="margin_mode", position_id=leg.id
            )
        modes.setdefault(symbol, leg)
        if spec.mark_price is not None:
            if symbol in marks and marks[symbol].mark_price != leg.mark_price:
                raise MarginError(
                    CONFLICTING_MARKS.format(symbol=symbol), field="mark_price", position_id=leg.id
                )
            marks.setdefault(symbol, leg)
    # a position without its own mark takes its symbol's mark from another position
    raw = [
        _with_mark(leg, marks[leg.market.symbol].mark_price) if leg.market.symbol in marks else leg
        for leg in raw
    ]
    groups: dict[tuple[str, Side], list[Leg]] = {}
    for leg in raw:
        groups.setdefault((leg.market.symbol, leg.side), []).append(leg)
    legs = []
    for (symbol, side), group in groups.items():
        if len(group) > 1:
            notes.append(
                MERGE_NOTE.format(
                    symbol=symbol, side=side.value, ids=", ".join(g.id for g in group)
                )
            )
            legs.append(_merge(group))
        else:
            legs.append(group[0])
    _check_mode_scope(raw, venue)
    extra = fee if venue.fee_in_maintenance else ZERO
    return _contract_tiers_in_cross(legs, extra), notes


# What a leg worked out that its margin mode changes: its maintenance holds its fee to close
# (Bybit's isolated one), its cached figures its isolated margin. Its PnL and breaks stay.
_MODE_DEPENDENT = ("_maintenance", "_figures")


def in_cross(legs: list[Leg], venue: Venue, fee: Decimal | None) -> list[Leg]:
    """What ``build_legs`` gives the positions of ``legs`` (its legs of them all isolated, on
    ``venue`` at the taker ``fee``) all cross (``with_margin_mode``), without building them
    again: nothing a position's size, schedule or leverage check reads depends on its mode, and
    the same positions all cross raise nothing all isolated did not. A cross leg has no margin
    of its own and no fee to close held in it; OKX then counts its contracts with the other
    side's (``_contract_tiers_in_cross``)."""
    crossed = []
    for leg in legs:
        moved = copy.copy(leg)
        moved.__dict__.update(margin_mode=MarginMode.CROSS, isolated_margin=None, close_fee=ZERO)
        for name in _MODE_DEPENDENT:
            moved.__dict__.pop(name, None)
        crossed.append(moved)
    extra = (fee or ZERO) if venue.fee_in_maintenance else ZERO
    return _contract_tiers_in_cross(crossed, extra)


def _check_mode_scope(legs: list[Leg], venue: Venue) -> None:
    """Bybit's Unified Trading Account has one margin mode for the whole account ("the selected
    margin mode will apply to your entire account", Bybit help "Differences Between the Margin
    Modes Under the Unified Trading Account", 2025-05-12; API: "Isolated margin mode for UTA is
    account level"). Binance's per-symbol rule is checked per symbol above."""
    if venue.mode_scope is not ModeScope.ACCOUNT or not legs:
        return
    first = legs[0]
    for leg in legs[1:]:
        if leg.margin_mode is not first.margin_mode:
            raise MarginError(
                MODE_SCOPE_ACCOUNT.format(venue=venue.label, mode=first.margin_mode.value),
                field="margin_mode",
                position_id=leg.id,
            )


def _contract_tiers_in_cross(legs: list[Leg], extra: Decimal) -> list[Leg]:
    """OKX picks a cross position's tier from the long and the short contracts of the
    instrument added together (OKEx tiered maintenance FAQ, 2019: "10,000 long + 15,000 short
    -> 25,000"); an isolated one counts its own contracts."""
    totals: dict[str, Decimal] = {}
    for leg in legs:
        table = _contracts_table(leg)
        if table is not None and leg.margin_mode is MarginMode.CROSS:
            assert table.contract_value is not None
            totals[leg.market.symbol] = (
                totals.get(leg.market.symbol, ZERO) + leg.quantity / table.contract_value
            )
    if not totals:
        return legs
    result = []
    for leg in legs:
        table = _contracts_table(leg)
        if table is not None and leg.market.symbol in totals:
            bracket = table.bracket_for(totals[leg.market.symbol])
            leg = dataclasses.replace(
                leg, tiers=(Tier(None, bracket.maintenance_margin_rate + extra, ZERO),)
            )
        result.append(leg)
    return result


def _contracts_table(leg: Leg) -> BracketTable | None:
    if leg.table_name is None:
        return None
    table = table_named(leg.table_name)
    return table if table.unit is TierUnit.CONTRACTS else None


def _with_mark(leg: Leg, mark: Decimal) -> Leg:
    return dataclasses.replace(leg, mark_price=mark)


# --- the solver --------------------------------------------------------------------------------


def _coefficients(
    legs: list[Leg],
    base: Decimal,
    probe: Decimal,
    *,
    with_maintenance: bool,
    close_fee_rate: Decimal = ZERO,
) -> tuple[Decimal, Decimal, list[Tier]]:
    """``f(u) = A*u + B`` on the segment holding ``probe`` (a point strictly inside it, so that
    rounding at a boundary cannot pick the neighbouring bracket), with each leg's tier."""
    a_total, b_total = ZERO, base
    tiers = []
    for leg in legs:
        a_total += leg.a
        b_total += leg.c
        if not with_maintenance:
            a_total -= leg.b * close_fee_rate  # what closing at that price costs
            continue
        b_total -= leg.close_fee
        if leg.fixed_maintenance is not None:
            b_total -= leg.fixed_maintenance
            tiers.append(leg.tiers[0])
            continue
        tier = leg.tier_at(leg.b * probe)
        a_total -= leg.b * tier.rate
        b_total += tier.amount
        tiers.append(tier)
    return a_total, b_total, tiers


def solve_price(
    legs: list[Leg],
    base: Decimal,
    *,
    with_maintenance: bool = True,
    close_fee_rate: Decimal = ZERO,
) -> tuple[Decimal | None, list[Tier]]:
    """The price nearest the mark at which ``base + sum(uPnL - maintenance) = 0`` for ``legs``
    (all on one symbol), with the tiers in force there. None when no positive price solves it.
    ``with_maintenance=False`` solves ``margin balance = fee to close there``: the bankruptcy
    price (Bybit's includes the fee to close, e.g. ``1.00075 x 10,000 / (10,000/8,000 + 0.5)``
    in its inverse cross example; elsewhere ``close_fee_rate`` is 0 and the balance is 0).

    The walk goes segment by segment (bracket boundaries of every leg) outward from the mark in
    both directions; inside a segment ``f`` is linear and its root is Binance's formula with that
    segment's brackets. Where brackets have no maintenance amount (OKX) ``f`` can jump at a
    boundary: a sign change across the jump puts the price at the boundary. The second
    direction stops at the first segment that starts no nearer the mark than the root already
    found: no root beyond it could be nearer."""
    if not with_maintenance:
        return _bankruptcy_price(legs, base, close_fee_rate), []
    breaks = _segment_breaks(legs)
    problem = _Problem(legs, base)
    best: _Root | None = None
    for direction in (-1, 1):
        found = problem.walk(_segment_ends(breaks, problem.u_mark, direction), direction, best)
        if found is not None and (best is None or found.distance < best.distance):
            best = found
    if best is None:
        return None, []
    return best.price, best.tiers


def _bankruptcy_price(legs: list[Leg], base: Decimal, close_fee_rate: Decimal) -> Decimal | None:
    """Without maintenance ``f(u) = A*u + B`` is one line for every ``u > 0`` (no bracket
    changes it), so the walk's two directions find its one root or none: ``u = -B/A`` where
    that is positive."""
    a_total, b_total, _ = _coefficients(
        legs, base, ONE, with_maintenance=False, close_fee_rate=close_fee_rate
    )
    if a_total == 0:
        return None
    root = -b_total / a_total
    return legs[0].price_of(root) if root > 0 else None


def _rising_once(values: Iterable[Decimal]) -> tuple[Decimal, ...]:
    """``values`` rising, each value once (the first given where equal ones differ in digits):
    ``sorted(set(values))`` without hashing, which for a 50-digit Decimal costs more than the
    comparisons (the sort is stable, so equal values keep their order)."""
    ordered = list(values)
    if all(map(operator.lt, ordered, ordered[1:])):
        return tuple(ordered)  # already rising, each once: a table's caps are
    ordered.sort()
    unique = ordered[:1]
    for value in ordered[1:]:
        if value != unique[-1]:
            unique.append(value)
    return tuple(unique)


def _segment_breaks(legs: list[Leg]) -> tuple[Decimal, ...]:
    """Every leg's bracket boundaries in ``u``, rising, each value once (the first leg's where
    two legs share one)."""
    if len(legs) == 1:
        return legs[0].breaks
    return _rising_once(b for leg in legs for b in leg.breaks)


def _segment_ends(
    breaks: tuple[Decimal, ...], u_mark: Decimal, direction: int
) -> list[Decimal | None]:
    """The far ends of the segments from the mark outward: the boundaries on that side of the
    mark in order, then 0 (falling ``u``) or None (rising, unbounded)."""
    if direction < 0:
        return [*reversed(breaks[: bisect.bisect_left(breaks, u_mark)]), ZERO]
    return [*breaks[bisect.bisect_right(breaks, u_mark) :], None]


# Walks this short are cheaper than checking every tier first (``_Problem.clear_of_zero``).
_SHORT_WALK = 3
# "Clearly above zero": 1e-30 of the terms' size, 20 orders of magnitude above 50-digit rounding.
CLEAR = Decimal("1e-30")


@quick_init
@dataclass(frozen=True)
class _Root:
    """A root of the walk: its distance from the mark ``|LP - P|``, its price and the tiers in
    force there."""

    distance: Decimal
    price: Decimal
    tiers: list[Tier]


class _Problem:
    """One liquidation solve: ``f(u) = base + sum(uPnL - maintenance)`` over ``legs`` (one
    symbol), walked from the mark ``u_mark`` of the first leg."""

    def __init__(self, legs: list[Leg], base: Decimal) -> None:
        self.legs, self.base = legs, base
        self.leg0 = legs[0]
        self.u_mark = self.leg0.u_of(self.leg0.mark_price)
        # One tiered leg (most solves): the part of A and B no tier changes, summed once in the
        # order ``_coefficients`` sums it, so every segment's figures are digit for digit its.
        self.single = legs[0] if len(legs) == 1 and legs[0].fixed_maintenance is None else None
        if self.single is not None:
            self.a_fixed = ZERO + self.single.a
            self.b_fixed = base + self.single.c - self.single.close_fee

    def coefficients(self, probe: Decimal) -> tuple[Decimal, Decimal, list[Tier]]:
        """``_coefficients`` of the segment holding ``probe``."""
        leg = self.single
        if leg is None:
            return _coefficients(self.legs, self.base, probe, with_maintenance=True)
        b = leg.size
        tier = leg.tier_at(b * probe)
        return self.a_fixed - b * tier.rate, self.b_fixed + tier.amount, [tier]

    def clear_of_zero(self, direction: int) -> bool:
        """Whether one tiered leg's ``f`` stays clearly positive all the way in ``direction``,
        so that walking its segments could find no root: every tier's line ``A*u + B`` runs away
        from zero that way (``A`` of the sign of ``direction``, or 0) and is above zero at the
        mark by far more than rounding (``CLEAR`` of its terms' size out to the farthest
        boundary). Then on every segment beyond, whichever tier it reads, ``f`` is at least that
        at the mark: no sign change the walk could see at a boundary, and the line's root
        (``-B/A``, rounded at 50 digits) lies behind the segment's near end.
        A cross long with a wallet deep enough to hold it to a price of zero walks no brackets."""
        leg = self.single
        if leg is None:
            return False
        near, b, a_fixed, b_fixed = self.u_mark, leg.size, self.a_fixed, self.b_fixed
        # the farthest boundary the walk would test ``f`` at: its terms bound the rounding there
        top = max(near, leg.breaks[-1]) if direction > 0 and leg.breaks else near
        top_exponent = top.adjusted()
        for tier in leg.tiers:
            a_total = a_fixed - b * tier.rate
            if (a_total < 0) if direction > 0 else (a_total > 0):  # A against ``direction``
                return False
            b_total = b_fixed + tier.amount
            value = a_total * near + b_total
            if value <= 0:
                return False
            # Clearly above ``CLEAR`` of the terms without working it out: the terms are below
            # ``2 * 10**(m + 1)`` (``m`` their largest exponent), so ``CLEAR`` of them is below
            # ``2 * 10**(m - 29)``, which a value of exponent ``m - 28`` or more exceeds.
            largest = max(a_total.adjusted() + top_exponent + 1, b_total.adjusted())
            if value.adjusted() >= largest - 28:
                continue
            if value <= CLEAR * (abs(a_total) * top + abs(b_total)):
                return False
        return True

    def distance(self, u: Decimal) -> Decimal:
        """``|price(u) - P|``: grows as ``u`` moves away from the mark, either way."""
        return abs(self.leg0.price_of(u) - self.leg0.mark_price)

    def walk(self, ends: list[Decimal | None], direction: int, best: _Root | None) -> _Root | None:
        """The first root on the segments from the mark to each of ``ends`` in turn (None: none
        there, or none nearer than ``best``)."""
        if best is None and len(ends) > _SHORT_WALK and self.clear_of_zero(direction):
            return None
        near, previous_value = self.u_mark, None
        for far in ends:
            if best is not None and near != self.u_mark and self.distance(near) >= best.distance:
                return None
            probe = near * TWO + ONE if far is None else (near + far) / TWO
            a_total, b_total, tiers = self.coefficients(probe)
            root = _segment_root(a_total, b_total, near, far, direction, previous_value)
            if root is not None:
                price = self.leg0.price_of(root)
                return _Root(abs(price - self.leg0.mark_price), price, tiers)
            if far is None or far == 0:
                return None
            previous_value = a_total * far + b_total
            near = far
        return None


def _segment_root(
    a_total: Decimal,
    b_total: Decimal,
    near: Decimal,
    far: Decimal | None,
    direction: int,
    previous_value: Decimal | None,
) -> Decimal | None:
    """The root of ``f(u) = A*u + B`` on the segment from ``near`` to ``far`` (None: unbounded),
    or ``near`` itself where ``f`` changed sign across a jump at that boundary (``previous_value``
    is ``f`` at ``near`` on the segment before)."""
    if previous_value is not None and (previous_value > 0) != (a_total * near + b_total > 0):
        return near  # the sign changed across a jump at the boundary
    if a_total == 0:
        return None
    candidate = -b_total / a_total
    low, high = (far, near) if direction < 0 else (near, far)
    assert low is not None
    if candidate > 0 and candidate >= low and (high is None or candidate <= high):
        return candidate
    return None


# --- evaluation --------------------------------------------------------------------------------


def _ratio(maintenance: Decimal, balance: Decimal) -> Decimal | None:
    return maintenance / balance if balance > 0 else None


@exact
def evaluate(account: AccountSpec, *, venue: str | Venue = DEFAULT_VENUE) -> Evaluation:
    """Every figure of ``account`` at its marks under a venue's rule set (default Binance)."""
    return evaluate_legs(account, venue_named(venue), opening_rules=True)


def evaluate_legs(
    account: AccountSpec,
    venue: Venue,
    *,
    opening_rules: bool,
    legs: list[Leg] | None = None,
    cross_wallet: Decimal | None = None,
    notes: list[str] | None = None,
) -> Evaluation:
    """Evaluate ``account`` (or prepared ``legs`` with a ``cross_wallet``, for the replay)."""
    day = account.parameters_as_of
    rules_version = venue.rules_version(day)
    venue = venue.rules_on(day)
    _check_account(account)
    if legs is None:
        legs, notes = build_legs(account, venue, opening_rules=opening_rules)
    notes = list(notes or [])
    # Sums run in one canonical order, so that reordering the positions cannot change even the
    # last digit of a result.
    shown_order = [leg.id for leg in legs]
    pool = _cross_pool(
        account, venue, sorted(legs, key=lambda leg: leg.id), cross_wallet, opening_rules
    )
    results = [_position_result(account, venue, pool, leg, notes) for leg in pool.legs]
    position_of = {result.id: result for result in results}
    results = [position_of[position_id] for position_id in shown_order]
    if pool.cross:
        notes.insert(0, CROSS_NOTE)
    for leg in pool.legs:
        if leg.table_name and table_named(leg.table_name).illustrative:
            note = ILLUSTRATIVE_NOTE.format(symbol=leg.market.symbol, table=leg.table_name)
            if note not in notes:
                notes.append(note)
    return Evaluation(
        venue.name,
        tuple(results),
        _account_result(account, pool, results),
        tuple(notes),
        parameters_as_of=day.isoformat() if day is not None else None,
        rules_version=rules_version,
    )


def opening_evaluation(
    account: AccountSpec,
    venue: Venue,
    *,
    built: tuple[list[Leg], list[str]] | None = None,
) -> tuple[Evaluation, list[Leg], list[str]]:
    """``evaluate_legs(account, venue, opening_rules=True)`` with the legs and notes it was
    built from (``build_legs``'s, or ``built``: what it gives ``account``, e.g. ``in_cross``'s),
    for a caller that goes on to replay them: one build, not two. The account's own rules are
    checked first, as ``evaluate`` checks them."""
    _check_account(account)
    legs, notes = build_legs(account, venue) if built is None else built
    evaluation = evaluate_legs(account, venue, opening_rules=True, legs=legs, notes=notes)
    return evaluation, legs, notes


class PositionsAt:
    """The figures ``evaluate_legs`` gives each of ``legs`` at ``cross_wallet`` (past opening),
    computed only for the positions asked for: a replay step reads only those it liquidates.
    Each is exactly the evaluation's, from the same pool of cross sums."""

    def __init__(
        self, account: AccountSpec, venue: Venue, legs: list[Leg], cross_wallet: Decimal
    ) -> None:
        self._account = account
        self._venue = venue.rules_on(account.parameters_as_of)
        in_order = sorted(legs, key=lambda leg: leg.id)
        self._pool = _cross_pool(account, self._venue, in_order, cross_wallet, False)
        self._legs = {leg.id: leg for leg in self._pool.legs}
        self._results: dict[str, PositionResult] = {}

    def __getitem__(self, position_id: str) -> PositionResult:
        if position_id not in self._results:
            leg = self._legs[position_id]
            result = _position_result(self._account, self._venue, self._pool, leg, [])
            self._results[position_id] = result
        return self._results[position_id]


def _check_account(account: AccountSpec) -> None:
    """The account-wide rules: a wallet of zero or more, fee and funding rates in range."""
    fee = account.taker_fee_rate
    if account.wallet_balance < 0:
        raise MarginError(NEGATIVE_WALLET, field="wallet_balance")
    if fee is not None and not ZERO <= fee < ONE:
        raise MarginError(FEE_RATE_OUT_OF_RANGE, field="taker_fee_rate")
    if not -ONE < account.funding_rate < ONE:
        raise MarginError(FUNDING_RATE_OUT_OF_RANGE, field="funding_rate")


@quick_init
@dataclass(frozen=True)
class _Pool:
    """The figures every position's result reads: the legs in canonical order, the cross wallet
    and the cross legs' sums, and each leg's uPnL and (maintenance, MMR, cum) at its mark."""

    legs: list[Leg]
    cross: list[Leg]
    isolated_total: Decimal
    cross_wallet: Decimal
    cross_initial: Decimal
    cross_initial_held: Decimal  # what the available balance deducts (at mark, with close fees)
    cross_balance: Decimal
    cross_maintenance: Decimal
    pnl: dict[str, Decimal]
    maintenance: dict[str, tuple[Decimal, Decimal, Decimal]]
    # (symbol, maintenance, uPnL, leg) of each cross leg in canonical order: what every cross
    # position's ``_standing`` sums the others from, read without a lookup per leg
    cross_terms: list[tuple[str, Decimal, Decimal, Leg]]

    @property
    def cross_liquidated(self) -> bool:
        return bool(self.cross) and self.cross_balance <= self.cross_maintenance


def _cross_pool(
    account: AccountSpec,
    venue: Venue,
    legs: list[Leg],
    cross_wallet: Decimal | None,
    opening_rules: bool,
) -> _Pool:
    """The cross wallet (what the isolated margins leave of the wallet) and the cross sums; on
    opening, the isolated margins and the cross initial margin must fit the wallet. The initial
    margin the available balance deducts is at the mark where the venue says so."""
    isolated_total = sum((leg.isolated_margin or ZERO for leg in legs), ZERO)
    if cross_wallet is None:
        cross_wallet = account.wallet_balance - isolated_total
        if opening_rules and cross_wallet < 0:
            raise MarginError(
                ISOLATED_MARGINS_EXCEED_WALLET.format(
                    isolated=_plain(isolated_total), wallet=_plain(account.wallet_balance)
                ),
                field="wallet_balance",
            )
    cross = [leg for leg in legs if leg.margin_mode is MarginMode.CROSS]
    cross_initial = sum((leg.initial_margin for leg in cross), ZERO)
    if opening_rules and cross_initial > cross_wallet:
        raise MarginError(
            CROSS_MARGIN_EXCEEDS_WALLET.format(
                initial_margin=_plain(cross_initial), available=_plain(cross_wallet)
            ),
            field="wallet_balance",
        )
    pnl = {leg.id: leg.pnl_at_mark for leg in legs}
    fee = account.taker_fee_rate
    if venue.close_fee_in_margins and fee and cross:
        legs = _with_cross_close_fees(legs, cross, cross_wallet, pnl, fee)
        cross = [leg for leg in legs if leg.margin_mode is MarginMode.CROSS]
    maintenance = {leg.id: leg.maintenance_at_mark for leg in legs}
    # the cross sums in one pass, each from zero in the canonical order (as ``sum`` adds)
    initial_at_mark, close_fees, cross_pnl, cross_mm = ZERO, ZERO, ZERO, ZERO
    terms: list[tuple[str, Decimal, Decimal, Leg]] = []
    for leg in cross:
        leg_pnl, leg_mm = pnl[leg.id], maintenance[leg.id][0]
        if venue.cross_initial_at_mark:
            initial_at_mark += leg.notional_at_mark / leg.leverage
        close_fees += leg.close_fee
        cross_pnl += leg_pnl
        cross_mm += leg_mm
        terms.append((leg.market.symbol, leg_mm, leg_pnl, leg))
    held = initial_at_mark if venue.cross_initial_at_mark else cross_initial
    return _Pool(
        legs=legs,
        cross=cross,
        isolated_total=isolated_total,
        cross_wallet=cross_wallet,
        cross_initial=cross_initial,
        cross_initial_held=held + close_fees,
        cross_balance=cross_wallet + cross_pnl,
        cross_maintenance=cross_mm,
        pnl=pnl,
        maintenance=maintenance,
        cross_terms=terms,
    )


def _with_cross_close_fees(
    legs: list[Leg],
    cross: list[Leg],
    cross_wallet: Decimal,
    pnl: dict[str, Decimal],
    fee: Decimal,
) -> list[Leg]:
    """Bybit's cross fee to close: each cross leg's notional at its symbol's cross bankruptcy
    price (the price where the margin balance just pays that fee) times the taker rate, the
    ``Qty x 0.00075 / BP`` term of Bybit's classic inverse cross formula (help 360039261334)."""
    fees: dict[str, Decimal] = {}
    for symbol in {leg.market.symbol for leg in cross}:
        group = [leg for leg in cross if leg.market.symbol == symbol]
        others = sum((pnl[leg.id] for leg in cross if leg.market.symbol != symbol), ZERO)
        bankruptcy, _ = solve_price(
            group, cross_wallet + others, with_maintenance=False, close_fee_rate=fee
        )
        for leg in group:
            fees[leg.id] = leg.notional(bankruptcy) * fee if bankruptcy is not None else ZERO
    return [
        dataclasses.replace(leg, close_fee=fees[leg.id]) if leg.id in fees else leg for leg in legs
    ]


@quick_init
@dataclass(frozen=True)
class _Standing:
    """Where one position stands in its pool: the legs it is solved with (itself, or the legs of
    its symbol in cross), the balance its liquidation and bankruptcy prices are solved on
    (``WB - TMM1 + UPNL1``; ``WB + UPNL1``), the others' ``TMM1`` and ``UPNL1``, and its margin
    balance, whether that is liquidated and its margin ratio."""

    group: list[Leg]
    base: Decimal
    bankrupt_base: Decimal
    other_mm: Decimal
    other_pnl: Decimal
    balance: Decimal
    liquidated: bool
    ratio: Decimal | None


def _standing(pool: _Pool, leg: Leg, mm: Decimal) -> _Standing:
    """An isolated leg stands alone on its own margin; a cross leg with the other legs of its
    symbol (hedge mode) on the cross wallet, the other symbols held at their marks (``TMM1``
    and ``UPNL1`` of Binance's formula)."""
    if leg.margin_mode is MarginMode.ISOLATED:
        assert leg.isolated_margin is not None
        balance = leg.isolated_margin + pool.pnl[leg.id]
        return _Standing(
            group=[leg],
            base=leg.isolated_margin,
            bankrupt_base=leg.isolated_margin,
            other_mm=ZERO,
            other_pnl=ZERO,
            balance=balance,
            liquidated=balance <= mm,
            ratio=_ratio(mm, balance),
        )
    symbol = leg.market.symbol
    group, other_mm, other_pnl = [], ZERO, ZERO
    for g_symbol, g_mm, g_pnl, g in pool.cross_terms:  # the others in canonical order
        if g_symbol == symbol:
            group.append(g)
        else:
            other_mm += g_mm
            other_pnl += g_pnl
    return _Standing(
        group=group,
        base=pool.cross_wallet - other_mm + other_pnl,
        bankrupt_base=pool.cross_wallet + other_pnl,
        other_mm=other_mm,
        other_pnl=other_pnl,
        balance=pool.cross_balance,
        liquidated=pool.cross_liquidated,
        ratio=_ratio(pool.cross_maintenance, pool.cross_balance),
    )


def _fees(
    fee: Decimal | None, venue: Venue, leg: Leg, bankruptcy: Decimal | None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(fee to open, order cost, fee to close), None without a fee rate: open fee ``entry
    value x rate``, order cost ``IM + open fee`` (Binance "order cost"), plus on Bybit the fee to
    close at the bankruptcy price ``notional(BP) x rate`` ("Order Cost", help center), which
    Bybit's margins already hold where it is in them."""
    if fee is None:
        return None, None, None
    open_fee = leg.entry_value * fee
    order_cost = leg.initial_margin + open_fee
    close_fee = None
    if venue.close_fee_in_margins:
        close_fee = leg.close_fee
    elif venue.close_fee_in_order_cost and bankruptcy is not None:
        close_fee = leg.notional(bankruptcy) * fee
    if venue.close_fee_in_order_cost and close_fee is not None:
        order_cost += close_fee
    return open_fee, order_cost, close_fee


def _liquidation_basis(pool: _Pool, leg: Leg, at: _Standing, own_tier: Tier) -> LiquidationBasis:
    """What the liquidation price was solved from (``explain`` shows it): ``WB``, ``TMM1``,
    ``UPNL1``, the bracket at the price and the hedge legs sharing it."""
    return LiquidationBasis(
        wallet_balance=leg.isolated_margin
        if leg.isolated_margin is not None
        else pool.cross_wallet,
        other_maintenance_margin=at.other_mm,
        other_unrealized_pnl=at.other_pnl,
        maintenance_margin_rate=own_tier.rate,
        maintenance_amount=own_tier.amount,
        shared_with=tuple(g.id for g in at.group if g is not leg) if len(at.group) > 1 else (),
    )


def _position_result(
    account: AccountSpec, venue: Venue, pool: _Pool, leg: Leg, notes: list[str]
) -> PositionResult:
    """One position's figures (``_figures``). An isolated leg's depend on nothing but the leg,
    the venue and the account's fee rate and collateral, so a leg evaluated again unchanged (a
    replay's survivors, which keep their leg) reuses them: the same objects, never a new sum."""
    if leg.isolated_margin is None:
        return _figures(account, venue, pool, leg, notes)
    key = (venue, account.taker_fee_rate, account.collateral, leg.mark_price)
    known = leg.__dict__.get("_figures")
    if known is not None and all(a is b for a, b in zip(known[0], key, strict=True)):
        result: PositionResult = known[1]
        return result
    result = _figures(account, venue, pool, leg, notes)
    object.__setattr__(leg, "_figures", (key, result))
    return result


def _figures(
    account: AccountSpec, venue: Venue, pool: _Pool, leg: Leg, notes: list[str]
) -> PositionResult:
    """One position's figures: its liquidation price solved on where it stands (``_standing``),
    its bankruptcy price where that balance is gone, its fees and the parameters used."""
    fee = account.taker_fee_rate
    mm, rate, amount = pool.maintenance[leg.id]
    at = _standing(pool, leg, mm)
    liquidation, tiers = solve_price(at.group, at.base)
    close_rate = fee if venue.close_fee_in_margins and fee else ZERO
    bankruptcy, _ = solve_price(
        at.group, at.bankrupt_base, with_maintenance=False, close_fee_rate=close_rate
    )
    own_tier = tiers[at.group.index(leg)] if tiers else Tier(None, rate, amount)
    if len(at.group) > 1 and leg is at.group[0]:
        notes.append(HEDGE_NOTE.format(symbol=leg.market.symbol))
    open_fee, order_cost, close_fee = _fees(fee, venue, leg, bankruptcy)
    table = table_named(leg.table_name) if leg.table_name else None
    return PositionResult(
        id=leg.id,
        symbol=leg.market.symbol,
        side=leg.side,
        margin_mode=leg.margin_mode,
        contract=leg.market.kind,
        collateral=account.collateral,
        venue=venue.name,
        entry_price=leg.entry_price,
        mark_price=leg.mark_price,
        quantity=leg.quantity,
        notional=leg.notional_at_mark,
        leverage=leg.leverage,
        initial_margin=leg.initial_margin,
        isolated_margin=leg.isolated_margin,
        maintenance_margin=mm,
        maintenance_margin_rate=rate,
        maintenance_amount=amount,
        unrealized_pnl=pool.pnl[leg.id],
        margin_balance=at.balance,
        margin_ratio=at.ratio,
        liquidation_price=liquidation,
        bankruptcy_price=bankruptcy,
        distance_to_liquidation=(
            abs(liquidation - leg.mark_price) / leg.mark_price if liquidation is not None else None
        ),
        open_fee=open_fee,
        order_cost=order_cost,
        status="liquidated" if at.liquidated else "open",
        liquidation_basis=_liquidation_basis(pool, leg, at, own_tier),
        close_fee=close_fee,
        bracket_table=table.name if table is not None else None,
        parameters_effective=table.as_of if table is not None else None,
        parameters_source=table.source if table is not None else None,
        maintenance_basis=(
            MaintenanceBasis.ENTRY if leg.fixed_maintenance is not None else MaintenanceBasis.MARK
        ),
    )


def _account_result(
    account: AccountSpec, pool: _Pool, results: list[PositionResult]
) -> AccountResult:
    """The account's totals; its margin ratio is the cross one, or with nothing cross the
    largest isolated one (None once any isolated balance is gone)."""
    isolated_ratios = [r.margin_ratio for r in results if r.margin_mode is MarginMode.ISOLATED]
    margin_ratio: Decimal | None = None
    if pool.cross:
        margin_ratio = _ratio(pool.cross_maintenance, pool.cross_balance)
    elif isolated_ratios and all(ratio is not None for ratio in isolated_ratios):
        margin_ratio = max(ratio for ratio in isolated_ratios if ratio is not None)
    total_pnl = sum(pool.pnl.values(), ZERO)
    wallet = pool.cross_wallet + pool.isolated_total
    return AccountResult(
        collateral=account.collateral,
        wallet_balance=wallet,
        isolated_margin=pool.isolated_total,
        cross_wallet_balance=pool.cross_wallet,
        unrealized_pnl=total_pnl,
        margin_balance=wallet + total_pnl,
        cross_margin_balance=pool.cross_balance,
        cross_initial_margin=pool.cross_initial,
        cross_maintenance_margin=pool.cross_maintenance,
        total_maintenance_margin=sum((m[0] for m in pool.maintenance.values()), ZERO),
        available_balance=max(ZERO, pool.cross_balance - pool.cross_initial_held),
        margin_ratio=margin_ratio,
    )
