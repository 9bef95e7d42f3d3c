"""Margins of one position: size, initial margin and the maintenance schedule on a venue.

This module sits below ``model`` and ``evaluate``: the what-if transforms of ``model`` (a top-up
needs the initial margin) and the solver of ``evaluate`` both use it, and it imports neither.
Formulas and their sources are in margin-reference.md: initial margin ``Q*E/L`` (linear) or
``N/(E*L)`` (inverse); maintenance ``notional*MMR - cum`` from the bracket at the notional.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, DecimalTuple, localcontext

from margin.errors import (
    NO_TABLE_THAT_OLD,
    NO_VENUE_TABLE,
    NON_POSITIVE_LEVERAGE,
    NON_POSITIVE_PRICE,
    NON_POSITIVE_SIZE,
    ONE_SIZE_ONLY,
    PAST_PUBLISHED_TIERS,
    TOP_UP_ON_CROSS,
    MarginError,
)
from margin.markets import (
    Bracket,
    BracketTable,
    ContractKind,
    Market,
    TierUnit,
    market_for,
    table_for,
    table_named,
    tables_of,
)
from margin.model import AccountSpec, MarginMode, PositionSpec, to_decimal
from margin.records import quick_init
from margin.venues import MaintenanceBasis, Venue

ZERO = Decimal("0")
ONE = Decimal("1")
TWO = Decimal("2")
# Working precision: far beyond the cent, so results are exact for display at any rounding.
PRECISION = 50


@quick_init
@dataclass(frozen=True)
class Tier:
    """One piece of a maintenance schedule: notional up to ``cap`` (None: no cap)."""

    cap: Decimal | None
    rate: Decimal
    amount: Decimal


def positive(value: Decimal | None, message: str, field: str, position_id: str) -> None:
    if value is not None and value <= 0:
        raise MarginError(message, field=field, position_id=position_id)


def size_of(spec: PositionSpec, market: Market) -> tuple[Decimal, Decimal, Decimal]:
    """(size, quantity shown, entry value) from whichever size the spec gives."""
    given = [
        name for name in ("quantity", "notional", "contracts") if getattr(spec, name) is not None
    ]
    if len(given) != 1:
        raise MarginError(
            ONE_SIZE_ONLY, field=given[-1] if given else "quantity", position_id=spec.id
        )
    field = given[0]
    positive(getattr(spec, field), NON_POSITIVE_SIZE, field, spec.id)
    positive(spec.contract_size, NON_POSITIVE_SIZE, "contract_size", spec.id)
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
    positive(spec.entry_price, NON_POSITIVE_PRICE, "entry_price", spec.id)
    positive(spec.leverage, NON_POSITIVE_LEVERAGE, "leverage", spec.id)
    with localcontext() as context:
        context.prec = PRECISION
        return size_of(spec, market)[2] / spec.leverage


def table_of(
    spec: PositionSpec, market: Market, venue: Venue, on: date | None
) -> BracketTable | None:
    """The table a position reads: the one it names, else its venue's own in force on ``on``
    (None when the venue has none: the engine never lends it another venue's)."""
    if spec.bracket_table:
        return table_named(spec.bracket_table)
    return table_for(venue.parameters, market.symbol, on)


def _missing_table(spec: PositionSpec, market: Market, venue: Venue, on: date | None) -> None:
    when = ""
    oldest = tables_of(venue.parameters, market.symbol)
    if on is not None and oldest:
        when = NO_TABLE_THAT_OLD.format(day=on.isoformat(), oldest=oldest[0].as_of)
    raise MarginError(
        NO_VENUE_TABLE.format(venue=venue.label, symbol=market.symbol, when=when),
        field="maintenance_margin_rate",
        position_id=spec.id,
    )


def tier_size(table: BracketTable, entry_value: Decimal, quantity: Decimal) -> Decimal:
    """What a table's tiers count: the notional, or (OKX) the contracts, ``quantity / ctVal``."""
    if table.unit is TierUnit.CONTRACTS:
        assert table.contract_value is not None
        return quantity / table.contract_value
    return entry_value


@quick_init
@dataclass(frozen=True)
class Schedule:
    """A position's maintenance schedule on a venue: its tiers (by notional at the mark), the
    fixed entry-value maintenance where the venue uses one, the maximum leverage (None: no table
    caps it) and the table it came from (None: the learner's own rate)."""

    tiers: tuple[Tier, ...]
    fixed: Decimal | None
    max_leverage: Decimal | None
    table: BracketTable | None
    leverage_table: BracketTable | None


def schedule(
    spec: PositionSpec,
    market: Market,
    venue: Venue,
    *,
    entry_value: Decimal,
    quantity: Decimal,
    fee: Decimal,
    on: date | None,
) -> Schedule:
    """The maintenance schedule of a position on ``venue`` (the rule version of its day)."""
    table = table_of(spec, market, venue, on)
    own_rate = spec.maintenance_margin_rate
    if table is None and own_rate is None:
        _missing_table(spec, market, venue, on)
    entry_bracket = None
    if table is not None:
        size = tier_size(table, entry_value, quantity)
        if not table.complete and size > table.max_size and own_rate is None:
            unit = "contracts" if table.unit is TierUnit.CONTRACTS else market_unit(market)
            raise MarginError(
                PAST_PUBLISHED_TIERS.format(
                    table=table.name, cap=_grouped(table.max_size), unit=unit
                ),
                field="maintenance_margin_rate",
                position_id=spec.id,
            )
        entry_bracket = table.bracket_for(size)
    max_leverage = spec.max_leverage
    if max_leverage is None and entry_bracket is not None:
        max_leverage = entry_bracket.max_leverage
    extra = fee if venue.fee_in_maintenance else ZERO
    amount_override = spec.maintenance_amount

    tiers: tuple[Tier, ...]
    source = table
    if own_rate is not None:
        tiers = (Tier(None, own_rate + extra, amount_override or ZERO),)
        source = None
    elif venue.rate_from_max_leverage and spec.max_leverage is not None:
        # Hyperliquid docs "Liquidations": MMR = 1 / (2 * max leverage), here the learner's.
        tiers = (Tier(None, ONE / (TWO * spec.max_leverage), amount_override or ZERO),)
        source = None
    else:
        assert table is not None
        assert entry_bracket is not None
        tiers = _table_tiers(table, entry_bracket, venue, extra, amount_override)
    fixed = None
    if venue.maintenance_basis == MaintenanceBasis.ENTRY:
        fixed = entry_value * tiers[0].rate - tiers[0].amount
    leverage_table = table if spec.max_leverage is None else None
    return Schedule(tiers, fixed, max_leverage, source, leverage_table)


def _table_tiers(
    table: BracketTable,
    entry_bracket: Bracket,
    venue: Venue,
    extra: Decimal,
    amount_override: Decimal | None,
) -> tuple[Tier, ...]:
    """The tiers a table gives a position: all of them, walked by the notional at the mark, or
    one chosen at entry (by contracts on OKX, by the entry value where maintenance is on it)."""
    one_bracket = (
        table.unit is TierUnit.CONTRACTS
        or not venue.uses_brackets
        or venue.maintenance_basis == MaintenanceBasis.ENTRY
    )
    return _tiers_of(
        table.name,
        entry_bracket if one_bracket else None,
        venue.uses_maintenance_amount,
        _exactly(extra),
        None if amount_override is None else _exactly(amount_override),
    )


def _exactly(value: Decimal) -> tuple[Decimal, DecimalTuple]:
    """A cache key that tells ``0.5`` from ``0.50``: equal Decimals, but not the same digits in
    what is built from them. No fee rate in maintenance (most venues) is the key of ``ZERO``
    itself, worked out once."""
    if value is ZERO:
        return _ZERO_KEY
    return value, value.as_tuple()


_ZERO_KEY = (ZERO, ZERO.as_tuple())


@functools.lru_cache(maxsize=4096)
def _tiers_of(
    table_name: str,
    entry_bracket: Bracket | None,
    uses_maintenance_amount: bool,
    extra: tuple[Decimal, DecimalTuple],
    amount_override: tuple[Decimal, DecimalTuple] | None,
) -> tuple[Tier, ...]:
    """``_table_tiers``, built once per table and rule set (tables never change once loaded):
    each bracket's MMR plus ``extra`` and its cum (or the override, or 0 without cums); the
    last tier is uncapped. ``entry_bracket`` (None: every bracket) is the one tier chosen at
    entry."""
    table = table_named(table_name)
    brackets = table.brackets if entry_bracket is None else (entry_bracket,)
    with localcontext() as context:
        context.prec = PRECISION
        return tuple(
            Tier(
                bracket.cap if index < len(brackets) - 1 else None,
                bracket.maintenance_margin_rate + extra[0],
                (
                    amount_override[0]
                    if amount_override is not None
                    else bracket.maintenance_amount
                    if uses_maintenance_amount
                    else ZERO
                ),
            )
            for index, bracket in enumerate(brackets)
        )


def _grouped(value: Decimal) -> str:
    """``1,000`` or ``0.75``: a table's figure for a message."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def market_unit(market: Market) -> str:
    """The currency a market's notional is counted in."""
    return market.collateral


def top_up(account: AccountSpec, position_id: str, amount: Decimal) -> AccountSpec:
    """Add ``amount`` to an isolated position's margin (from the cross wallet). Cross positions
    have no margin of their own to top up."""
    amount = to_decimal(amount, field_name="isolated_margin", position_id=position_id)
    positions = []
    for p in account.positions:
        if p.id == position_id:
            if p.margin_mode is MarginMode.CROSS:
                raise MarginError(TOP_UP_ON_CROSS, field="isolated_margin", position_id=p.id)
            current = p.isolated_margin
            if current is None:
                current = initial_margin_of(p)
            p = dataclasses.replace(p, isolated_margin=current + amount)
        positions.append(p)
    return dataclasses.replace(account, positions=tuple(positions))
