"""The pnl calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from core.display import display
from margin.evaluate import exact
from tools.results import (
    ZERO,
    Figure,
    ToolResult,
    Working,
    engine_workings,
    isolated_one,
    money_figure,
    setup_for,
)


@exact
def pnl(*, symbol, side, entry_price, exit_price, quantity, leverage, fee_rate=ZERO) -> ToolResult:
    """PnL of closing at ``exit_price``, ROE on the initial margin, and the fees of both fills.

    PnL and initial margin are the engine's (position evaluated at mark = exit). Fees: rate x fill
    notional on the open (``Q*E*f``) and on the close (``Q*X*f``), as Binance and Bybit charge
    them. ROE = PnL / initial margin (Binance's futures calculator). None of it depends on the
    margin mode.
    """
    result, _ = isolated_one(
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
        money_figure(
            "PnL", gross, name="pnl", workings=engine_workings(result, "unrealized_pnl", "money")
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
        money_figure(
            "Initial margin",
            margin,
            name="initial_margin",
            workings=engine_workings(result, "initial_margin", "money"),
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
            money_figure("Fees paid", fees, name="fees", workings=fee_workings),
            money_figure(
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
        setup=setup_for(
            symbol=symbol,
            side=side,
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=margin,
        ),
    )
