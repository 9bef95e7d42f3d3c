"""The "Match my exchange" calculator: the engine's ``match_exchange`` in the calculators' words.

The learner enters one real position and the liquidation price their exchange shows; the result
gives our price, the difference, and a table of the causes checked (``margin.match``), the ones
that explain the difference first, each with what to check on the exchange.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from core.display import display
from margin import AccountSpec, MarginMode, PositionSpec, Side, initial_margin_of
from margin.evaluate import exact
from margin.match import match_exchange
from tools.results import Figure, SimulatorPosition, SimulatorSetup, Table, ToolResult

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MATCHED = "Matched: our price is within one tick of what your exchange shows."
NOT_MATCHED = (
    "Not matched yet: the table shows what each usual cause would change. Rows marked Yes "
    "explain the difference."
)


@exact
def match_my_exchange(
    *,
    venue: str,
    symbol: str,
    side: str,
    margin_mode: str,
    entry_price: Decimal,
    quantity: Decimal,
    leverage: Decimal,
    shown_liquidation_price: Decimal,
    isolated_margin: Decimal | None = None,
    wallet_balance: Decimal | None = None,
    mark_price: Decimal | None = None,
    tick: Decimal | None = None,
    parameters_as_of=None,
    maintenance_margin_rate: Decimal | None = None,
    maintenance_amount: Decimal | None = None,
    fee_rate: Decimal = ZERO,
) -> ToolResult:
    """Our liquidation price for the learner's position, against the one the exchange shows.

    ``maintenance_margin_rate`` is a percentage here (as every rate the calculators take) and
    becomes a fraction for the engine; ``fee_rate`` is already a fraction (the fees fieldset)."""
    spec = PositionSpec(
        id="P1",
        symbol=symbol,
        side=cast(Side, side),  # a form choice; PositionSpec validates and coerces it
        margin_mode=cast(MarginMode, margin_mode),
        entry_price=entry_price,
        quantity=quantity,
        leverage=leverage,
        isolated_margin=isolated_margin if margin_mode == "isolated" else None,
        mark_price=mark_price,
        maintenance_margin_rate=(
            maintenance_margin_rate / HUNDRED if maintenance_margin_rate is not None else None
        ),
        maintenance_amount=maintenance_amount,
    )
    wallet = wallet_balance
    if wallet is None:
        wallet = spec.isolated_margin or initial_margin_of(spec)
    account = AccountSpec(
        wallet_balance=wallet,
        positions=(spec,),
        taker_fee_rate=fee_rate or None,
        parameters_as_of=parameters_as_of,
    )
    result = match_exchange(
        account, shown_liquidation_price, venue=venue, tick=tick or Decimal("0.01")
    )
    position = result.evaluation.positions[0]
    steps = sorted(result.steps, key=lambda step: not step.matches)
    table = Table(
        caption="What each usual cause of a difference would change",
        headers=("Cause", "What changes", "Liquidation price", "Explains it?", "What to check"),
        rows=tuple(
            (
                step.step.capitalize(),
                step.change,
                display(step.liquidation_price, "price"),
                "Yes" if step.matches else "No",
                step.suggestion,
            )
            for step in steps
        ),
        highlighted_row=0 if steps and steps[0].matches else None,
    )
    table_used = (
        f"{position.bracket_table} (in force {position.parameters_effective}; source: "
        f"{position.parameters_source})"
        if position.bracket_table
        else "your own maintenance margin rate"
    )
    notes = [
        MATCHED if result.matched else NOT_MATCHED,
        f"Maintenance table used: {table_used}.",
        f"Rules: {result.evaluation.rules_version}.",
    ]
    return ToolResult(
        headline=(
            Figure(
                "liquidation_price", "Our liquidation price", result.reproduced, "price", "USDT"
            ),
            Figure("shown", "Your exchange shows", result.shown, "price"),
        ),
        figures=(
            Figure("difference", "Difference (shown - ours)", result.difference, "price", "USDT"),
            Figure(
                "displayed",
                "Ours, rounded to the tick away from safety",
                result.displayed,
                "price",
                "USDT",
            ),
            Figure(
                "maintenance_margin",
                "Maintenance margin",
                position.maintenance_margin,
                "money",
                "USDT",
            ),
            Figure(
                "maintenance_margin_rate",
                "Maintenance margin rate",
                position.maintenance_margin_rate,
                "percent",
            ),
            Figure(
                "maintenance_amount",
                "Maintenance amount",
                position.maintenance_amount,
                "money",
                "USDT",
            ),
        ),
        notes=tuple(notes),
        table=table,
        setup=SimulatorSetup(
            wallet_balance=wallet,
            venue=venue,
            positions=(
                SimulatorPosition(
                    symbol=symbol,
                    side=side,
                    margin_mode=margin_mode,
                    entry_price=entry_price,
                    notional=entry_price * quantity,
                    leverage=leverage,
                    isolated_margin=spec.isolated_margin,
                ),
            ),
        ),
    )
