"""Replay: walk an account along a path of mark prices and record what the exchange would do.

The model, step by step (step 0 is the starting marks, step k the k-th entry of the path):

1. Marks move to the step's prices (a symbol the step leaves out keeps its mark).
2. Funding, every ``funding_every`` steps: each position pays ``s * notional * funding_rate``
   (longs pay when the rate is positive; reference "Funding and fees"). Binance takes it from the
   wallet; Bybit from an isolated position's own margin.
3. Isolated positions whose margin balance ``isolated_margin + uPnL`` is at or below their
   maintenance margin are liquidated at the step's mark and lose their isolated margin, no more.
   What is left of the margin goes to the insurance fund; a gap past the bankruptcy price (a
   negative remainder) is paid by the insurance fund. Both are recorded.
4. While the cross margin balance (cross wallet + cross uPnL) is at or below the cross maintenance
   margin, cross positions are closed at the mark one at a time, largest loss first (profitable
   positions too, once the losers are gone), until the account is healthy or nothing is left.
   A cross wallet still below zero after that is covered by the insurance fund.

Fees: with a taker fee rate, the fee to open (rate x entry value) is charged to the wallet before
step 0. Where this simplifies the exchanges: positions are closed whole at the mark (exchanges
liquidate large positions in parts and fill at worse prices), there is no auto-deleveraging (ADL:
when the insurance fund cannot pay, exchanges close profitable traders' positions against the
bankrupt ones), no liquidation clearance fee in cross mode and no fee to close.

Invariant (tested): final equity + insurance fund = starting wallet + realised and unrealised PnL
- fees - funding. Money only moves between the trader, the market and the fund.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from margin.errors import (
    NON_POSITIVE_PRICE,
    PATH_TOO_LONG,
    PATH_UNKNOWN_SYMBOL,
    MarginError,
)
from margin.evaluate import (
    Evaluation,
    Leg,
    PositionResult,
    build_legs,
    evaluate_legs,
    exact,
)
from margin.margins import ZERO
from margin.model import AccountSpec, MarginMode, to_decimal
from margin.venues import DEFAULT_VENUE, Venue, venue_named

# A replay is exact Decimal work per step; long paths belong in the Monte Carlo.
MAX_REPLAY_STEPS = 5_000


@dataclass(frozen=True)
class Event:
    """What happened at a step. ``type`` is "liquidation", "funding", "fee" or "insurance".
    ``loss`` is what the trader lost (negative: a gain, e.g. funding received or a profitable
    position closed); ``insurance_fund`` is the fund's change (negative: the fund paid)."""

    step: int
    type: str
    position: str | None
    price: Decimal | None
    loss: Decimal
    insurance_fund: Decimal


@dataclass(frozen=True)
class Replay:
    venue: str
    events: tuple[Event, ...]
    final: Evaluation
    equity: tuple[Decimal, ...]  # account equity at steps 0..n
    insurance_fund: Decimal  # the fund's net change over the replay
    liquidated: tuple[str, ...]  # position ids in the order they were liquidated
    realized_pnl: Decimal
    fees: Decimal
    funding: Decimal

    @property
    def final_equity(self) -> Decimal:
        return self.equity[-1]


def _equity(legs: list[Leg], cross_wallet: Decimal) -> Decimal:
    """Cross wallet + every open position's margin balance contribution."""
    total = cross_wallet
    for leg in legs:
        total += leg.pnl(leg.mark_price)
        if leg.isolated_margin is not None:
            total += leg.isolated_margin
    return total


@exact
def replay(
    account: AccountSpec,
    path: list[dict[str, Decimal]],
    *,
    venue: str | Venue = DEFAULT_VENUE,
    funding_rate: Decimal | str | int | None = None,
    funding_every: int | None = None,
    taker_fee_rate: Decimal | str | int | None = None,
) -> Replay:
    """Replay ``account`` along ``path`` (one ``{symbol: mark}`` dict per step); rates default to
    the account's. See the module docstring for the model."""
    rules = venue_named(venue)
    if len(path) > MAX_REPLAY_STEPS:
        raise MarginError(PATH_TOO_LONG.format(maximum=MAX_REPLAY_STEPS), field="path")
    funding = (
        account.funding_rate
        if funding_rate is None
        else to_decimal(funding_rate, field_name="funding_rate")
    )
    fee = (
        account.taker_fee_rate
        if taker_fee_rate is None
        else to_decimal(taker_fee_rate, field_name="taker_fee_rate")
    )
    account = dataclasses.replace(account, funding_rate=funding, taker_fee_rate=fee)
    start = evaluate_legs(account, rules, opening_rules=True)  # applies every rule
    legs, notes = build_legs(account, rules)
    symbols = {leg.market.symbol for leg in legs}
    moves: list[dict[str, Decimal]] = []
    for prices in path:
        parsed = {}
        for symbol, value in prices.items():
            if symbol not in symbols:
                raise MarginError(PATH_UNKNOWN_SYMBOL.format(symbol=symbol), field="path")
            price = to_decimal(value, field_name="path")
            if price <= 0:
                raise MarginError(NON_POSITIVE_PRICE, field="path")
            parsed[symbol] = price
        moves.append(parsed)

    cross_wallet = start.account.cross_wallet_balance
    events: list[Event] = []
    fund = fees_paid = funding_paid = realized = ZERO
    liquidated: list[str] = []
    closed: dict[str, PositionResult] = {}
    if fee:
        for leg in legs:
            amount = leg.entry_value * fee
            cross_wallet -= amount
            fees_paid += amount
            events.append(Event(0, "fee", leg.id, leg.entry_price, amount, ZERO))

    equity = []
    for step in range(len(moves) + 1):
        if step:
            marks = moves[step - 1]
            legs = [
                _at_mark(leg, marks[leg.market.symbol])
                if marks.get(leg.market.symbol, leg.mark_price) != leg.mark_price
                else leg
                for leg in legs
            ]
            if funding and funding_every and step % funding_every == 0:
                updated = []
                for leg in legs:
                    payment = leg.sign * leg.notional(leg.mark_price) * funding
                    funding_paid += payment
                    if rules.funding_moves_isolated_margin and leg.isolated_margin is not None:
                        leg = dataclasses.replace(
                            leg, isolated_margin=leg.isolated_margin - payment
                        )
                    else:
                        cross_wallet -= payment
                    events.append(Event(step, "funding", leg.id, leg.mark_price, payment, ZERO))
                    updated.append(leg)
                legs = updated

        if _anything_to_liquidate(legs, cross_wallet):
            snapshot = {
                p.id: p
                for p in evaluate_legs(
                    account, rules, opening_rules=False, legs=legs, cross_wallet=cross_wallet
                ).positions
            }
            survivors = []
            for leg in legs:
                if leg.isolated_margin is None:
                    survivors.append(leg)
                    continue
                pnl = leg.pnl(leg.mark_price)
                if leg.isolated_margin + pnl <= leg.maintenance(leg.mark_price)[0]:
                    remainder = leg.isolated_margin + pnl
                    fund += remainder
                    realized += pnl
                    liquidated.append(leg.id)
                    closed[leg.id] = dataclasses.replace(snapshot[leg.id], status="liquidated")
                    events.append(
                        Event(
                            step,
                            "liquidation",
                            leg.id,
                            leg.mark_price,
                            leg.isolated_margin,
                            remainder,
                        )
                    )
                else:
                    survivors.append(leg)
            legs = survivors
            while True:
                cross = [leg for leg in legs if leg.margin_mode is MarginMode.CROSS]
                if not cross:
                    break
                balance = cross_wallet + sum((leg.pnl(leg.mark_price) for leg in cross), ZERO)
                requirement = sum((leg.maintenance(leg.mark_price)[0] for leg in cross), ZERO)
                if balance > requirement:
                    break
                worst = min(cross, key=lambda leg: leg.pnl(leg.mark_price))
                pnl = worst.pnl(worst.mark_price)
                cross_wallet += pnl
                realized += pnl
                liquidated.append(worst.id)
                closed[worst.id] = dataclasses.replace(snapshot[worst.id], status="liquidated")
                events.append(Event(step, "liquidation", worst.id, worst.mark_price, -pnl, ZERO))
                legs = [leg for leg in legs if leg is not worst]
            if cross_wallet < 0 and not any(leg.margin_mode is MarginMode.CROSS for leg in legs):
                fund += cross_wallet
                events.append(Event(step, "insurance", None, None, ZERO, cross_wallet))
                cross_wallet = ZERO
        equity.append(_equity(legs, cross_wallet))

    final_open = evaluate_legs(
        account, rules, opening_rules=False, legs=legs, cross_wallet=cross_wallet, notes=notes
    )
    by_id = {p.id: p for p in final_open.positions} | closed
    order = [p.id for p in start.positions]
    final = dataclasses.replace(final_open, positions=tuple(by_id[i] for i in order))
    return Replay(
        venue=rules.name,
        events=tuple(events),
        final=final,
        equity=tuple(equity),
        insurance_fund=fund,
        liquidated=tuple(liquidated),
        realized_pnl=realized,
        fees=fees_paid,
        funding=funding_paid,
    )


def _at_mark(leg: Leg, mark: Decimal) -> Leg:
    """``leg`` at a new mark: ``dataclasses.replace`` without re-running ``__init__``, which is
    most of a long replay's time."""
    moved = copy.copy(leg)
    object.__setattr__(moved, "mark_price", mark)
    return moved


def _anything_to_liquidate(legs: list[Leg], cross_wallet: Decimal) -> bool:
    cross_balance, cross_requirement, any_cross = cross_wallet, ZERO, False
    for leg in legs:
        pnl = leg.pnl(leg.mark_price)
        maintenance = leg.maintenance(leg.mark_price)[0]
        if leg.isolated_margin is not None:
            if leg.isolated_margin + pnl <= maintenance:
                return True
        else:
            any_cross = True
            cross_balance += pnl
            cross_requirement += maintenance
    return any_cross and cross_balance <= cross_requirement
