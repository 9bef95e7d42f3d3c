"""Solvers the calculators need beyond ``evaluate``: a target exit price, the largest position a
balance and the bracket table allow, a trade merged into a position, the size that risks a given
amount, and funding payment counts.

Plain Python and exact ``Decimal``, like the rest of the engine. Each formula is stated in its
function's docstring with its source; errors are ``MarginError`` naming the input they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from margin.errors import MarginError
from margin.evaluate import exact
from margin.markets import MARKETS, Bracket, bracket_for

ZERO = Decimal(0)
ONE = Decimal(1)


def side_sign(side: str) -> Decimal:
    return ONE if side == "long" else -ONE


@exact
def target_exit_price(
    *,
    side: str,
    entry_price: Decimal,
    quantity: Decimal,
    target_pnl: Decimal,
    fee_rate: Decimal = ZERO,
) -> Decimal:
    """The exit price X at which the PnL after fees equals ``target_pnl``.

    Solves ``s*Q*(X - E) - f*Q*E - f*Q*X = T`` for X: ``X = (T/Q + E*(s + f)) / (s - f)``.
    Without fees this is Binance's target-price calculator, ``X = E + s*T/Q``; with a ROE target
    ``T = ROE * Q*E/L`` it reads ``X = E*(1 + s*ROE/L)``.
    """
    s = side_sign(side)
    exit_price: Decimal = (target_pnl / quantity + entry_price * (s + fee_rate)) / (s - fee_rate)
    return exit_price


def target_exit_limit(
    *, side: str, entry_price: Decimal, quantity: Decimal, fee_rate: Decimal = ZERO
) -> Decimal:
    """The PnL after fees at an exit price of zero: a short's best case, a long's worst."""
    return target_pnl_at(
        side=side, entry_price=entry_price, quantity=quantity, exit_price=ZERO, fee_rate=fee_rate
    )


def target_pnl_at(
    *,
    side: str,
    entry_price: Decimal,
    quantity: Decimal,
    exit_price: Decimal,
    fee_rate: Decimal = ZERO,
) -> Decimal:
    """``s*Q*(X - E) - f*Q*(E + X)``: the PnL after fees of closing at X (inverse of the above)."""
    pnl: Decimal = side_sign(side) * quantity * (exit_price - entry_price) - fee_rate * quantity * (
        entry_price + exit_price
    )
    return pnl


def cross_wallet_with_allowance(
    *,
    wallet_balance: Decimal,
    other_maintenance_margin: Decimal,
    other_unrealized_pnl: Decimal,
) -> Decimal:
    """The wallet balance that stands behind this position once the others take their share.

    Binance's one-way formula ``LP = (WB - TMM1 + UPNL1 + cum - s*Q*E) / (Q*MMR - s*Q)`` uses the
    other cross positions only through ``WB - TMM1 + UPNL1``: their maintenance margin is set
    aside, their unrealized PnL counts (both held at their current marks). So one position in a
    wallet of that size has exactly the liquidation price it has beside the others.
    """
    return wallet_balance - other_maintenance_margin + other_unrealized_pnl


LEVERAGE_ABOVE_FIRST_BRACKET = "{symbol} allows at most {maximum}x, even for the smallest position."


@exact
def max_notional(
    *, symbol: str, wallet_balance: Decimal, leverage: Decimal, fee_rate: Decimal = ZERO
) -> tuple[Decimal, Bracket]:
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
        raise MarginError(
            LEVERAGE_ABOVE_FIRST_BRACKET.format(
                symbol=symbol, maximum=f"{table.brackets[0].max_leverage.normalize():f}"
            ),
            field="leverage",
        )
    by_balance = wallet_balance / (ONE / leverage + fee_rate)
    by_brackets = allowed[-1].cap
    notional = min(by_balance, by_brackets)
    return notional, bracket_for(table, notional)


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
    side: str,
    margin_mode: str,
    entry_price: Decimal,
    quantity: Decimal,
    isolated_margin: Decimal | None,
    wallet_balance: Decimal,
    action: str,
    trade_price: Decimal,
    trade_quantity: Decimal,
    leverage: Decimal,
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
            margin = (isolated_margin or ZERO) + trade_quantity * trade_price / leverage
        return PositionAfterTrade(new_entry, new_quantity, margin, wallet_balance, ZERO)
    realized = side_sign(side) * trade_quantity * (trade_price - entry_price)
    left = quantity - trade_quantity
    margin = None
    if margin_mode == "isolated":
        margin = (isolated_margin or ZERO) * left / quantity
    return PositionAfterTrade(entry_price, left, margin, wallet_balance + realized, realized)


@exact
def size_for_risk(
    *,
    wallet_balance: Decimal,
    risk_fraction: Decimal,
    entry_price: Decimal,
    stop_price: Decimal,
    fee_rate: Decimal = ZERO,
) -> tuple[Decimal, Decimal]:
    """The quantity that loses exactly ``risk_fraction`` of the balance if the stop is hit.

    Loss at the stop per coin: the price distance plus the fees of both fills,
    ``|E - S| + f*(E + S)``; so ``Q = B*r / (|E - S| + f*(E + S))`` (the fixed-fractional sizing
    rule of trading textbooks; fees as the exchanges charge them, rate x fill notional).
    Returns (risk amount, quantity).
    """
    risk = wallet_balance * risk_fraction
    per_coin = abs(entry_price - stop_price) + fee_rate * (entry_price + stop_price)
    return risk, risk / per_coin


def funding_payments(*, holding_hours: Decimal, funding_interval_hours: int) -> int:
    """How many funding times a position held ``holding_hours`` goes through (whole intervals)."""
    return int(holding_hours // funding_interval_hours)
