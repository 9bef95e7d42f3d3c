"""Replay: walk an account along a path of mark prices and record what the exchange would do.

The model, step by step (step 0 is the starting marks, step k the k-th entry of the path):

1. Marks move to the step's prices (a symbol the step leaves out keeps its mark).
2. Funding, every ``funding_every`` steps: each position pays ``s * notional * funding_rate``
   (longs pay when the rate is positive; reference "Funding and fees"), from the wallet its venue
   names: Binance settles an isolated position's funding in its isolated wallet (so it moves the
   isolated liquidation price), Bybit takes it from the available balance first (see
   ``_pay_funding``). No wallet goes below zero.
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

import dataclasses
from dataclasses import dataclass, field
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
    PositionsAt,
    evaluate_legs,
    exact,
    opening_evaluation,
)
from margin.margins import ZERO
from margin.model import AccountSpec, MarginMode, copied, to_decimal
from margin.records import quick_init
from margin.venues import DEFAULT_VENUE, Venue, venue_named

# A replay is exact Decimal work per step; long paths belong in the Monte Carlo.
MAX_REPLAY_STEPS = 5_000


@quick_init
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


@quick_init
@dataclass(frozen=True)
class Prepared:
    """An account made ready for the engine once: its legs (validated and merged), the notes
    about them and its evaluation at its marks (see ``prepare``)."""

    account: AccountSpec
    venue: Venue
    legs: tuple[Leg, ...]
    notes: tuple[str, ...]
    start: Evaluation


@quick_init
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
        total += leg.pnl_at_mark
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
    rules = venue_named(venue).rules_on(account.parameters_as_of)
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
    return replay_prepared(prepare(account, rules), path, funding_every=funding_every)


@exact
def prepare(account: AccountSpec, venue: str | Venue = DEFAULT_VENUE) -> Prepared:
    """``account``'s opening evaluation (what ``evaluate`` returns) with its legs and notes, built
    once, so that a caller which needs both the evaluation and a replay evaluates it once."""
    rules = venue_named(venue).rules_on(account.parameters_as_of)
    start, legs, notes = opening_evaluation(account, rules)  # applies every rule
    return Prepared(account, rules, tuple(legs), tuple(notes), start)


@exact
def replay_prepared(
    prepared: Prepared, path: list[dict[str, Decimal]], *, funding_every: int | None = None
) -> Replay:
    """``replay`` of a ``prepare``d account at its own funding and fee rates."""
    if len(path) > MAX_REPLAY_STEPS:
        raise MarginError(PATH_TOO_LONG.format(maximum=MAX_REPLAY_STEPS), field="path")
    account, rules, start = prepared.account, prepared.venue, prepared.start
    legs, notes = list(prepared.legs), list(prepared.notes)
    funding, fee = account.funding_rate, account.taker_fee_rate
    moves = _parsed_path(path, {leg.market.symbol for leg in legs})
    state = _State(cross_wallet=start.account.cross_wallet_balance)
    if fee:
        _charge_open_fees(legs, state, fee)

    equity = []
    for step in range(len(moves) + 1):
        if step:
            marks = moves[step - 1]
            legs = [
                leg.at_mark(marks[leg.market.symbol])
                if marks.get(leg.market.symbol, leg.mark_price) != leg.mark_price
                else leg
                for leg in legs
            ]
            if funding and funding_every and step % funding_every == 0:
                legs = _pay_funding(legs, state, funding, rules, step)
        if _anything_to_liquidate(legs, state.cross_wallet):
            # the figures of the positions closed at this step, before they close
            snapshot = PositionsAt(account, rules, legs, state.cross_wallet)
            legs = _liquidate_isolated(legs, state, snapshot, step)
            legs = _liquidate_cross(legs, state, snapshot, step)
        equity.append(_equity(legs, state.cross_wallet))

    final_open = evaluate_legs(
        account, rules, opening_rules=False, legs=legs, cross_wallet=state.cross_wallet, notes=notes
    )
    by_id = {p.id: p for p in final_open.positions} | state.closed
    order = [p.id for p in start.positions]
    final = copied(final_open, positions=tuple(by_id[i] for i in order))
    return Replay(
        venue=rules.name,
        events=tuple(state.events),
        final=final,
        equity=tuple(equity),
        insurance_fund=state.fund,
        liquidated=tuple(state.liquidated),
        realized_pnl=state.realized,
        fees=state.fees,
        funding=state.funding,
    )


@dataclass
class _State:
    """What a replay carries from step to step besides the open legs."""

    cross_wallet: Decimal
    events: list[Event] = field(default_factory=list)
    fund: Decimal = ZERO
    fees: Decimal = ZERO
    funding: Decimal = ZERO
    realized: Decimal = ZERO
    liquidated: list[str] = field(default_factory=list)
    closed: dict[str, PositionResult] = field(default_factory=dict)


def _charge_open_fees(legs: list[Leg], state: _State, fee: Decimal) -> None:
    """The fee to open, ``rate x entry value``, charged to the wallet before step 0."""
    for leg in legs:
        amount = leg.entry_value * fee
        state.cross_wallet -= amount
        state.fees += amount
        state.events.append(Event(0, "fee", leg.id, leg.entry_price, amount, ZERO))


def _parsed_path(path: list[dict[str, Decimal]], symbols: set[str]) -> list[dict[str, Decimal]]:
    """Each step's marks as positive Decimals, for symbols the account holds."""
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
    return moves


def _pay_funding(
    legs: list[Leg], state: _State, rate: Decimal, rules: Venue, step: int
) -> list[Leg]:
    """Each position pays ``s * notional * rate`` (receives when negative) from the wallet its
    venue names (``FundingSource``): Binance and dYdX settle an isolated position's funding in
    its own isolated margin, a cross one in the cross wallet; Bybit takes it from the available
    balance first and from the position margin only for the rest. No wallet goes below zero: a
    payment a wallet cannot cover comes from the other one, and what neither can cover is a
    loss the insurance fund takes (an "insurance" event)."""
    updated = []
    for leg in legs:
        payment = leg.sign * leg.notional_at_mark * rate
        state.funding += payment
        own = leg.isolated_margin
        if payment <= 0 or own is None:
            if payment <= 0 and own is not None and rules.funding_moves_isolated_margin:
                own -= payment  # received into the isolated wallet
            elif payment <= 0:
                state.cross_wallet -= payment
            else:
                taken = min(payment, max(state.cross_wallet, ZERO))
                state.cross_wallet -= taken
                _uncovered(state, step, payment - taken)
        elif rules.funding_moves_isolated_margin:
            taken = min(payment, own)
            own -= taken
            rest = min(payment - taken, max(state.cross_wallet, ZERO))
            state.cross_wallet -= rest
            _uncovered(state, step, payment - taken - rest)
        else:
            available = max(ZERO, min(state.cross_wallet, _available(legs, state.cross_wallet)))
            taken = min(payment, available)
            state.cross_wallet -= taken
            rest = min(payment - taken, own)
            own -= rest
            _uncovered(state, step, payment - taken - rest)
        if own is not leg.isolated_margin:
            leg = dataclasses.replace(leg, isolated_margin=own)
        state.events.append(Event(step, "funding", leg.id, leg.mark_price, payment, ZERO))
        updated.append(leg)
    return updated


def _available(legs: list[Leg], cross_wallet: Decimal) -> Decimal:
    """The cross available balance: cross wallet + cross uPnL - cross initial margin."""
    balance = cross_wallet
    for leg in legs:
        if leg.isolated_margin is None:
            balance += leg.pnl_at_mark - leg.initial_margin - leg.close_fee
    return balance


def _uncovered(state: _State, step: int, amount: Decimal) -> None:
    if amount > 0:
        state.fund -= amount
        state.events.append(Event(step, "insurance", None, None, ZERO, -amount))


def _liquidate_isolated(
    legs: list[Leg], state: _State, snapshot: PositionsAt, step: int
) -> list[Leg]:
    """Close every isolated leg at or below its maintenance: it loses its margin, the rest (or
    the gap past bankruptcy, negative) goes to the insurance fund."""
    survivors = []
    for leg in legs:
        if leg.isolated_margin is None:
            survivors.append(leg)
            continue
        pnl = leg.pnl_at_mark
        if leg.isolated_margin + pnl > leg.maintenance_at_mark[0]:
            survivors.append(leg)
            continue
        remainder = leg.isolated_margin + pnl
        state.fund += remainder
        state.realized += pnl
        state.liquidated.append(leg.id)
        state.closed[leg.id] = copied(snapshot[leg.id], status="liquidated")
        state.events.append(
            Event(step, "liquidation", leg.id, leg.mark_price, leg.isolated_margin, remainder)
        )
    return survivors


def _liquidate_cross(legs: list[Leg], state: _State, snapshot: PositionsAt, step: int) -> list[Leg]:
    """Close cross legs, largest loss first, while the cross margin balance is at or below the
    cross maintenance; a cross wallet left below zero with nothing cross open is covered by the
    insurance fund."""
    while True:
        cross = [leg for leg in legs if leg.margin_mode is MarginMode.CROSS]
        if not cross:
            break
        balance = state.cross_wallet + sum((leg.pnl_at_mark for leg in cross), ZERO)
        requirement = sum((leg.maintenance_at_mark[0] for leg in cross), ZERO)
        if balance > requirement:
            break
        worst = min(cross, key=lambda leg: leg.pnl_at_mark)
        pnl = worst.pnl_at_mark
        state.cross_wallet += pnl
        state.realized += pnl
        state.liquidated.append(worst.id)
        state.closed[worst.id] = copied(snapshot[worst.id], status="liquidated")
        state.events.append(Event(step, "liquidation", worst.id, worst.mark_price, -pnl, ZERO))
        legs = [leg for leg in legs if leg is not worst]
    if state.cross_wallet < 0 and not any(leg.margin_mode is MarginMode.CROSS for leg in legs):
        state.fund += state.cross_wallet
        state.events.append(Event(step, "insurance", None, None, ZERO, state.cross_wallet))
        state.cross_wallet = ZERO
    return legs


def _anything_to_liquidate(legs: list[Leg], cross_wallet: Decimal) -> bool:
    cross_balance, cross_requirement, any_cross = cross_wallet, ZERO, False
    for leg in legs:
        pnl = leg.pnl_at_mark
        maintenance = leg.maintenance_at_mark[0]
        if leg.isolated_margin is not None:
            if leg.isolated_margin + pnl <= maintenance:
                return True
        else:
            any_cross = True
            cross_balance += pnl
            cross_requirement += maintenance
    return any_cross and cross_balance <= cross_requirement


@exact
def marked_to(prepared: Prepared, marks: dict[str, Decimal]) -> list[tuple[str, Decimal, Decimal]]:
    """(position id, mark, unrealized PnL) of each of the account's positions (as merged) with
    its symbol's mark moved to ``marks``: what ``evaluate`` of the moved account reports as
    ``mark_price`` and ``unrealized_pnl``, without solving any price (a chart's many points)."""
    moved = []
    for leg in prepared.legs:
        mark = marks.get(leg.market.symbol, leg.mark_price)
        moved.append((leg.id, mark, leg.pnl(mark)))
    return moved
