"""Match my exchange: reproduce the liquidation price an exchange shows, and name what differs.

A learner enters one real position and the liquidation price their exchange displays. The engine
computes it from their inputs, then re-computes it once per usual cause of a difference, each a
single change to the inputs, and reports which change (if any) brings it within the exchange's
tick:

- the parameter set: each dated table of the venue for the symbol (exchanges change tiers; the
  position may predate a change that did not affect existing positions);
- the maintenance amount: the one the shown price implies, against the table's;
- fees: the venue's fee to close inside the margins (Bybit) or in the maintenance rate (OKX) with
  a usual taker rate, or without the fee the learner gave;
- mark vs entry: the rule version before or after a venue's change of basis (Bybit 2025-09-02);
- funding: the change of isolated margin the shown price implies (isolated funding moves it);
- rounding to the tick: our price rounded in the adverse direction to the exchange's tick.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from margin.errors import MarginError
from margin.evaluate import Evaluation, PositionResult, evaluate, exact
from margin.markets import tables_of
from margin.model import AccountSpec, MarginMode, Side, to_decimal
from margin.venues import DEFAULT_VENUE, Venue, venue_named

# A usual taker fee rate for the "fees" step when the learner gave none (Bybit's and OKX's
# standard non-VIP USDT perpetual taker rates are 0.055% and 0.05%; Binance's 0.05%).
USUAL_TAKER_FEE = Decimal("0.0005")
ONE_MATCH_NEEDED = "Enter exactly one position to match."
NON_POSITIVE_SHOWN = "The liquidation price your exchange shows must be greater than zero."


@dataclass(frozen=True)
class MatchStep:
    """One cause checked: what changed, the liquidation price with that change (None when none
    exists), whether it then matches the shown price within a tick, and what to check."""

    step: str
    change: str
    liquidation_price: Decimal | None
    matches: bool
    suggestion: str


@dataclass(frozen=True)
class Match:
    shown: Decimal
    reproduced: Decimal | None
    displayed: Decimal | None  # ours rounded to the tick in the adverse direction
    difference: Decimal | None  # shown - reproduced
    tick: Decimal
    matched: bool
    steps: tuple[MatchStep, ...]
    evaluation: Evaluation

    @property
    def explanations(self) -> tuple[MatchStep, ...]:
        """The steps that bring our price to the shown one."""
        return tuple(step for step in self.steps if step.matches)


def adverse_round(price: Decimal, tick: Decimal, side: Side) -> Decimal:
    """A liquidation price rounded to ``tick`` towards the mark's side of danger: down for a
    long (a mark at or below the shown price liquidates), up for a short, so that a position
    replayed to the displayed price is liquidated there."""
    rounding = ROUND_FLOOR if side is Side.LONG else ROUND_CEILING
    return (price / tick).to_integral_value(rounding=rounding) * tick


def _price(account: AccountSpec, venue: Venue) -> tuple[Decimal | None, PositionResult]:
    result = evaluate(account, venue=venue).positions[0]
    return result.liquidation_price, result


def _close(price: Decimal | None, shown: Decimal, tick: Decimal) -> bool:
    return price is not None and abs(price - shown) <= tick


def _with_position(account: AccountSpec, **changes: object) -> AccountSpec:
    spec = dataclasses.replace(account.positions[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(account, positions=(spec,))


@exact
def match_exchange(
    account: AccountSpec,
    shown_liquidation_price: Decimal | str | int,
    *,
    venue: str | Venue = DEFAULT_VENUE,
    tick: Decimal | str | int = "0.01",
) -> Match:
    """Reproduce ``shown_liquidation_price`` for the one position of ``account`` and check each
    usual cause of a difference (module docstring)."""
    if len(account.positions) != 1:
        raise MarginError(ONE_MATCH_NEEDED, field="positions")
    shown = to_decimal(shown_liquidation_price, field_name="shown_liquidation_price")
    tick_d = to_decimal(tick, field_name="tick")
    if shown <= 0:
        raise MarginError(NON_POSITIVE_SHOWN, field="shown_liquidation_price")
    if tick_d <= 0:
        raise MarginError("The tick must be greater than zero.", field="tick")
    rules = venue_named(venue)
    evaluation = evaluate(account, venue=rules)
    ours = evaluation.positions[0]
    reproduced = ours.liquidation_price
    displayed = adverse_round(reproduced, tick_d, ours.side) if reproduced is not None else None
    steps = [
        *_parameter_set_steps(account, rules, ours, shown, tick_d),
        *_maintenance_amount_step(ours, shown, tick_d),
        *_fee_steps(account, rules, shown, tick_d),
        *_basis_steps(account, rules, ours, shown, tick_d),
        *_funding_step(ours, shown, tick_d),
        _tick_step(reproduced, displayed, shown, tick_d),
    ]
    return Match(
        shown=shown,
        reproduced=reproduced,
        displayed=displayed,
        difference=shown - reproduced if reproduced is not None else None,
        tick=tick_d,
        matched=_close(reproduced, shown, tick_d),
        steps=tuple(steps),
        evaluation=evaluation,
    )


def _parameter_set_steps(
    account: AccountSpec, venue: Venue, ours: PositionResult, shown: Decimal, tick: Decimal
) -> list[MatchStep]:
    """Each other dated table of the venue for the symbol."""
    spec = account.positions[0]
    if spec.maintenance_margin_rate is not None:
        return []
    steps = []
    for table in tables_of(venue.parameters, spec.symbol):
        if table.name == ours.bracket_table:
            continue
        try:
            price, _ = _price(_with_position(account, bracket_table=table.name), venue)
        except MarginError:
            continue
        when = f"of {table.as_of}" if table.effective is not None else f"in force {table.as_of}"
        day = _a_day_of(table.as_of)
        setting = f" Set the parameter date to {day}." if day else ""
        steps.append(
            MatchStep(
                step="parameter set",
                change=f"the table {when} ({table.name}) instead of {ours.bracket_table}",
                liquidation_price=price,
                matches=_close(price, shown, tick),
                suggestion=(
                    f"Your position may still use the tiers {when}: a tier change does not "
                    f"always apply to positions already open.{setting}"
                ),
            )
        )
    return steps


def _maintenance_amount_step(
    ours: PositionResult, shown: Decimal, tick: Decimal
) -> list[MatchStep]:
    """The maintenance amount (cum) the shown price implies, for an isolated position: at the
    liquidation price ``margin + uPnL = notional*MMR - cum``, so ``cum = notional*MMR - margin -
    uPnL`` there (linear; Binance's formula solved for cum)."""
    basis = ours.liquidation_basis
    if (
        ours.margin_mode is not MarginMode.ISOLATED
        or basis is None
        or ours.contract != "linear"
        or ours.maintenance_basis != "mark"
    ):
        return []
    quantity, entry = ours.quantity, ours.entry_price
    pnl = ours.side.sign * quantity * (shown - entry)
    implied = quantity * shown * basis.maintenance_margin_rate - basis.wallet_balance - pnl
    matches = abs(implied - basis.maintenance_amount) <= tick * quantity
    return [
        MatchStep(
            step="maintenance amount",
            change=(
                f"a maintenance amount of {_short(implied)} (the shown price implies it) instead "
                f"of {_short(basis.maintenance_amount)}"
            ),
            liquidation_price=shown,
            matches=matches,
            suggestion=(
                "Check the maintenance margin rate and amount of your position's tier on the "
                "exchange (its leverage and margin tiers page) and enter them as overrides."
            ),
        )
    ]


def _fee_steps(
    account: AccountSpec, venue: Venue, shown: Decimal, tick: Decimal
) -> list[MatchStep]:
    if not (venue.close_fee_in_margins or venue.fee_in_maintenance):
        return []
    given = account.taker_fee_rate
    changed = None if given else USUAL_TAKER_FEE
    try:
        price, _ = _price(dataclasses.replace(account, taker_fee_rate=changed), venue)
    except MarginError:
        return []
    change = (
        f"a taker fee rate of {_short(USUAL_TAKER_FEE * 100)}%"
        if changed is not None
        else "no taker fee"
    )
    return [
        MatchStep(
            step="fees",
            change=change,
            liquidation_price=price,
            matches=_close(price, shown, tick),
            suggestion=(
                f"{venue.label} counts the fee to close in the liquidation test: enter your "
                "account's taker fee rate."
            ),
        )
    ]


def _basis_steps(
    account: AccountSpec, venue: Venue, ours: PositionResult, shown: Decimal, tick: Decimal
) -> list[MatchStep]:
    """Mark vs entry: the mark the learner gave against none (entry), and a venue's rule before
    or after its change of basis."""
    steps = []
    spec = account.positions[0]
    if spec.mark_price is not None and spec.mark_price != spec.entry_price:
        price, _ = _price(_with_position(account, mark_price=None), venue)
        steps.append(
            MatchStep(
                step="mark vs entry",
                change="the entry price as the mark",
                liquidation_price=price,
                matches=_close(price, shown, tick),
                suggestion="Enter the exchange's mark price, not the last traded price.",
            )
        )
    if venue.mark_basis_since is not None:
        since = venue.mark_basis_since
        day = account.parameters_as_of
        other = since - timedelta(days=1) if day is None or day >= since else since
        try:
            price, _ = _price(dataclasses.replace(account, parameters_as_of=other), venue)
        except MarginError:
            price = None
        basis = "entry" if other < since else "mark"
        steps.append(
            MatchStep(
                step="mark vs entry",
                change=f"maintenance on the {basis} price (the rules of {other.isoformat()})",
                liquidation_price=price,
                matches=_close(price, shown, tick),
                suggestion=(
                    f"{venue.label} changed its margin basis on {since.isoformat()}; "
                    "set the parameter date to the day the position was opened."
                ),
            )
        )
    return steps


def _funding_step(ours: PositionResult, shown: Decimal, tick: Decimal) -> list[MatchStep]:
    """The change of isolated margin that moves our price to the shown one: inside one tier the
    isolated liquidation price moves by ``d margin / (Q*MMR - s*Q)`` (Binance's formula)."""
    basis = ours.liquidation_basis
    if (
        ours.margin_mode is not MarginMode.ISOLATED
        or basis is None
        or ours.liquidation_price is None
        or ours.contract != "linear"
    ):
        return []
    slope = ours.quantity * basis.maintenance_margin_rate - ours.side.sign * ours.quantity
    if slope == 0:
        return []
    change = (shown - ours.liquidation_price) * slope
    if abs(change) < tick * ours.quantity:
        return []
    what = "received" if change > 0 else "paid"
    return [
        MatchStep(
            step="funding",
            change=(
                f"{_short(abs(change))} {ours.collateral} of funding {what} from the isolated "
                "margin (or a margin top-up / removal of that size)"
            ),
            liquidation_price=shown,
            matches=False,
            suggestion=(
                "Funding paid or received since opening changes an isolated position's margin: "
                "enter the margin the exchange shows now as the isolated margin."
            ),
        )
    ]


def _tick_step(
    reproduced: Decimal | None, displayed: Decimal | None, shown: Decimal, tick: Decimal
) -> MatchStep:
    return MatchStep(
        step="rounding to the tick",
        change=f"our price rounded to the tick of {_short(tick)} away from safety",
        liquidation_price=displayed,
        matches=displayed is not None and displayed == shown,
        suggestion=(
            "Exchanges show prices to their tick; a difference of less than one tick is rounding."
        ),
    )


def _a_day_of(as_of: str) -> str | None:
    """A day inside a table's period: its effective date, or the day before "before X"."""
    if as_of.startswith("before "):
        return (date.fromisoformat(as_of.removeprefix("before ")) - timedelta(days=1)).isoformat()
    if as_of == "undated":
        return None
    return as_of


def _short(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.00000001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
