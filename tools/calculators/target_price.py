"""The target price calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from core.display import display
from margin.evaluate import exact
from margin.solve import (
    target_exit_limit,
    target_exit_price,
)
from tools.results import (
    HUNDRED,
    NO_PRICE_REACHES_TARGET,
    TARGET_BEYOND_ZERO_LOSS,
    ZERO,
    Figure,
    ToolInputError,
    ToolResult,
    Working,
    engine_workings,
    isolated_one,
    money_figure,
    setup_for,
)


@exact
def target_price(
    *, symbol, side, entry_price, quantity, leverage, target_kind, target, fee_rate=ZERO
) -> ToolResult:
    """The exit price for a wanted ROE (per cent of the initial margin) or PnL, after fees."""
    at_entry, _ = isolated_one(
        symbol=symbol, side=side, entry_price=entry_price, quantity=quantity, leverage=leverage
    )
    margin = at_entry.initial_margin
    if target_kind == "roe":
        target_pnl = target / HUNDRED * margin
        target_workings: tuple[Working, ...] = (
            Working(
                "Wanted PnL",
                "ROE x initial margin",
                f"{target}% x {display(margin, 'money')}",
                display(target_pnl, "money"),
                "C02",
            ),
        )
    else:
        target_pnl = target
        target_workings = ()
    exit_price = target_exit_price(
        side=side,
        entry_price=entry_price,
        quantity=quantity,
        target_pnl=target_pnl,
        fee_rate=fee_rate,
    )
    if exit_price <= 0:
        # The exit price that would do it is zero or below: no market reaches it.
        limit = target_exit_limit(
            side=side, entry_price=entry_price, quantity=quantity, fee_rate=fee_rate
        )
        message = NO_PRICE_REACHES_TARGET if side == "short" else TARGET_BEYOND_ZERO_LOSS
        raise ToolInputError(message.format(limit=display(limit, "money")), field="target")
    # Check by evaluating the position at the exit price: the engine's PnL, our fees.
    at_exit, _ = isolated_one(
        symbol=symbol,
        side=side,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        mark_price=exit_price,
    )
    fees = quantity * (entry_price + exit_price) * fee_rate
    net = at_exit.unrealized_pnl - fees
    s = "+" if side == "long" else "-"
    formula = "X = E + s x T / Q" if not fee_rate else "X = (T/Q + E x (s + f)) / (s - f)"
    substituted = (
        f"{entry_price} {s} {display(target_pnl, 'money')} / {quantity}"
        if not fee_rate
        else f"({display(target_pnl, 'money')} / {quantity} + {entry_price} x ({s}1 + {fee_rate}))"
        f" / ({s}1 - {fee_rate})"
    )
    headline = [
        Figure(
            "target_price",
            "Exit price",
            exit_price,
            "price",
            "USDT",
            workings=(
                *target_workings,
                Working("Exit price", formula, substituted, display(exit_price, "price")),
            ),
        ),
    ]
    move = (exit_price - entry_price) / entry_price
    figures = [
        Figure("price_move", "Price move needed", move, "percent"),
        money_figure("PnL at that price" + (" after fees" if fee_rate else ""), net, name="pnl"),
        Figure("roe", "ROE at that price", net / margin, "percent"),
        money_figure(
            "Initial margin",
            margin,
            name="initial_margin",
            workings=engine_workings(at_entry, "initial_margin", "money"),
        ),
        Figure(
            "liquidation_price",
            "Isolated liquidation price",
            at_entry.liquidation_price,
            "price",
            "USDT",
            workings=engine_workings(at_entry, "liquidation_price", "price"),
            note="Binance rules, the position holding only its initial margin.",
        ),
    ]
    warnings = []
    liquidation = at_entry.liquidation_price
    if liquidation is not None and (
        (side == "long" and exit_price <= liquidation)
        or (side == "short" and exit_price >= liquidation)
    ):
        warnings.append(
            f"This exit lies beyond the isolated liquidation price ({display(liquidation, 'price')}"
            f" USDT): at {leverage}x the position is liquidated on the way and loses its whole "
            f"margin ({display(margin, 'money')} USDT) first."
        )
    return ToolResult(
        headline=tuple(headline),
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=(
            "ROE is counted on the initial margin, as exchanges show it; it is the same in "
            "isolated and cross margin.",
        ),
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
