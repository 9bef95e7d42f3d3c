"""Position sizing against the bracket table: the largest position a balance and leverage allow."""

from __future__ import annotations

from decimal import Decimal

from margin.errors import NEGATIVE_WALLET, NON_POSITIVE_LEVERAGE, MarginError
from margin.evaluate import exact
from margin.margins import ZERO
from margin.markets import market_for, table_named
from margin.model import to_decimal


@exact
def max_open_notional(
    symbol: str,
    *,
    balance: Decimal | str | int,
    leverage: Decimal | str | int,
    bracket_table: str | None = None,
) -> Decimal:
    """The largest notional (quote currency; coin for inverse contracts) that ``balance`` can open
    at ``leverage``: ``min(balance * L, cap of the last bracket whose max leverage >= L)``.

    Brackets cap leverage as notional grows (Binance FAQ on leverage and margin tiers), so past a
    tier's cap a position needs a lower leverage. Zero when no bracket allows ``leverage``. Fees to
    open are left out (they depend on the fee rate, not the brackets)."""
    balance_d = to_decimal(balance, field_name="wallet_balance")
    leverage_d = to_decimal(leverage, field_name="leverage")
    if balance_d < 0:
        raise MarginError(NEGATIVE_WALLET, field="wallet_balance")
    if leverage_d <= 0:
        raise MarginError(NON_POSITIVE_LEVERAGE, field="leverage")
    table = table_named(bracket_table) if bracket_table else market_for(symbol).table
    allowed = [b.cap for b in table.brackets if b.max_leverage >= leverage_d]
    if not allowed:
        return ZERO
    return min(balance_d * leverage_d, max(allowed))
