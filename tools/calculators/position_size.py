"""The position size calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from core.display import display
from margin import (
    MARKETS,
)
from margin.evaluate import exact
from margin.solve import (
    size_for_risk,
)
from tools.results import (
    MARGIN_ABOVE_BALANCE,
    ZERO,
    Figure,
    SimulatorPosition,
    SimulatorSetup,
    ToolInputError,
    ToolResult,
    Working,
    engine_workings,
    evaluate_one,
    money_figure,
    position_spec,
)


@exact
def position_size(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    wallet_balance,
    risk_fraction,
    entry_price,
    stop_price,
    leverage,
    fee_rate=ZERO,
) -> ToolResult:
    risk, quantity = size_for_risk(
        wallet_balance=wallet_balance,
        risk_fraction=risk_fraction,
        entry_price=entry_price,
        stop_price=stop_price,
        fee_rate=fee_rate,
    )
    notional = quantity * entry_price
    implied = notional / wallet_balance
    margin = notional / leverage
    if margin > wallet_balance:
        raise ToolInputError(
            MARGIN_ABOVE_BALANCE.format(
                leverage=display(leverage, "count"),
                margin=display(margin, "money"),
                balance=display(wallet_balance, "money"),
                minimum=display(implied, "leverage").rstrip("x"),
            ),
            field="leverage",
        )
    spec = position_spec(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
    )
    result, _ = evaluate_one(spec, wallet_balance=wallet_balance, venue=venue, fee_rate=fee_rate)
    # The engine's PnL at the stop, to show the loss it implies.
    at_stop, _ = evaluate_one(
        position_spec(
            symbol=symbol,
            side=side,
            margin_mode=margin_mode,
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            mark_price=stop_price,
        ),
        wallet_balance=wallet_balance,
        venue=venue,
        fee_rate=fee_rate,
    )
    fees = fee_rate * quantity * (entry_price + stop_price)
    loss_at_stop = -at_stop.unrealized_pnl + fees
    per_coin_formula = "|E - S| + fee x (E + S)" if fee_rate else "|E - S|"
    per_coin_text = (
        f"|{entry_price} - {stop_price}| + {fee_rate} x ({entry_price} + {stop_price})"
        if fee_rate
        else f"|{entry_price} - {stop_price}|"
    )
    per_coin = abs(entry_price - stop_price) + fee_rate * (entry_price + stop_price)
    quantity_workings = (
        Working(
            "Risk amount",
            "balance x risk",
            f"{wallet_balance} x {risk_fraction}",
            display(risk, "money"),
            "C18",
        ),
        Working(
            "Loss per coin at the stop", per_coin_formula, per_coin_text, display(per_coin, "money")
        ),
        Working(
            "Quantity",
            "risk / loss per coin",
            f"{display(risk, 'money')} / {display(per_coin, 'money')}",
            display(quantity, "quantity"),
        ),
    )
    liquidation = result.liquidation_price
    safe_workings: tuple[Working, ...]
    safe_leverage, safe_workings = None, ()
    if margin_mode == "isolated":
        # Liquidation sits exactly at the stop when the isolated margin equals the loss there plus
        # the maintenance margin the venue asks at that price (both the engine's figures); any
        # leverage below notional / that margin keeps liquidation beyond the stop.
        margin_needed = -at_stop.unrealized_pnl + at_stop.maintenance_margin
        safe_leverage = notional / margin_needed
        safe_workings = (
            Working(
                "Margin that just survives the stop",
                "loss at the stop + maintenance margin at the stop",
                f"{display(-at_stop.unrealized_pnl, 'money')} + "
                f"{display(at_stop.maintenance_margin, 'money')}",
                display(margin_needed, "money"),
                "C03",
            ),
            Working(
                "Highest leverage",
                "notional / that margin",
                f"{display(notional, 'money')} / {display(margin_needed, 'money')}",
                display(safe_leverage, "leverage"),
                "C06",
            ),
        )
    warnings = []
    stop_beyond = liquidation is not None and (
        (side == "long" and stop_price <= liquidation)
        or (side == "short" and stop_price >= liquidation)
    )
    if stop_beyond:
        lost = result.initial_margin if margin_mode == "isolated" else None
        what = (
            f"its whole isolated margin of {display(lost, 'money')} USDT"
            if lost is not None
            else "most of the cross wallet behind it"
        )
        warnings.append(
            f"Your stop-loss at {display(stop_price, 'price')} lies beyond the liquidation price "
            f"({display(liquidation, 'price')}). The position is liquidated before the stop can "
            f"trigger and loses {what}, not the {display(risk, 'money')} USDT you planned. "
            + (
                f"Keep the leverage below {display(safe_leverage, 'leverage')}."
                if safe_leverage is not None
                else "Lower the leverage or add to the wallet until liquidation lies beyond it."
            )
        )
    headline = (
        Figure(
            "quantity",
            "Position size",
            quantity,
            "quantity",
            MARKETS[symbol].base,
            workings=quantity_workings,
        ),
        money_figure(
            "Notional",
            notional,
            name="notional",
            workings=(
                *quantity_workings,
                Working(
                    "Notional",
                    "Q x E",
                    f"{display(quantity, 'quantity')} x {entry_price}",
                    display(notional, "money"),
                ),
            ),
        ),
    )
    figures = [
        money_figure("Risk amount", risk, name="risk", workings=quantity_workings[:1]),
        money_figure(
            "Loss at the stop",
            loss_at_stop,
            name="loss_at_stop",
            workings=engine_workings(at_stop, "unrealized_pnl", "money"),
        ),
        Figure(
            "implied_leverage",
            "Leverage it implies on the balance",
            implied,
            "leverage",
            workings=(
                Working(
                    "Account leverage",
                    "notional / balance",
                    f"{display(notional, 'money')} / {wallet_balance}",
                    display(implied, "leverage"),
                    "C01",
                ),
            ),
        ),
        money_figure(
            "Initial margin at your leverage",
            result.initial_margin,
            name="initial_margin",
            workings=engine_workings(result, "initial_margin", "money"),
        ),
        Figure(
            "liquidation_price",
            "Liquidation price",
            liquidation,
            "price",
            "USDT",
            workings=engine_workings(result, "liquidation_price", "price"),
        ),
        Figure(
            "stop_distance", "Stop distance", abs(entry_price - stop_price) / entry_price, "percent"
        ),
    ]
    if safe_leverage is not None:
        figures.append(
            Figure(
                "safe_leverage",
                "Highest leverage with liquidation beyond the stop",
                safe_leverage,
                "leverage",
                workings=safe_workings,
            )
        )
    notes = [
        "The size depends only on your risk and the stop distance, never on the leverage: "
        "leverage only decides how much margin the position ties up and where it is liquidated.",
    ]
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=tuple(notes),
        announcement=(
            f"Warning: liquidated at {display(liquidation, 'price')} before your stop at "
            f"{display(stop_price, 'price')}."
            if stop_beyond
            else ""
        ),
        setup=SimulatorSetup(
            wallet_balance=wallet_balance,
            venue=venue,
            positions=(
                SimulatorPosition(symbol, side, margin_mode, entry_price, notional, leverage, None),
            ),
        ),
    )
