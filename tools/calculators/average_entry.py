"""The average entry calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from core.display import display
from margin import (
    MARKETS,
)
from margin.evaluate import exact
from margin.solve import (
    trade_into,
)
from tools.results import (
    Figure,
    SimulatorPosition,
    SimulatorSetup,
    Table,
    ToolResult,
    Working,
    engine_workings,
    evaluate_one,
    money_figure,
    position_spec,
)


@exact
def average_entry(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    entry_price,
    quantity,
    leverage,
    wallet_balance,
    action,
    trade_price,
    trade_quantity,
) -> ToolResult:
    """Before and after a trade: entry, size, margin and liquidation price, from the engine."""
    before_spec = position_spec(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        mark_price=trade_price,
    )
    before, _ = evaluate_one(before_spec, wallet_balance=wallet_balance, venue=venue)
    isolated = before.initial_margin if margin_mode == "isolated" else None
    after_state = trade_into(
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        isolated_margin=isolated,
        wallet_balance=wallet_balance,
        action=action,
        trade_price=trade_price,
        trade_quantity=trade_quantity,
        leverage=leverage,
    )
    entry_working = (
        (
            Working(
                "New entry price",
                "(Q x E + q x P) / (Q + q)",
                f"({quantity} x {entry_price} + {trade_quantity} x {trade_price}) / "
                f"({quantity} + {trade_quantity})",
                display(after_state.entry_price, "price"),
            ),
        )
        if action == "add"
        else (
            Working(
                "Entry price",
                "unchanged when reducing",
                f"{entry_price}",
                display(entry_price, "price"),
            ),
        )
    )
    realized_working = (
        Working(
            "Realized PnL",
            "s x q x (P - E)",
            f"{'+' if side == 'long' else '-'}{trade_quantity} x ({trade_price} - {entry_price})",
            display(after_state.realized_pnl, "money"),
        ),
    )
    closed = after_state.quantity == 0
    after = None
    if not closed:
        after_spec = position_spec(
            symbol=symbol,
            side=side,
            margin_mode=margin_mode,
            entry_price=after_state.entry_price,
            quantity=after_state.quantity,
            leverage=leverage,
            isolated_margin=after_state.isolated_margin,
            mark_price=trade_price,
        )
        after, _ = evaluate_one(after_spec, wallet_balance=after_state.wallet_balance, venue=venue)
    margin_before = isolated if isolated is not None else before.initial_margin
    margin_after = (
        None
        if after is None
        else after_state.isolated_margin
        if margin_mode == "isolated"
        else after.initial_margin
    )
    headline = [
        Figure(
            "entry_price",
            "New entry price" if not closed else "Position closed",
            None if closed else after_state.entry_price,
            "price",
            "USDT",
            workings=entry_working,
        ),
        Figure(
            "liquidation_price",
            "New liquidation price",
            None if after is None else after.liquidation_price,
            "price",
            "USDT",
            workings=() if after is None else engine_workings(after, "liquidation_price", "price"),
        ),
    ]
    figures = [
        Figure("quantity", "New quantity", after_state.quantity, "quantity", MARKETS[symbol].base),
    ]
    if action == "reduce":
        figures.append(
            money_figure(
                "Realized PnL",
                after_state.realized_pnl,
                name="realized_pnl",
                workings=realized_working,
            )
        )
    rows = (
        (
            "Entry price",
            display(entry_price, "price"),
            "—" if closed else display(after_state.entry_price, "price"),
        ),
        ("Quantity", display(quantity, "quantity"), display(after_state.quantity, "quantity")),
        (
            "Notional at the trade price",
            display(before.notional, "money"),
            "—" if after is None else display(after.notional, "money"),
        ),
        (
            "Isolated margin" if margin_mode == "isolated" else "Initial margin",
            display(margin_before, "money"),
            display(margin_after, "money"),
        ),
        (
            "Wallet balance",
            display(wallet_balance, "money"),
            display(after_state.wallet_balance, "money"),
        ),
        (
            "Unrealized PnL",
            display(before.unrealized_pnl, "money"),
            "—" if after is None else display(after.unrealized_pnl, "money"),
        ),
        (
            "Liquidation price",
            display(before.liquidation_price, "price"),
            "—" if after is None else display(after.liquidation_price, "price"),
        ),
    )
    notes = [
        f"Both sides of the table are evaluated at the trade price ({display(trade_price, 'price')}"
        " USDT), taken as the mark price.",
    ]
    if margin_mode == "isolated" and action == "add":
        notes.append(
            "The added part brings its own initial margin, so the isolated margin grows "
            "with the position."
        )
    if margin_mode == "cross":
        notes.append(
            "In cross margin the whole wallet backs the position, so adding to it moves "
            "the liquidation price towards the market."
        )
    return ToolResult(
        headline=tuple(headline),
        figures=tuple(figures),
        notes=tuple(notes),
        table=Table(
            caption="Before and after the trade", headers=("", "Before", "After"), rows=rows
        ),
        setup=None
        if closed
        else SimulatorSetup(
            wallet_balance=after_state.wallet_balance,
            venue=venue,
            positions=(
                SimulatorPosition(
                    symbol,
                    side,
                    margin_mode,
                    after_state.entry_price,
                    after_state.entry_price * after_state.quantity,
                    leverage,
                    after_state.isolated_margin,
                ),
            ),
        ),
    )
