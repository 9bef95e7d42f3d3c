"""Margins of one position: size, initial margin and the maintenance schedule on a venue.

This module sits below ``model`` and ``evaluate``: the what-if transforms of ``model`` (a top-up
needs the initial margin) and the solver of ``evaluate`` both use it, and it imports neither.
Formulas and their sources are in margin-reference.md: initial margin ``Q*E/L`` (linear) or
``N/(E*L)`` (inverse); maintenance ``notional*MMR - cum`` from the bracket at the notional.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from margin.errors import (
    NON_POSITIVE_LEVERAGE,
    NON_POSITIVE_PRICE,
    NON_POSITIVE_SIZE,
    ONE_SIZE_ONLY,
    MarginError,
)
from margin.markets import BracketTable, ContractKind, Market, market_for, table_named
from margin.venues import MaintenanceBasis, Venue

if TYPE_CHECKING:  # a type only: model imports this module at run time
    from margin.model import PositionSpec

ZERO = Decimal("0")
ONE = Decimal("1")
TWO = Decimal("2")
# Working precision: far beyond the cent, so results are exact for display at any rounding.
PRECISION = 50


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


def table_of(spec: PositionSpec, market: Market) -> BracketTable:
    return table_named(spec.bracket_table) if spec.bracket_table else market.table


def schedule(
    spec: PositionSpec, market: Market, venue: Venue, entry_value: Decimal, fee: Decimal
) -> tuple[tuple[Tier, ...], Decimal | None, Decimal, str | None]:
    """(tiers, fixed maintenance, max leverage, table name) for a position on a venue."""
    table = table_of(spec, market)
    entry_bracket = table.bracket_for(entry_value)
    if spec.max_leverage is not None:
        max_leverage = spec.max_leverage
    elif venue.rate_from_max_leverage:
        max_leverage = market.hyperliquid_max_leverage
    else:
        max_leverage = entry_bracket.max_leverage
    extra = fee if venue.fee_in_maintenance else ZERO

    tiers: tuple[Tier, ...]
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
        tiers = tuple(
            Tier(
                bracket.cap if index < len(table.brackets) - 1 else None,
                bracket.maintenance_margin_rate + extra,
                (
                    spec.maintenance_amount
                    if spec.maintenance_amount is not None
                    else bracket.maintenance_amount
                    if venue.uses_maintenance_amount
                    else ZERO
                ),
            )
            for index, bracket in enumerate(table.brackets)
        )
        name = table.name
    fixed = None
    if venue.maintenance_basis == MaintenanceBasis.ENTRY:
        fixed = entry_value * tiers[0].rate - tiers[0].amount
    return tiers, fixed, max_leverage, name
