"""Position sizing against the bracket table: the largest position a balance and leverage allow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from margin.errors import NEGATIVE_WALLET, NO_VENUE_TABLE, NON_POSITIVE_LEVERAGE, MarginError
from margin.evaluate import exact
from margin.margins import ZERO
from margin.markets import market_for, table_for, table_named
from margin.model import to_date, to_decimal
from margin.venues import venue_named


@exact
def max_open_notional(
    symbol: str,
    *,
    balance: Decimal | str | int,
    leverage: Decimal | str | int,
    bracket_table: str | None = None,
    venue: str = "binance",
    as_of: date | str | None = None,
) -> Decimal:
    """The largest notional (quote currency; coin for inverse contracts) that ``balance`` can open
    at ``leverage``: ``min(balance * L, cap of the last bracket whose max leverage >= L)``.

    Brackets cap leverage as notional grows (Binance FAQ on leverage and margin tiers), so past a
    tier's cap a position needs a lower leverage. Zero when no bracket allows ``leverage``. Fees to
    open are left out (they depend on the fee rate, not the brackets). The table is the one
    named, else ``venue``'s in force on ``as_of`` (the newest when None)."""
    balance_d = to_decimal(balance, field_name="wallet_balance")
    leverage_d = to_decimal(leverage, field_name="leverage")
    if balance_d < 0:
        raise MarginError(NEGATIVE_WALLET, field="wallet_balance")
    if leverage_d <= 0:
        raise MarginError(NON_POSITIVE_LEVERAGE, field="leverage")
    if bracket_table:
        table = table_named(bracket_table)
    else:
        rules = venue_named(venue)
        found = table_for(rules.parameters, market_for(symbol).symbol, to_date(as_of))
        if found is None:
            raise MarginError(
                NO_VENUE_TABLE.format(venue=rules.label, symbol=symbol, when=""),
                field="maintenance_margin_rate",
            )
        table = found
    allowed = [b.cap for b in table.brackets if b.max_leverage >= leverage_d]
    if not allowed:
        return ZERO
    return min(balance_d * leverage_d, max(allowed))
