"""From a valid setup to what the results templates show: engine calls and display wording.

The engine computes every figure; this module only picks which engine call answers which question
and words the answer (rounding for display happens here and nowhere earlier).

- Figures per position (margins, liquidation and bankruptcy prices, distance): ``evaluate`` of the
  setup at its entry prices.
- What the price shocks do (who is liquidated, equity after, PnL at the moved prices): ``replay``
  of the setup through one step to the shocked marks.
- Isolated vs cross: ``compare_modes`` of the same positions with the same shocks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from core.display import money, percent, price, signed_percent
from margin import (
    MARKETS,
    AccountSpec,
    Evaluation,
    ModeComparison,
    Replay,
    compare_modes,
    prepare,
    replay_prepared,
    shock,
)
from simulator import wallets

MODE_LABELS = {"isolated": "Isolated", "cross": "Cross"}
BOX_LABELS = {"isolated": "All isolated", "cross": "All cross"}
FIGURES = (
    "initial_margin",
    "maintenance_margin",
    "liquidation_price",
    "bankruptcy_price",
    "distance_to_liquidation",
    "margin_ratio",
)


# Figures become text through core.display (one rule set for every page).


def list_ids(ids) -> str:
    ids = list(ids)
    if not ids:
        return "nothing"
    if len(ids) == 1:
        return f"position {ids[0]}"
    return "positions " + ", ".join(ids[:-1]) + " and " + ids[-1]


# --- view models ---------------------------------------------------------------------------


@dataclass
class PositionView:
    id: str
    symbol: str
    base: str
    side: str
    margin_mode: str
    entry_price: str
    mark_price: str
    notional: str
    initial_margin: str
    maintenance_margin: str
    liquidation_price: str
    bankruptcy_price: str
    distance: str
    unrealized_pnl: str
    liquidated: bool
    loss: str = ""


@dataclass
class ModeView:
    name: str
    label: str
    configured: bool
    liquidated: tuple[str, ...]
    verdict: str
    equity_after: str
    max_loss: str
    liquidation_prices: list[tuple[str, str]]


@dataclass
class SimulationResult:
    account: AccountSpec
    venue: str
    base: Evaluation
    positions: list[PositionView]
    modes: list[ModeView]
    summary: str
    announcement: str
    equity: str
    available_balance: str
    margin_ratio: str
    collateral: str
    insurance_fund: str = ""
    notes: tuple[str, ...] = ()
    mixed: bool = False
    outcome: Replay | None = None
    comparison: ModeComparison | None = None
    picture: wallets.Picture | None = None
    shock_percents: dict[str, Decimal] = field(default_factory=dict)

    @functools.cached_property
    def facts(self) -> dict[str, str]:
        """The display strings preset sentences are filled from: worded on first use (the full
        page, lessons), not on every slider move, which never shows them."""
        # simulate sets both
        assert self.outcome is not None
        assert self.comparison is not None
        return _facts(self.base, self.outcome, self.comparison, self.collateral)


def configured_mode(account: AccountSpec) -> str:
    modes = {str(p.margin_mode) for p in account.positions}
    return modes.pop() if len(modes) == 1 else "mixed"


def shocked_marks(account: AccountSpec, shocks: dict[str, Decimal]) -> dict[str, Decimal]:
    marks: dict[str, Decimal] = {}
    for position in shock(account, shocks).positions:
        marks.setdefault(position.symbol, position.mark_price or position.entry_price)
    return marks


def simulate(
    account: AccountSpec, *, venue: str, shocks: dict[str, Decimal], shock_percents=None
) -> SimulationResult:
    """Run the engine for the results panel. Raises the engine's ``MarginError`` on a rule."""
    currency = account.collateral
    comparison = compare_modes(account, venue=venue, shocks=shocks)
    mode_now = configured_mode(account)
    same = {"isolated": comparison.isolated, "cross": comparison.cross}.get(mode_now)
    if same is not None and same.account == account and same.shocked is not None:
        # All positions in one mode: that side of the comparison is the setup itself.
        base, outcome = same.evaluation, same.shocked
    else:
        # Mixed modes: one evaluation, and the replay under the shocks starts from it.
        prepared = prepare(account, venue)
        base = prepared.start
        outcome = replay_prepared(prepared, [shocked_marks(account, shocks)])
    losses = {e.position: e.loss for e in outcome.events if e.type == "liquidation"}

    positions = []
    for figures, moved in zip(base.positions, outcome.final.positions, strict=True):
        liquidated = figures.id in outcome.liquidated
        positions.append(
            PositionView(
                id=figures.id,
                symbol=figures.symbol,
                base=MARKETS[figures.symbol].base,
                side=str(figures.side),
                margin_mode=str(figures.margin_mode),
                entry_price=price(figures.entry_price),
                mark_price=price(moved.mark_price),
                notional=money(figures.notional, currency),
                initial_margin=money(figures.initial_margin, currency),
                maintenance_margin=money(figures.maintenance_margin, currency),
                liquidation_price=price(figures.liquidation_price),
                bankruptcy_price=price(figures.bankruptcy_price),
                distance=percent(figures.distance_to_liquidation),
                unrealized_pnl=money(moved.unrealized_pnl, currency),
                liquidated=liquidated,
                loss=money(losses[figures.id], currency) if liquidated else "",
            )
        )

    modes = []
    for name, mode in (("isolated", comparison.isolated), ("cross", comparison.cross)):
        modes.append(
            ModeView(
                name=name,
                label=BOX_LABELS[name],
                configured=mode_now == name,
                liquidated=mode.liquidated,
                verdict=(
                    f"{', '.join(mode.liquidated)} liquidated"
                    if mode.liquidated
                    else "Nothing liquidated"
                ),
                equity_after=money(mode.equity_after, currency),
                max_loss=money(mode.max_loss, currency),
                liquidation_prices=[
                    (p.id, price(p.liquidation_price)) for p in mode.evaluation.positions
                ],
            )
        )

    final_account = outcome.final.account
    summary = _summary(base, outcome, account, shock_percents or {}, currency)
    iso, cro = modes
    equity = money(outcome.final_equity, currency)
    announcement = (
        f"Recalculated. As set up: {list_ids(outcome.liquidated)} liquidated, equity {equity}. "
        f"Isolated: {_lower_nothing(iso.verdict)}, equity {iso.equity_after}. "
        f"Cross: {_lower_nothing(cro.verdict)}, equity {cro.equity_after}."
    )
    return SimulationResult(
        account=account,
        venue=venue,
        base=base,
        positions=positions,
        modes=modes,
        summary=summary,
        announcement=announcement,
        equity=equity,
        available_balance=money(final_account.available_balance, currency),
        margin_ratio=percent(final_account.margin_ratio),
        collateral=currency,
        insurance_fund=_insurance(outcome.insurance_fund, currency),
        notes=base.notes,
        mixed=mode_now == "mixed",
        outcome=outcome,
        comparison=comparison,
        picture=wallets.build(account, comparison, shock_percents or {}),
        shock_percents=dict(shock_percents or {}),
    )


def _lower_nothing(verdict: str) -> str:
    return verdict.replace("Nothing", "nothing")


def _insurance(change: Decimal, currency: str) -> str:
    """The fund's side of a liquidation: it pays for a gap past the bankruptcy price."""
    if change < 0:
        return f"the insurance fund paid {money(-change, currency)} of loss past bankruptcy"
    if change > 0:
        return f"the insurance fund kept {money(change, currency)} of leftover margin"
    return ""


def _facts(base, outcome, comparison, currency) -> dict[str, str]:
    """Display strings the preset sentences are filled from (see ``simulator.presets``)."""
    facts = {
        "equity": money(outcome.final_equity, currency),
        "liquidated": list_ids(outcome.liquidated),
        "isolated_equity": money(comparison.isolated.equity_after, currency),
        "cross_equity": money(comparison.cross.equity_after, currency),
        "isolated_liquidated": list_ids(comparison.isolated.liquidated),
        "cross_liquidated": list_ids(comparison.cross.liquidated),
        "isolated_max_loss": money(comparison.isolated.max_loss, currency),
        "cross_max_loss": money(comparison.cross.max_loss, currency),
    }
    for p in base.positions:
        facts[f"{p.id}_liquidation_price"] = price(p.liquidation_price)
        facts[f"{p.id}_bankruptcy_price"] = price(p.bankruptcy_price)
        facts[f"{p.id}_distance"] = percent(p.distance_to_liquidation)
        facts[f"{p.id}_initial_margin"] = money(p.initial_margin, currency)
        facts[f"{p.id}_maintenance_margin"] = money(p.maintenance_margin, currency)
        facts[f"{p.id}_notional"] = money(p.notional, currency)
    # Lessons quote both modes' prices for the same positions (isolated vs cross side by side).
    for name, mode in (("isolated", comparison.isolated), ("cross", comparison.cross)):
        for p in mode.evaluation.positions:
            facts[f"{name}_{p.id}_liquidation_price"] = price(p.liquidation_price)
            facts[f"{name}_{p.id}_distance"] = percent(p.distance_to_liquidation)
    # After the shocks: what each position shows at the moved prices.
    for p in outcome.final.positions:
        facts[f"{p.id}_unrealized_pnl_after"] = money(p.unrealized_pnl, currency)
    final_account = outcome.final.account
    facts["available_balance_after"] = money(final_account.available_balance, currency)
    facts["margin_ratio_after"] = percent(final_account.margin_ratio)
    return facts


def _summary(base, outcome, account, shock_percents, currency) -> str:
    moves = [f"{MARKETS[s].base} {signed_percent(p)}%" for s, p in shock_percents.items() if p != 0]
    scenario = f"With {', '.join(moves)}" if moves else "At the entry prices"
    if outcome.liquidated:
        first = base.position(outcome.liquidated[0])
        direction = "below" if str(first.side) == "long" else "above"
        detail = (
            f" (liquidation at {price(first.liquidation_price)}, "
            f"{percent(first.distance_to_liquidation)} {direction} entry)"
            if first.distance_to_liquidation is not None
            else ""
        )
        if _neighbours_moved(first, base, shock_percents):
            # That price assumes the other cross positions at entry; their moves shifted it.
            detail = (
                f" ({first.id}'s liquidation price of {price(first.liquidation_price)} holds "
                "only while the other prices stay put; their moves shifted it)"
            )
        verb = "is" if len(outcome.liquidated) == 1 else "are"
        return (
            f"{scenario}, {list_ids(outcome.liquidated)} {verb} "
            f"liquidated{detail}; the account keeps {money(outcome.final_equity, currency)}."
        )
    nearest = min(
        (p for p in base.positions if p.distance_to_liquidation is not None),
        key=lambda p: p.distance_to_liquidation,
        default=None,
    )
    if nearest is None:
        return f"{scenario}, nothing is liquidated and no position has a liquidation price."
    return (
        f"{scenario}, nothing is liquidated: equity is {money(outcome.final_equity, currency)}. "
        f"The nearest liquidation is position {nearest.id}, "
        f"{percent(nearest.distance_to_liquidation)} away at {price(nearest.liquidation_price)}."
    )


def _neighbours_moved(position, base, shock_percents) -> bool:
    """Whether another cross position's price moved, so the entry-price figure no longer holds."""
    if str(position.margin_mode) != "cross":
        return False
    return any(
        str(other.margin_mode) == "cross"
        and other.id != position.id
        and other.symbol != position.symbol
        and shock_percents.get(other.symbol, 0) != 0
        for other in base.positions
    )
