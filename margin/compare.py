"""Isolated vs cross, side by side: the lesson's core comparison as one call."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from margin.evaluate import Evaluation, exact, in_cross, opening_evaluation
from margin.margins import ZERO
from margin.model import AccountSpec, MarginMode, shocked_marks, with_margin_mode
from margin.replay import Prepared, Replay, replay_prepared
from margin.venues import DEFAULT_VENUE, Venue, venue_named


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


def _outcome(prepared: Prepared, mode: MarginMode, marks: dict[str, Decimal] | None) -> ModeOutcome:
    """One mode's outcome from its prepared account; with ``marks``, replayed through them as one
    step (the replay starts from the prepared evaluation: one evaluation per mode)."""
    evaluation = prepared.start
    if mode is MarginMode.ISOLATED:
        max_loss = sum((p.isolated_margin or ZERO for p in evaluation.positions), ZERO)
    else:
        max_loss = evaluation.account.wallet_balance
    shocked = None
    liquidated: tuple[str, ...] = ()
    equity_after = None
    if marks is not None:
        shocked = replay_prepared(prepared, [marks])
        liquidated = shocked.liquidated
        equity_after = shocked.final_equity
    return ModeOutcome(
        mode, prepared.account, evaluation, max_loss, shocked, liquidated, equity_after
    )


@exact
def compare_modes(
    account: AccountSpec,
    *,
    venue: str | Venue = DEFAULT_VENUE,
    shocks: dict[str, Decimal] | None = None,
) -> ModeComparison:
    """The same positions all isolated (each with its isolated margin, default the initial
    margin) and all cross, evaluated side by side; with ``shocks`` (``{symbol: fraction}``, e.g.
    ``Decimal("-0.12")``), each mode is replayed through the moved marks as one step.

    The positions are built once, all isolated; the cross legs are those legs made cross
    (``in_cross``), and the shocked marks, the same in both modes, are worked out once."""
    rules = venue_named(venue).rules_on(account.parameters_as_of)
    isolated = with_margin_mode(account, MarginMode.ISOLATED)
    start, legs, notes = opening_evaluation(isolated, rules)  # applies every rule
    isolated_prepared = Prepared(isolated, rules, tuple(legs), tuple(notes), start)
    marks = shocked_marks(account, shocks) if shocks else None
    cross = with_margin_mode(account, MarginMode.CROSS)
    crossed = in_cross(legs, rules, account.taker_fee_rate), notes
    start, legs, notes = opening_evaluation(cross, rules, built=crossed)
    cross_prepared = Prepared(cross, rules, tuple(legs), tuple(notes), start)
    return ModeComparison(
        isolated=_outcome(isolated_prepared, MarginMode.ISOLATED, marks),
        cross=_outcome(cross_prepared, MarginMode.CROSS, marks),
        shocks=dict(shocks or {}),
    )
