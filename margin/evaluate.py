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

import dataclasses
import functools
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
    NEGATIVE_MAINTENANCE_AMOUNT,
    NEGATIVE_WALLET,
    NON_POSITIVE_LEVERAGE,
    NON_POSITIVE_MAX_LEVERAGE,
    NON_POSITIVE_PRICE,
    NON_POSITIVE_SIZE,
    ONE_SIZE_ONLY,
    RATE_OUT_OF_RANGE,
    TOP_UP_ON_CROSS,
    WRONG_COLLATERAL,
    WRONG_CONTRACT_KIND,
    MarginError,
)
from margin.markets import (
    BracketTable,
    ContractKind,
    Market,
    market_for,
    table_named,
)
from margin.model import AccountSpec, MarginMode, PositionSpec, Side
from margin.venues import DEFAULT_VENUE, MaintenanceBasis, Venue, venue_named

ZERO = Decimal("0")
ONE = Decimal("1")
TWO = Decimal("2")
# Working precision: far beyond the cent, so results are exact for display at any rounding.
PRECISION = 50

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


@dataclass(frozen=True)
class Evaluation:
    venue: str
    positions: tuple[PositionResult, ...]
    account: AccountResult
    notes: tuple[str, ...]

    def position(self, position_id: str) -> PositionResult:
        return next(p for p in self.positions if p.id == position_id)


# --- legs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """One piece of a maintenance schedule: notional up to ``cap`` (None: no cap)."""

    cap: Decimal | None
    rate: Decimal
    amount: Decimal


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

    @property
    def id(self) -> str:
        return self.ids[0]

    # Speed (issue 20): the solver reads these a few dozen times per evaluation. They depend on
    # no mark, so they are computed once per leg (a leg moved to a new mark by the replay keeps
    # them; one with a changed field is a new instance and computes its own).
    @functools.cached_property
    def inverse(self) -> bool:
        return self.market.kind is ContractKind.INVERSE

    @functools.cached_property
    def sign(self) -> Decimal:
        return self.side.sign

    # pnl(u) = a*u + c ; notional(u) = b*u
    @functools.cached_property
    def a(self) -> Decimal:
        return -self.sign * self.size if self.inverse else self.sign * self.size

    @functools.cached_property
    def c(self) -> Decimal:
        return self.sign * self.entry_value if self.inverse else -self.sign * self.entry_value

    @property
    def b(self) -> Decimal:
        return self.size

    def u_of(self, price: Decimal) -> Decimal:
        return ONE / price if self.inverse else price

    def price_of(self, u: Decimal) -> Decimal:
        return ONE / u if self.inverse else u

    def pnl(self, price: Decimal) -> Decimal:
        """uPnL: linear ``s*Q*(P - E)``; inverse ``s*N*(1/E - 1/P)`` in coin."""
        if self.inverse:
            return self.sign * self.size * (ONE / self.entry_price - ONE / price)
        return self.sign * (self.notional(price) - self.entry_value)

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

    def maintenance(self, price: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        """(maintenance margin, MMR, cum) at ``price``: ``notional*MMR - cum`` of the bracket at
        that notional, or the fixed entry-value maintenance."""
        if self.fixed_maintenance is not None:
            rate, amount = self.tiers[0].rate, self.tiers[0].amount
            return self.fixed_maintenance, rate, amount
        notional = self.notional(price)
        tier = self.tier_at(notional)
        return notional * tier.rate - tier.amount, tier.rate, tier.amount


def _positive(value: Decimal | None, message: str, field: str, position_id: str) -> None:
    if value is not None and value <= 0:
        raise MarginError(message, field=field, position_id=position_id)


def _size_of(spec: PositionSpec, market: Market) -> tuple[Decimal, Decimal, Decimal]:
    """(size, quantity shown, entry value) from whichever size the spec gives."""
    given = [
        name for name in ("quantity", "notional", "contracts") if getattr(spec, name) is not None
    ]
    if len(given) != 1:
        raise MarginError(
            ONE_SIZE_ONLY, field=given[-1] if given else "quantity", position_id=spec.id
        )
    field = given[0]
    _positive(getattr(spec, field), NON_POSITIVE_SIZE, field, spec.id)
    _positive(spec.contract_size, NON_POSITIVE_SIZE, "contract_size", spec.id)
    entry = spec.entry_price
    contract_size = spec.contract_size or market.contract_size
    if market.kind is ContractKind.LINEAR:
        if spec.quantity is not None:
            return spec.quantity, spec.quantity, spec.quantity * entry
        if spec.notional is not None:
            quantity = spec.notional / entry
            return quantity, quantity, spec.notional
        assert spec.contracts is not None
        quantity = spec.contracts * contract_size
        return quantity, quantity, quantity * entry
    # inverse: size N in USD; quantity shown in contracts
    if spec.quantity is not None:
        usd = spec.quantity * entry
    elif spec.notional is not None:
        usd = spec.notional
    else:
        assert spec.contracts is not None
        usd = spec.contracts * contract_size
    return usd, usd / contract_size, usd / entry


def initial_margin_of(spec: PositionSpec) -> Decimal:
    """Initial margin ``Q*E/L`` (linear, quote) or ``N/(E*L)`` (inverse, coin)."""
    market = market_for(spec.symbol)
    _positive(spec.entry_price, NON_POSITIVE_PRICE, "entry_price", spec.id)
    _positive(spec.leverage, NON_POSITIVE_LEVERAGE, "leverage", spec.id)
    with localcontext() as context:
        context.prec = PRECISION
        return _size_of(spec, market)[2] / spec.leverage


def _table_of(spec: PositionSpec, market: Market) -> BracketTable:
    return table_named(spec.bracket_table) if spec.bracket_table else market.table


@functools.lru_cache(maxsize=256)
def _bracket_tiers(
    table_name: str, extra: Decimal, amount: Decimal | None, uses_amount: bool
) -> tuple[Tier, ...]:
    """A bracket table as maintenance tiers (rate plus ``extra``; cum, or ``amount`` when the
    position sets one). Speed (issue 20): the same few tables serve every evaluation, so each
    combination is built once (tables are frozen and known by their unique names)."""
    table = table_named(table_name)
    return tuple(
        Tier(
            bracket.cap if index < len(table.brackets) - 1 else None,
            bracket.maintenance_margin_rate + extra,
            amount if amount is not None else bracket.maintenance_amount if uses_amount else ZERO,
        )
        for index, bracket in enumerate(table.brackets)
    )


def _schedule(
    spec: PositionSpec, market: Market, venue: Venue, entry_value: Decimal, fee: Decimal
) -> tuple[tuple[Tier, ...], Decimal | None, Decimal, str | None]:
    """(tiers, fixed maintenance, max leverage, table name) for a position on a venue."""
    table = _table_of(spec, market)
    entry_bracket = table.bracket_for(entry_value)
    if spec.max_leverage is not None:
        max_leverage = spec.max_leverage
    elif venue.rate_from_max_leverage:
        max_leverage = market.hyperliquid_max_leverage
    else:
        max_leverage = entry_bracket.max_leverage
    extra = fee if venue.fee_in_maintenance else ZERO

    if spec.maintenance_margin_rate is not None:
        tiers = (Tier(None, spec.maintenance_margin_rate + extra, spec.maintenance_amount or ZERO),)
        name = None
    elif venue.rate_from_max_leverage:
        # Hyperliquid docs "Liquidations": MMR = 1 / (2 * max leverage), no maintenance amount.
        rate = ONE / (TWO * max_leverage)
        tiers = (Tier(None, rate, spec.maintenance_amount or ZERO),)
        name = None
    elif not venue.uses_brackets or venue.maintenance_basis == MaintenanceBasis.ENTRY:
        amount = entry_bracket.maintenance_amount if venue.uses_maintenance_amount else ZERO
        if spec.maintenance_amount is not None:
            amount = spec.maintenance_amount
        tiers = (Tier(None, entry_bracket.maintenance_margin_rate + extra, amount),)
        name = table.name
    else:
        tiers = _bracket_tiers(
            table.name, extra, spec.maintenance_amount, venue.uses_maintenance_amount
        )
        name = table.name
    fixed = None
    if venue.maintenance_basis == MaintenanceBasis.ENTRY:
        fixed = entry_value * tiers[0].rate - tiers[0].amount
    return tiers, fixed, max_leverage, name


def _leg(
    spec: PositionSpec, venue: Venue, collateral: str, fee: Decimal, *, opening_rules: bool
) -> Leg:
    pid = spec.id
    market = market_for(spec.symbol)
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
    _positive(spec.entry_price, NON_POSITIVE_PRICE, "entry_price", pid)
    _positive(spec.mark_price, NON_POSITIVE_PRICE, "mark_price", pid)
    _positive(spec.leverage, NON_POSITIVE_LEVERAGE, "leverage", pid)
    _positive(spec.max_leverage, NON_POSITIVE_MAX_LEVERAGE, "max_leverage", pid)
    if spec.maintenance_margin_rate is not None and not (
        ZERO <= spec.maintenance_margin_rate < ONE
    ):
        raise MarginError(RATE_OUT_OF_RANGE, field="maintenance_margin_rate", position_id=pid)
    if spec.maintenance_amount is not None and spec.maintenance_amount < 0:
        raise MarginError(NEGATIVE_MAINTENANCE_AMOUNT, field="maintenance_amount", position_id=pid)
    size, quantity, entry_value = _size_of(spec, market)
    tiers, fixed, max_leverage, table_name = _schedule(spec, market, venue, entry_value, fee)
    if spec.leverage > max_leverage:
        raise MarginError(
            LEVERAGE_ABOVE_MAXIMUM.format(
                leverage=_plain(spec.leverage), maximum=_plain(max_leverage)
            ),
            field="leverage",
            position_id=pid,
        )
    initial_margin = entry_value / spec.leverage
    isolated_margin = None
    if spec.margin_mode is MarginMode.CROSS:
        if spec.isolated_margin is not None:
            raise MarginError(TOP_UP_ON_CROSS, field="isolated_margin", position_id=pid)
    else:
        isolated_margin = spec.isolated_margin
        if isolated_margin is None:
            isolated_margin = initial_margin
        elif opening_rules and isolated_margin < initial_margin:
            raise MarginError(
                ISOLATED_MARGIN_BELOW_INITIAL.format(initial_margin=_plain(initial_margin)),
                field="isolated_margin",
                position_id=pid,
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
        tiers=tiers,
        fixed_maintenance=fixed,
        table_name=table_name,
        leverage_table=(
            None
            if spec.max_leverage is not None or venue.rate_from_max_leverage
            else _table_of(spec, market).name
        ),
    )


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
    if first.leverage_table is not None:
        maximum = table_named(first.leverage_table).bracket_for(entry_value).max_leverage
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
        quantity=sum((leg.quantity for leg in legs), ZERO),
        entry_value=entry_value,
        leverage=leverage,
        initial_margin=initial_margin,
        isolated_margin=isolated,
        tiers=first.tiers,
        fixed_maintenance=fixed,
        table_name=first.table_name,
        leverage_table=first.leverage_table,
    )


def build_legs(
    account: AccountSpec, venue: Venue, *, opening_rules: bool = True
) -> tuple[list[Leg], list[str]]:
    """Validate every position, merge same symbol and side, check per-symbol rules."""
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
            raw.append(_leg(spec, venue, account.collateral, fee, opening_rules=opening_rules))
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
    return legs, notes


def _with_mark(leg: Leg, mark: Decimal) -> Leg:
    return dataclasses.replace(leg, mark_price=mark)


# --- the solver --------------------------------------------------------------------------------


def _coefficients(
    legs: list[Leg], base: Decimal, probe: Decimal, *, with_maintenance: bool
) -> tuple[Decimal, Decimal, list[Tier]]:
    """``f(u) = A*u + B`` on the segment holding ``probe`` (a point strictly inside it, so that
    rounding at a boundary cannot pick the neighbouring bracket), with each leg's tier."""
    a_total, b_total = ZERO, base
    tiers = []
    for leg in legs:
        a_total += leg.a
        b_total += leg.c
        if not with_maintenance:
            continue
        if leg.fixed_maintenance is not None:
            b_total -= leg.fixed_maintenance
            tiers.append(leg.tiers[0])
            continue
        tier = leg.tier_at(leg.b * probe)
        a_total -= leg.b * tier.rate
        b_total += tier.amount
        tiers.append(tier)
    return a_total, b_total, tiers


def _breaks_beyond(legs: list[Leg], u_mark: Decimal, direction: int) -> Iterator[Decimal]:
    """The values of ``u`` beyond the mark (below it for ``direction < 0``) at which a leg's
    maintenance tier changes, nearest first and each only once.

    Speed (issue 20): a boundary is ``cap / size``, a 50-digit division, and the walk usually
    stops within a segment or two; so the side of the mark a cap lies on is read from
    ``cap`` against the notional at the mark, and a boundary is divided out only when the walk
    reaches it."""
    streams = []
    for leg in legs:
        if leg.fixed_maintenance is not None:
            continue
        at_mark = leg.b * u_mark
        caps = [t.cap for t in leg.tiers if t.cap is not None]
        if direction < 0:
            chosen = sorted((c for c in caps if c < at_mark), reverse=True)
        else:
            chosen = sorted(c for c in caps if c > at_mark)
        streams.append(_divided(chosen, leg.b))
    previous = None
    for value in heapq.merge(*streams, reverse=direction < 0):
        if value != previous:
            yield value
            previous = value


def _divided(caps: list[Decimal], size: Decimal) -> Iterator[Decimal]:
    for cap in caps:
        yield cap / size


def solve_price(
    legs: list[Leg], base: Decimal, *, with_maintenance: bool = True
) -> tuple[Decimal | None, list[Tier]]:
    """The price nearest the mark at which ``base + sum(uPnL - maintenance) = 0`` for ``legs``
    (all on one symbol), with the tiers in force there. None when no positive price solves it.
    ``with_maintenance=False`` solves ``margin balance = 0``: the bankruptcy price.

    The walk goes segment by segment (bracket boundaries of every leg) outward from the mark in
    both directions; inside a segment ``f`` is linear and its root is Binance's formula with that
    segment's brackets. Where brackets have no maintenance amount (OKX) ``f`` can jump at a
    boundary: a sign change across the jump puts the price at the boundary."""
    leg0 = legs[0]
    u_mark = leg0.u_of(leg0.mark_price)
    best: tuple[Decimal, Decimal, list[Tier]] | None = None
    for direction in (-1, 1):
        breaks = _breaks_beyond(legs, u_mark, direction) if with_maintenance else iter(())
        last: Decimal | None = ZERO if direction < 0 else None  # price 0, or no end upwards
        ends: Iterator[Decimal | None] = itertools.chain(breaks, [last])
        near, previous_value = u_mark, None
        for far in ends:
            if best is not None and abs(leg0.price_of(near) - leg0.mark_price) >= best[0]:
                # Speed (issue 20): segments run outward, so none from here on can hold a root
                # nearer the mark than the one already found in the other direction.
                break
            probe = near * TWO + ONE if far is None else (near + far) / TWO
            a_total, b_total, tiers = _coefficients(
                legs, base, probe, with_maintenance=with_maintenance
            )
            root = None
            if previous_value is not None and (previous_value > 0) != (
                a_total * near + b_total > 0
            ):
                root = near  # the sign changed across a jump at the boundary
            elif a_total != 0:
                candidate = -b_total / a_total
                low, high = (far, near) if direction < 0 else (near, far)
                assert low is not None
                if candidate > 0 and candidate >= low and (high is None or candidate <= high):
                    root = candidate
            if root is not None:
                price = leg0.price_of(root)
                distance = abs(price - leg0.mark_price)
                if best is None or distance < best[0]:
                    best = (distance, price, tiers)
                break
            if far is None or far == 0:
                break
            previous_value = a_total * far + b_total
            near = far
    if best is None:
        return None, []
    return best[1], best[2]


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
    fee = account.taker_fee_rate
    if account.wallet_balance < 0:
        raise MarginError(NEGATIVE_WALLET, field="wallet_balance")
    if fee is not None and not ZERO <= fee < ONE:
        raise MarginError(FEE_RATE_OUT_OF_RANGE, field="taker_fee_rate")
    if not -ONE < account.funding_rate < ONE:
        raise MarginError(FUNDING_RATE_OUT_OF_RANGE, field="funding_rate")
    if legs is None:
        legs, notes = build_legs(account, venue, opening_rules=opening_rules)
    notes = list(notes or [])
    # Sums run in one canonical order, so that reordering the positions cannot change even the
    # last digit of a result.
    shown_order = [leg.id for leg in legs]
    legs = sorted(legs, key=lambda leg: leg.id)
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

    pnl = {leg.id: leg.pnl(leg.mark_price) for leg in legs}
    maint = {leg.id: leg.maintenance(leg.mark_price) for leg in legs}
    cross_pnl = sum((pnl[leg.id] for leg in cross), ZERO)
    cross_mm = sum((maint[leg.id][0] for leg in cross), ZERO)
    cross_balance = cross_wallet + cross_pnl
    cross_liquidated = bool(cross) and cross_balance <= cross_mm

    results = []
    for leg in legs:
        mm, rate, amount = maint[leg.id]
        if leg.margin_mode is MarginMode.ISOLATED:
            assert leg.isolated_margin is not None
            group = [leg]
            base = leg.isolated_margin
            bankrupt_base = base
            other_mm = other_pnl = ZERO
            balance = leg.isolated_margin + pnl[leg.id]
            status_liquidated = balance <= mm
        else:
            symbol = leg.market.symbol
            group = [g for g in cross if g.market.symbol == symbol]
            others = [g for g in cross if g.market.symbol != symbol]
            other_mm = sum((maint[g.id][0] for g in others), ZERO)
            other_pnl = sum((pnl[g.id] for g in others), ZERO)
            base = cross_wallet - other_mm + other_pnl
            bankrupt_base = cross_wallet + other_pnl
            balance = cross_balance
            status_liquidated = cross_liquidated
        liquidation, tiers = solve_price(group, base)
        bankruptcy, _ = solve_price(group, bankrupt_base, with_maintenance=False)
        own_tier = tiers[group.index(leg)] if tiers else Tier(None, rate, amount)
        basis = LiquidationBasis(
            wallet_balance=leg.isolated_margin if leg.isolated_margin is not None else cross_wallet,
            other_maintenance_margin=other_mm,
            other_unrealized_pnl=other_pnl,
            maintenance_margin_rate=own_tier.rate,
            maintenance_amount=own_tier.amount,
            shared_with=tuple(g.id for g in group if g is not leg),
        )
        if len(group) > 1 and leg is group[0]:
            notes.append(HEDGE_NOTE.format(symbol=leg.market.symbol))
        open_fee = order_cost = None
        if fee is not None:
            open_fee = leg.entry_value * fee
            order_cost = leg.initial_margin + open_fee
            if venue.close_fee_in_order_cost and bankruptcy is not None:
                order_cost += leg.notional(bankruptcy) * fee
        if leg.margin_mode is MarginMode.ISOLATED:
            ratio = _ratio(mm, balance)
        else:
            ratio = _ratio(cross_mm, cross_balance)
        results.append(
            PositionResult(
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
                notional=leg.notional(leg.mark_price),
                leverage=leg.leverage,
                initial_margin=leg.initial_margin,
                isolated_margin=leg.isolated_margin,
                maintenance_margin=mm,
                maintenance_margin_rate=rate,
                maintenance_amount=amount,
                unrealized_pnl=pnl[leg.id],
                margin_balance=balance,
                margin_ratio=ratio,
                liquidation_price=liquidation,
                bankruptcy_price=bankruptcy,
                distance_to_liquidation=(
                    abs(liquidation - leg.mark_price) / leg.mark_price
                    if liquidation is not None
                    else None
                ),
                open_fee=open_fee,
                order_cost=order_cost,
                status="liquidated" if status_liquidated else "open",
                liquidation_basis=basis,
            )
        )
    position_of = {result.id: result for result in results}
    results = [position_of[position_id] for position_id in shown_order]
    if cross:
        notes.insert(0, CROSS_NOTE)
    for leg in legs:
        if leg.table_name and table_named(leg.table_name).illustrative:
            note = ILLUSTRATIVE_NOTE.format(symbol=leg.market.symbol, table=leg.table_name)
            if note not in notes:
                notes.append(note)

    total_pnl = sum(pnl.values(), ZERO)
    isolated_results = [r for r in results if r.margin_mode is MarginMode.ISOLATED]
    if cross:
        margin_ratio = _ratio(cross_mm, cross_balance)
    elif isolated_results and all(r.margin_ratio is not None for r in isolated_results):
        margin_ratio = max(r.margin_ratio for r in isolated_results if r.margin_ratio is not None)
    else:
        margin_ratio = None
    account_result = AccountResult(
        collateral=account.collateral,
        wallet_balance=cross_wallet + isolated_total,
        isolated_margin=isolated_total,
        cross_wallet_balance=cross_wallet,
        unrealized_pnl=total_pnl,
        margin_balance=cross_wallet + isolated_total + total_pnl,
        cross_margin_balance=cross_balance,
        cross_initial_margin=cross_initial,
        cross_maintenance_margin=cross_mm,
        total_maintenance_margin=sum((m[0] for m in maint.values()), ZERO),
        available_balance=max(ZERO, cross_balance - cross_initial),
        margin_ratio=margin_ratio,
    )
    return Evaluation(venue.name, tuple(results), account_result, tuple(notes))
