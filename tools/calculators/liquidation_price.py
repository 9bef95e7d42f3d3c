"""The liquidation price calculator: figures from the margin engine, worded for the page."""

from __future__ import annotations

from dataclasses import replace

from core.display import display
from margin import (
    VENUES,
    MarginError,
)
from margin.evaluate import exact
from margin.solve import (
    cross_wallet_with_allowance,
)
from tools.results import (
    HUNDRED,
    ZERO,
    Figure,
    SimulatorPosition,
    SimulatorSetup,
    ToolResult,
    Working,
    engine_workings,
    evaluate_one,
    isolated_one,
    money_figure,
    position_spec,
)


@exact
def liquidation_price(
    *,
    venue,
    symbol,
    side,
    margin_mode,
    entry_price,
    quantity,
    leverage,
    isolated_margin=None,
    wallet_balance=None,
    other_maintenance_margin=None,
    other_unrealized_pnl=None,
    fee_rate=ZERO,
    parameters_as_of=None,
    maintenance_margin_rate=None,
    maintenance_amount=None,
    mark_price=None,
) -> ToolResult:
    """One position's liquidation and bankruptcy prices under a venue's rules, in either mode.

    The fee rate matters where the venue's rules use it: OKX adds it to the maintenance rate,
    Bybit holds the fee to close at the bankruptcy price in IM, MM and the order cost.
    ``parameters_as_of`` picks the venue's tables of that day; ``maintenance_margin_rate`` (a
    percentage, as the form's) and ``maintenance_amount`` override the table; ``mark_price``
    (empty: the entry) is where the position stands now.
    """
    overrides = {
        "maintenance_margin_rate": maintenance_margin_rate / HUNDRED
        if maintenance_margin_rate is not None
        else None,
        "maintenance_amount": maintenance_amount,
        "mark_price": mark_price,
    }
    other_mm = other_maintenance_margin or ZERO
    other_pnl = other_unrealized_pnl or ZERO
    spec = position_spec(
        symbol=symbol,
        side=side,
        margin_mode=margin_mode,
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        isolated_margin=isolated_margin,
    )
    spec = replace(spec, **overrides)
    notes = []
    if margin_mode == "cross":
        backing = cross_wallet_with_allowance(
            wallet_balance=wallet_balance,
            other_maintenance_margin=other_mm,
            other_unrealized_pnl=other_pnl,
        )
        if other_mm or other_pnl:
            notes.append(
                f"Your other cross positions set aside {display(other_mm, 'money')} USDT of "
                f"maintenance margin and add {display(other_pnl, 'money')} USDT of unrealized PnL, "
                f"so {display(backing, 'money')} USDT of the wallet backs this position. They are "
                "held at their current prices."
            )
        result, evaluation = evaluate_one(
            spec,
            wallet_balance=backing,
            venue=venue,
            fee_rate=fee_rate,
            parameters_as_of=parameters_as_of,
        )
    else:
        result, evaluation = isolated_one(
            venue=venue,
            symbol=symbol,
            side=side,
            entry_price=entry_price,
            quantity=quantity,
            leverage=leverage,
            isolated_margin=isolated_margin,
            fee_rate=fee_rate,
            parameters_as_of=parameters_as_of,
            overrides=overrides,
        )
    figures = _liquidation_figures(result)
    if fee_rate:
        figures += [
            money_figure("Open fee", result.open_fee, name="open_fee"),
            money_figure(
                "Order cost",
                result.order_cost,
                name="order_cost",
                note="Initial margin and open fee"
                + (
                    ", plus the fee to close at the bankruptcy price."
                    if VENUES[venue].close_fee_in_order_cost
                    else "."
                ),
            ),
        ]
    if margin_mode == "cross":
        allowance = Working(
            "Wallet behind this position",
            "wallet balance - other maintenance margin + other uPnL",
            f"{wallet_balance} - {other_mm} + {other_pnl}",
            display(backing, "money"),
            "C05",
        )
        figures[0] = replace(figures[0], workings=(allowance, *figures[0].workings))
    compare = _other_mode_sentence(
        venue=venue,
        spec=spec,
        margin_mode=margin_mode,
        wallet_balance=wallet_balance,
        other_mm=other_mm,
        other_pnl=other_pnl,
        fee_rate=fee_rate,
        parameters_as_of=parameters_as_of,
        overrides=overrides,
    )
    if compare:
        notes.append(compare)
    notes.extend(evaluation.notes)
    rules = VENUES[venue]
    notes.append(f"{rules.label}: {rules.description}")
    if rules.leaves_out:
        notes.append("This rule set leaves out " + "; ".join(rules.leaves_out) + ".")
    if result.bracket_table:
        notes.append(
            f"Maintenance table: {result.bracket_table}, in force {result.parameters_effective} "
            f"(source: {result.parameters_source})."
        )
    else:
        notes.append("Maintenance: your own rate and amount, not a table.")
    warnings = []
    if result.status == "liquidated":
        warnings.append(
            "This position is already at or past its liquidation price: the margin "
            "behind it does not cover its maintenance margin."
        )
    return ToolResult(
        headline=tuple(figures[:2]),
        figures=tuple(figures[2:]),
        warnings=tuple(warnings),
        notes=tuple(notes),
        setup=SimulatorSetup(
            # Cross: the wallet left for this position once the others took their share, so the
            # simulator shows the same price; isolated: the wallet, at least the margin.
            wallet_balance=backing
            if margin_mode == "cross"
            else max(wallet_balance or ZERO, isolated_margin or result.initial_margin),
            venue=venue,
            positions=(
                SimulatorPosition(
                    symbol,
                    side,
                    margin_mode,
                    entry_price,
                    quantity * entry_price,
                    leverage,
                    isolated_margin if margin_mode == "isolated" else None,
                ),
            ),
        ),
    )


def _liquidation_figures(result) -> list[Figure]:
    def from_engine(name, label, kind, unit="USDT", **kwargs):
        # A missing figure is explained once, by the liquidation price's own derivation.
        value = getattr(result, name)
        explained = value is not None or name == "liquidation_price"
        return Figure(
            name,
            label,
            value,
            kind,
            unit,
            workings=engine_workings(result, name, kind) if explained else (),
            **kwargs,
        )

    return [
        from_engine(
            "liquidation_price",
            "Liquidation price",
            "price",
            note=""
            if result.liquidation_price is not None
            else "No liquidation price: the margin covers a fall to zero.",
        ),
        from_engine("distance_to_liquidation", "Distance to liquidation", "percent", ""),
        from_engine("bankruptcy_price", "Bankruptcy price", "price"),
        from_engine("initial_margin", "Initial margin", "money"),
        from_engine("maintenance_margin", "Maintenance margin", "money"),
        Figure(
            "maintenance_margin_rate",
            "Maintenance margin rate",
            result.maintenance_margin_rate,
            "percent",
        ),
        Figure(
            "maintenance_amount",
            "Maintenance amount (cum)",
            result.maintenance_amount,
            "money",
            "USDT",
        ),
        from_engine("notional", "Notional", "money"),
    ]


def _other_mode_sentence(
    *,
    venue,
    spec,
    margin_mode,
    wallet_balance,
    other_mm,
    other_pnl,
    fee_rate,
    parameters_as_of=None,
    overrides=None,
) -> str:
    """The same position's liquidation price in the other margin mode, for comparison."""
    if margin_mode == "isolated":
        if wallet_balance is None:
            return (
                "Give a wallet balance to compare with cross margin, where the whole balance "
                "backs the position."
            )
        other = replace(
            position_spec(
                symbol=spec.symbol,
                side=spec.side,
                margin_mode="cross",
                entry_price=spec.entry_price,
                quantity=spec.quantity,
                leverage=spec.leverage,
            ),
            **(overrides or {}),
        )
        backing = cross_wallet_with_allowance(
            wallet_balance=wallet_balance,
            other_maintenance_margin=other_mm,
            other_unrealized_pnl=other_pnl,
        )
        try:
            result, _ = evaluate_one(
                other,
                wallet_balance=backing,
                venue=venue,
                fee_rate=fee_rate,
                parameters_as_of=parameters_as_of,
            )
        except MarginError:
            return ""
        name = "cross margin"
    else:
        try:
            result, _ = isolated_one(
                venue=venue,
                symbol=spec.symbol,
                side=spec.side,
                entry_price=spec.entry_price,
                quantity=spec.quantity,
                leverage=spec.leverage,
                fee_rate=fee_rate,
                parameters_as_of=parameters_as_of,
                overrides=overrides,
            )
        except MarginError:
            return ""
        name = "isolated margin with only the initial margin"
    return (
        f"In {name} the same position would be liquidated at "
        f"{display(result.liquidation_price, 'price')} USDT."
    )
