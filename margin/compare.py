"""Isolated vs cross, side by side: the lesson's core comparison as one call."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from margin.evaluate import Evaluation, exact
from margin.margins import ZERO
from margin.model import AccountSpec, MarginMode, shock, with_margin_mode
from margin.replay import Replay, prepare, replay_prepared
from margin.venues import DEFAULT_VENUE, Venue


@dataclass(frozen=True)
class ModeOutcome:
    """One mode: its evaluation, the most it can lose (isolated: the isolated margins; cross: the
    whole wallet balance), and, under the shocks, who is liquidated and the equity after."""

    mode: MarginMode
    account: AccountSpec
    evaluation: Evaluation
    max_loss: Decimal
    shocked: Replay | None
    liquidated: tuple[str, ...]
    equity_after: Decimal | None


@dataclass(frozen=True)
class ModeComparison:
    isolated: ModeOutcome
    cross: ModeOutcome
    shocks: dict[str, Decimal]


def _outcome(
    account: AccountSpec, mode: MarginMode, venue: str | Venue, shocks: dict[str, Decimal] | None
) -> ModeOutcome:
    converted = with_margin_mode(account, mode)
    # One evaluation per mode: the replay under the shocks starts from it.
    prepared = prepare(converted, venue)
    evaluation = prepared.start
    if mode is MarginMode.ISOLATED:
        max_loss = sum((p.isolated_margin or ZERO for p in evaluation.positions), ZERO)
    else:
        max_loss = evaluation.account.wallet_balance
    shocked = None
    liquidated: tuple[str, ...] = ()
    equity_after = None
    if shocks:
        moved = shock(converted, shocks)
        marks: dict[str, Decimal] = {}
        for p in moved.positions:
            marks.setdefault(p.symbol, p.mark_price or p.entry_price)
        shocked = replay_prepared(prepared, [marks])
        liquidated = shocked.liquidated
        equity_after = shocked.final_equity
    return ModeOutcome(mode, converted, evaluation, max_loss, shocked, liquidated, equity_after)


@exact
def compare_modes(
    account: AccountSpec,
    *,
    venue: str | Venue = DEFAULT_VENUE,
    shocks: dict[str, Decimal] | None = None,
) -> ModeComparison:
    """The same positions all isolated (each with its isolated margin, default the initial
    margin) and all cross, evaluated side by side; with ``shocks`` (``{symbol: fraction}``, e.g.
    ``Decimal("-0.12")``), each mode is replayed through the moved marks as one step."""
    return ModeComparison(
        isolated=_outcome(account, MarginMode.ISOLATED, venue, shocks),
        cross=_outcome(account, MarginMode.CROSS, venue, shocks),
        shocks=dict(shocks or {}),
    )
