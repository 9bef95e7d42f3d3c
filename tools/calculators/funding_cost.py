"""The funding cost calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from decimal import Decimal

from core.display import display
from margin import (
    VENUES,
    AccountSpec,
    replay,
)
from margin.evaluate import exact
from margin.solve import (
    funding_payments,
)
from tools.results import (
    ZERO,
    Figure,
    ToolInputError,
    ToolResult,
    Working,
    engine_workings,
    evaluate_one,
    money_figure,
    position_spec,
    setup_for,
)

MAX_FUNDING_PAYMENTS = 5000  # the engine replays one step per payment (its MAX_REPLAY_STEPS)


TOO_MANY_PAYMENTS = (
    "That is {count} funding payments; the calculator replays at most {maximum}. Shorten the "
    "holding period or lengthen the interval."
)


@exact
def funding_cost(
    *,
    venue,
    symbol,
    side,
    entry_price,
    quantity,
    leverage,
    funding_rate,
    funding_interval_hours,
    holding_hours,
) -> ToolResult:
    """Funding paid or received over a holding period, replayed by the engine at a flat price.

    The engine's replay charges ``s * notional * rate`` at every funding time (reference "Funding
    and fees") from the wallet the venue names: Binance settles it in the isolated wallet, so every
    payment moves the liquidation price; Bybit takes it from the available balance first.
    """
    payments = funding_payments(
        holding_hours=holding_hours, funding_interval_hours=funding_interval_hours
    )
    if payments > MAX_FUNDING_PAYMENTS:
        raise ToolInputError(
            TOO_MANY_PAYMENTS.format(count=f"{payments:,}", maximum=f"{MAX_FUNDING_PAYMENTS:,}"),
            field="holding_hours",
        )
    spec = position_spec(
        symbol=symbol,
        side=side,
        margin_mode="isolated",
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
    )
    notional = quantity * entry_price
    # Enough wallet beside the isolated margin for venues that take funding from the wallet.
    spare = notional * abs(funding_rate) * payments
    start, _ = evaluate_one(spec, wallet_balance=notional / leverage + spare, venue=venue)
    account = AccountSpec(wallet_balance=start.initial_margin + spare, positions=(spec,))
    replayed = replay(
        account,
        [{symbol: entry_price}] * payments,
        venue=venue,
        funding_rate=funding_rate,
        funding_every=1,
    )
    total = replayed.funding
    per_payment = total / payments if payments else ZERO
    final = replayed.final.positions[0]
    rules = VENUES[venue]
    liquidation_events = [e for e in replayed.events if e.type == "liquidation"]
    s = "+" if side == "long" else "-"
    per_payment_working = Working(
        "One payment",
        "s x Q x mark x rate",
        f"{s}{quantity} x {entry_price} x {funding_rate}",
        display(per_payment, "money"),
        "C01",
    )
    total_working = Working(
        "Total",
        "payments x one payment",
        f"{payments} x {display(per_payment, 'money')}",
        display(total, "money"),
    )
    count_working = Working(
        "Payments",
        "floor(holding hours / interval)",
        f"floor({holding_hours} / {funding_interval_hours})",
        str(payments),
    )
    pays = total > 0
    headline = (
        Figure(
            "funding_total",
            "You pay" if pays or not total else "You receive",
            abs(total),
            "money",
            "USDT",
            workings=(count_working, per_payment_working, total_working),
        ),
        Figure(
            "liquidation_price_after",
            "Liquidation price after",
            final.liquidation_price if final.status == "open" else None,
            "price",
            "USDT",
            workings=engine_workings(final, "liquidation_price", "price")
            if final.status == "open"
            else (),
            note="" if final.status == "open" else "Liquidated by funding.",
        ),
    )
    figures = [
        Figure(
            "payments", "Funding payments", Decimal(payments), "count", workings=(count_working,)
        ),
        money_figure(
            "Per payment", abs(per_payment), name="per_payment", workings=(per_payment_working,)
        ),
        Figure(
            "cost_share", "Share of the initial margin", total / start.initial_margin, "percent"
        ),
        Figure(
            "liquidation_price_before",
            "Liquidation price before",
            start.liquidation_price,
            "price",
            "USDT",
            workings=engine_workings(start, "liquidation_price", "price"),
        ),
        money_figure("Initial margin", start.initial_margin, name="initial_margin"),
    ]
    if final.status == "open" and final.isolated_margin is not None:
        figures.append(
            money_figure(
                "Isolated margin after", final.isolated_margin, name="isolated_margin_after"
            )
        )
    warnings = []
    if liquidation_events:
        step = liquidation_events[0].step
        warnings.append(
            f"Funding alone liquidates this position after {step} payments (about "
            f"{step * funding_interval_hours:,} hours) even if the price never moves: each "
            "payment comes out of the isolated margin."
        )
    notes = [
        "Longs pay and shorts receive when the rate is positive; the reverse when it is negative.",
        "The price is held at the entry, so the notional (and each payment) stays the same.",
    ]
    if rules.funding_moves_isolated_margin:
        notes.append(
            f"{rules.label} takes funding from the isolated margin, so paying it moves "
            "the liquidation price towards the market (receiving moves it away)."
        )
    else:
        notes.append(
            f"{rules.label} takes funding from the available balance first, so the isolated "
            "margin and the liquidation price stay where they are while the wallet can pay; the "
            "cost is still yours. Choose Binance to see it eat into the margin."
        )
    return ToolResult(
        headline=headline,
        figures=tuple(figures),
        warnings=tuple(warnings),
        notes=tuple(notes),
        setup=setup_for(
            symbol=symbol,
            side=side,
            margin_mode="isolated",
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            wallet_balance=start.initial_margin + spare,
            venue=venue,
        ),
    )
