"""The max position calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from core.display import display
from margin import (
    MARKETS,
)
from margin.evaluate import exact
from margin.solve import (
    max_notional,
)
from tools.results import (
    ONE,
    ZERO,
    Figure,
    Table,
    ToolResult,
    Working,
    engine_workings,
    isolated_one,
    money_figure,
    setup_for,
)


@exact
def max_position(*, symbol, wallet_balance, leverage, entry_price, fee_rate=ZERO) -> ToolResult:
    notional, bracket = max_notional(
        symbol=symbol, wallet_balance=wallet_balance, leverage=leverage, fee_rate=fee_rate
    )
    quantity = notional / entry_price
    # The engine opens it: this checks the bracket's leverage limit and gives the margins.
    result, _ = isolated_one(
        symbol=symbol,
        side="long",
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        fee_rate=fee_rate,
    )
    by_balance = wallet_balance / (ONE / leverage + fee_rate)
    capped = notional < by_balance
    table = MARKETS[symbol].table
    balance_working = Working(
        "What the balance opens",
        "B / (1/L + fee)" if fee_rate else "B x L",
        f"{wallet_balance} / (1/{leverage} + {fee_rate})"
        if fee_rate
        else f"{wallet_balance} x {leverage}",
        display(by_balance, "money"),
        "C02",
    )
    allowed_cap = max(b.cap for b in table.brackets if b.max_leverage >= leverage)
    cap_working = Working(
        "What the brackets allow at this leverage",
        "cap of the largest bracket with max leverage >= L",
        f"{display(leverage, 'leverage')} allowed up to {display(allowed_cap, 'money')}",
        display(allowed_cap, "money"),
        "C03",
    )
    pick = Working(
        "Max notional",
        "min(balance limit, bracket limit)",
        f"min({display(by_balance, 'money')}, {display(allowed_cap, 'money')})",
        display(notional, "money"),
    )
    headline = (
        money_figure(
            "Max notional",
            notional,
            name="max_notional",
            workings=(balance_working, cap_working, pick),
        ),
        Figure(
            "max_quantity",
            "Max quantity",
            quantity,
            "quantity",
            MARKETS[symbol].base,
            workings=(
                Working(
                    "Quantity",
                    "notional / price",
                    f"{display(notional, 'money')} / {entry_price}",
                    display(quantity, "quantity"),
                ),
            ),
        ),
    )
    figures = [
        money_figure(
            "Initial margin",
            result.initial_margin,
            name="initial_margin",
            workings=engine_workings(result, "initial_margin", "money"),
        ),
        money_figure(
            "Balance limit", by_balance, name="balance_limit", workings=(balance_working,)
        ),
        money_figure(
            "Bracket limit at this leverage",
            allowed_cap,
            name="bracket_limit",
            workings=(cap_working,),
        ),
    ]
    if fee_rate:
        figures.append(money_figure("Open fee", notional * fee_rate, name="open_fee"))
    rows = []
    highlighted = None
    for index, row in enumerate(table.brackets):
        if row == bracket:
            highlighted = index
        rows.append(
            (
                f"{display(row.floor, 'count')} – {display(row.cap, 'count')}",
                display(row.max_leverage, "leverage"),
                display(row.maintenance_margin_rate, "percent"),
                display(row.maintenance_amount, "money"),
            )
        )
    notes = []
    if capped:
        lower = [b for b in table.brackets if b.cap > notional]
        if lower:
            notes.append(
                f"The bracket table, not your balance, is the limit: above "
                f"{display(notional, 'money')} USDT of notional {symbol} allows at most "
                f"{display(lower[0].max_leverage, 'leverage')}. Lower the leverage to open more."
            )
    else:
        notes.append(
            "Your balance is the limit: with more margin (or more leverage, within the "
            "bracket's maximum) you could open more."
        )
    notes.append(
        "The limits are the same in isolated and cross margin; in cross, margin already "
        "used by other positions is not available."
    )
    if table.illustrative:
        notes.append(f"The {symbol} bracket table is illustrative, not a published snapshot.")
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        notes=tuple(notes),
        table=Table(
            caption=f"{symbol} brackets ({table.source})",
            headers=("Notional (USDT)", "Max leverage", "Maintenance rate", "Maintenance amount"),
            rows=tuple(rows),
            highlighted_row=highlighted,
        ),
        setup=setup_for(
            symbol=symbol,
            side="long",
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=wallet_balance,
        ),
    )
