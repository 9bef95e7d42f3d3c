"""Replays of recorded crashes: an account walked through real candles, isolated vs cross.

The path. Each candle becomes four prices, its open, its two extremes and its close, so a wick
counts: a position whose liquidation price the low (or high) reaches is liquidated even when the
candle closes far away. A candle does not say whether its high or its low came first; this module
ASSUMES (``HIGH_LOW_ORDER``) that a falling candle (close below open) went open, high, low, close
and any other candle open, low, high, close: the order that spends the least path length, as most
backtesters assume. A liquidation is priced at the point of the path where it happens, so a
position a wick liquidates is closed at that wick's extreme (a pessimistic fill; exchanges start
closing when the mark touches the liquidation price). Gaps in a series are not filled: the path
goes from the bar before a gap to the bar after it.

The engine. Every liquidation, its price, cost and the insurance fund's share come from the exact
``margin.replay.replay`` (Decimal, the venue's rules). Walking all 4 x 1,440 points of a
1-minute day through it for 8 positions and both modes costs about half a second, so a float
screen (numpy) first finds the points where a liquidation is possible: with no funding and no
fees, nothing changes between liquidations, so only the points where some position's margin
balance is within a hair (``SCREEN_TOLERANCE`` of the book's size) of its maintenance margin can
liquidate, and the exact replay runs on those points alone (plus the last, for the final state).
After each liquidation the screen is redone for what is left open. The exact engine's answer is
therefore the same as walking every point through it. The equity path drawn through all points is
computed in floats from the exact events (it is a picture; the figures shown are exact).

Not modelled: funding and trading fees (a replay opens the positions at the start, fee-free),
partial liquidations and auto-deleveraging (see ``margin.replay``). No Django here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np

from margin.candles import Candle, CandleSeries
from margin.errors import MarginError
from margin.evaluate import Leg, build_legs, evaluate_legs, exact
from margin.model import AccountSpec, MarginMode, with_margin_mode
from margin.replay import Event, Replay, replay
from margin.venues import DEFAULT_VENUE, Venue, venue_named

HIGH_LOW_ORDER = (
    "Inside each candle the price is assumed to go open, high, low, close when the candle "
    "closes below its open, and open, low, high, close otherwise: candles do not record which "
    "extreme came first."
)
NOTES = (
    HIGH_LOW_ORDER,
    "A position is closed at the price of the point where its liquidation is triggered: a wick "
    "that reaches the liquidation price liquidates, and the fill is the wick's extreme.",
    "No funding and no trading fees are charged during the replay.",
)
NO_SERIES_FOR = "This event has no recorded {symbol} prices for the chosen price series."
MISALIGNED = "The price series of this event do not share any bar times."
# Points within this fraction of the book's size of a liquidation go to the exact engine.
SCREEN_TOLERANCE = 1e-9
PARTS_FALLING = ("open", "high", "low", "close")
PARTS_RISING = ("open", "low", "high", "close")


@dataclass(frozen=True)
class PricePath:
    """Per-symbol prices at every point of the replay (four per candle), exact and as floats."""

    times: tuple[datetime, ...]  # one per candle: its open time
    interval: timedelta
    candles: dict[str, tuple[Candle, ...]]  # symbol -> the candles, aligned
    floats: dict[str, np.ndarray]  # symbol -> prices at the 4 x candles points
    factors: dict[str, Decimal]  # symbol -> scale applied to the recorded prices (1: none)
    dropped_bars: int  # bars left out because not every symbol has them

    @property
    def length(self) -> int:
        return 4 * len(self.times)

    def time_of(self, point: int) -> datetime:
        return self.times[point // 4]

    def part_of(self, symbol: str, point: int) -> str:
        candle = self.candles[symbol][point // 4]
        parts = PARTS_FALLING if candle.close < candle.open else PARTS_RISING
        return parts[point % 4]

    def price(self, symbol: str, point: int) -> Decimal:
        recorded: Decimal = getattr(self.candles[symbol][point // 4], self.part_of(symbol, point))
        factor = self.factors[symbol]
        return recorded if factor == 1 else recorded * factor

    def marks(self, point: int) -> dict[str, Decimal]:
        return {symbol: self.price(symbol, point) for symbol in self.candles}

    def start_price(self, symbol: str) -> Decimal:
        return self.price(symbol, 0)


def price_path(
    series: dict[str, CandleSeries], factors: dict[str, Decimal] | None = None
) -> PricePath:
    """The replay path through ``series`` (one per symbol), on the bar times all of them have."""
    common = set.intersection(*({c.time for c in s.candles} for s in series.values()))
    if len(common) < 2:
        raise MarginError(MISALIGNED, field="event")
    times = tuple(sorted(common))
    candles = {
        symbol: tuple(c for c in s.candles if c.time in common) for symbol, s in series.items()
    }
    factors = {symbol: (factors or {}).get(symbol, Decimal(1)) for symbol in series}
    floats = {}
    for symbol, bars in candles.items():
        ohlc = series[symbol].ohlc_floats
        if len(bars) != len(series[symbol].candles):
            ohlc = ohlc[:, [c.time in common for c in series[symbol].candles]]
        o, h, low, c = ohlc
        falling = c < o
        points = np.stack([o, np.where(falling, h, low), np.where(falling, low, h), c], axis=1)
        floats[symbol] = points.reshape(-1) * float(factors[symbol])
    dropped = sum(len(s.candles) for s in series.values()) - len(times) * len(series)
    interval = min(s.interval for s in series.values())
    return PricePath(times, interval, candles, floats, factors, dropped)


@dataclass(frozen=True)
class LogEntry:
    """One line of the event log: what closed (or what the fund paid) when, at which price."""

    point: int
    time: datetime
    part: str | None  # which price of the candle: open, high, low or close
    type: str  # "liquidation" or "insurance"
    position: str | None  # the engine's id for the closed position
    symbol: str | None
    price: Decimal | None
    cost: Decimal  # what the trader lost (negative: a gain, a profitable position closed)
    insurance_fund: Decimal  # the fund's change (negative: the fund paid)
    # every position closed together: the engine merges positions on one symbol and side
    positions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModeReplay:
    mode: MarginMode
    log: tuple[LogEntry, ...]
    equity: np.ndarray  # float equity at every point (for drawing)
    final_equity: Decimal
    insurance_fund: Decimal
    liquidated: tuple[str, ...]
    exact_steps: int  # points the exact engine walked
    engine: Replay


@dataclass(frozen=True)
class RecordedReplay:
    venue: str
    path: PricePath
    entry_prices: dict[str, Decimal]
    starting_equity: Decimal
    isolated: ModeReplay
    cross: ModeReplay
    notes: tuple[str, ...]

    @property
    def modes(self) -> tuple[ModeReplay, ModeReplay]:
        return (self.isolated, self.cross)


@dataclass
class _FloatLeg:
    """A leg's PnL and maintenance as functions of float price arrays (for the screen only)."""

    id: str
    symbol: str
    isolated_margin: float | None
    inverse: bool
    sign: float
    size: float
    entry: float
    entry_value: float
    fixed_maintenance: float | None
    caps: np.ndarray
    rates: np.ndarray
    amounts: np.ndarray

    @classmethod
    def of(cls, leg: Leg) -> _FloatLeg:
        tiers = leg.tiers
        return cls(
            id=leg.id,
            symbol=leg.market.symbol,
            isolated_margin=None if leg.isolated_margin is None else float(leg.isolated_margin),
            inverse=leg.inverse,
            sign=float(leg.sign),
            size=float(leg.size),
            entry=float(leg.entry_price),
            entry_value=float(leg.entry_value),
            fixed_maintenance=(
                None if leg.fixed_maintenance is None else float(leg.fixed_maintenance)
            ),
            caps=np.array([np.inf if t.cap is None else float(t.cap) for t in tiers]),
            rates=np.array([float(t.rate) for t in tiers]),
            amounts=np.array([float(t.amount) for t in tiers]),
        )

    def pnl(self, price: np.ndarray) -> np.ndarray:
        if self.inverse:
            return self.sign * self.size * (1.0 / self.entry - 1.0 / price)
        return self.sign * (self.entry_value * price / self.entry - self.entry_value)

    def health(self, price: np.ndarray) -> np.ndarray:
        """PnL minus maintenance margin (plus the isolated margin for an isolated leg)."""
        if self.fixed_maintenance is not None:
            maintenance: np.ndarray | float = self.fixed_maintenance
        else:
            notional = self.size / price if self.inverse else self.entry_value * price / self.entry
            tier = np.minimum(np.searchsorted(self.caps, notional), len(self.caps) - 1)
            maintenance = notional * self.rates[tier] - self.amounts[tier]
        return self.pnl(price) - maintenance + (self.isolated_margin or 0.0)


def _suspects(
    legs: list[_FloatLeg], wallet: float, path: PricePath, start: int, tolerance: float
) -> np.ndarray:
    """Points from ``start`` on where some open leg (isolated) or the cross book could be
    liquidated, by the float screen."""
    size = path.length - start
    suspect = np.zeros(size, dtype=bool)
    cross = np.full(size, wallet)
    any_cross = False
    for leg in legs:
        health = leg.health(path.floats[leg.symbol][start:])
        if leg.isolated_margin is None:
            cross += health
            any_cross = True
        else:
            suspect |= health <= tolerance
    if any_cross:
        suspect |= cross <= tolerance
    return suspect


def _state_after(
    events: tuple[Event, ...], step: int, legs: list[_FloatLeg], wallet: float
) -> tuple[list[_FloatLeg], float]:
    """The open legs and the cross wallet after the exact replay's ``step``."""
    closed: set[str] = set()
    by_id = {leg.id: leg for leg in legs}
    for event in events:
        if event.step > step:
            break
        if event.type == "liquidation":
            closed.add(event.position or "")
            if by_id[event.position or ""].isolated_margin is None:
                wallet -= float(event.loss)
        elif event.type == "insurance":
            wallet = 0.0
    return [leg for leg in legs if leg.id not in closed], wallet


def _exact_replay(account: AccountSpec, path: PricePath, points: list[int], rules: Venue) -> Replay:
    return replay(
        account,
        [path.marks(point) for point in points],
        venue=rules,
        funding_rate=0,
        taker_fee_rate=0,
    )


def _replay_mode(
    account: AccountSpec, path: PricePath, rules: Venue, mode: MarginMode
) -> ModeReplay:
    start = evaluate_legs(account, rules, opening_rules=True)
    legs, _ = build_legs(account, rules)
    float_legs = [_FloatLeg.of(leg) for leg in legs]
    wallet0 = float(start.account.cross_wallet_balance)
    scale = abs(wallet0) + sum(abs(leg.entry_value) for leg in float_legs) + 1.0
    tolerance = SCREEN_TOLERANCE * scale

    chosen: list[int] = []
    alive, wallet, position = float_legs, wallet0, 0
    while position < path.length and alive:
        candidates = np.flatnonzero(_suspects(alive, wallet, path, position, tolerance)) + position
        if not candidates.size:
            break
        # Only the first suspect point: once it liquidates, the later ones must be screened
        # again for what is left open.
        chosen.append(int(candidates[0]))
        position = chosen[-1] + 1
        run = _exact_replay(account, path, chosen, rules)
        if any(e.type == "liquidation" and e.step == len(chosen) for e in run.events):
            alive, wallet = _state_after(run.events, len(chosen), float_legs, wallet0)
        # else a near miss the float screen let through: the state stays as it was
    if not chosen or chosen[-1] != path.length - 1:
        chosen.append(path.length - 1)
    run = _exact_replay(account, path, chosen, rules)

    symbol_of = {leg.id: leg.symbol for leg in float_legs}
    ids_of = {leg.id: leg.ids for leg in legs}
    log = []
    for event in run.events:
        if event.type not in ("liquidation", "insurance") or event.step == 0:
            continue
        point = chosen[event.step - 1]
        symbol = symbol_of.get(event.position or "")
        log.append(
            LogEntry(
                point=point,
                time=path.time_of(point),
                part=path.part_of(symbol, point) if symbol else None,
                type=event.type,
                position=event.position,
                symbol=symbol,
                price=event.price,
                cost=event.loss,
                insurance_fund=event.insurance_fund,
                positions=ids_of.get(event.position or "", ()),
            )
        )
    return ModeReplay(
        mode=mode,
        log=tuple(log),
        equity=_equity_path(run, chosen, float_legs, wallet0, path),
        final_equity=run.final_equity,
        insurance_fund=run.insurance_fund,
        liquidated=tuple(i for leg_id in run.liquidated for i in ids_of[leg_id]),
        exact_steps=len(chosen),
        engine=run,
    )


def _equity_path(
    run: Replay, chosen: list[int], legs: list[_FloatLeg], wallet0: float, path: PricePath
) -> np.ndarray:
    """Equity at every point: the cross wallet plus each leg's margin balance while it is open,
    with the wallet stepping where the exact replay closed cross positions."""
    closed_at = {}
    wallet = np.full(path.length, wallet0)
    for event in run.events:
        if event.step == 0:
            continue
        point = chosen[event.step - 1]
        if event.type == "liquidation":
            closed_at[event.position] = point
        _, after = _state_after(run.events, event.step, legs, wallet0)
        wallet[point:] = after
    equity = wallet
    for leg in legs:
        until = closed_at.get(leg.id, path.length)
        contribution = leg.pnl(path.floats[leg.symbol][:until]) + (leg.isolated_margin or 0.0)
        equity[:until] += contribution
    return equity


@exact
def replay_recorded(
    account: AccountSpec,
    series: dict[str, CandleSeries],
    *,
    venue: str | Venue = DEFAULT_VENUE,
    keep_entry: bool = False,
    scale_from: dict[str, Decimal] | None = None,
) -> RecordedReplay:
    """Replay ``account`` through recorded ``series`` (symbol -> candles) all isolated and all
    cross. By default each position is opened at its series' first open; with ``keep_entry``
    the positions keep their entry prices and the recorded prices are scaled so that the path
    starts there (the same moves in per cent). ``scale_from`` overrides the starting prices the
    scale is taken from (for a comparison of two series from one start)."""
    rules = venue_named(venue)
    symbols = {p.symbol for p in account.positions}
    for spec in account.positions:
        if spec.symbol not in series:
            raise MarginError(
                NO_SERIES_FOR.format(symbol=spec.symbol), field="symbol", position_id=spec.id
            )
    used = {symbol: series[symbol] for symbol in sorted(symbols)}
    recorded_start = price_path(used)
    starts = scale_from or {s: recorded_start.start_price(s) for s in used}
    factors: dict[str, Decimal] = {}
    if keep_entry:
        entries = {p.symbol: p.entry_price for p in account.positions}
        factors = {s: entries[s] / starts[s] for s in used}
        path = price_path(used, factors)
        entry_prices = entries
    else:
        path = recorded_start
        entry_prices = starts
        account = dataclasses.replace(
            account,
            positions=tuple(
                dataclasses.replace(p, entry_price=entry_prices[p.symbol], mark_price=None)
                for p in account.positions
            ),
        )
    modes = tuple(
        _replay_mode(with_margin_mode(account, mode), path, rules, mode)
        for mode in (MarginMode.ISOLATED, MarginMode.CROSS)
    )
    notes = list(NOTES)
    if path.dropped_bars:
        notes.append(
            f"{path.dropped_bars} bars recorded for only some of the symbols are left out."
        )
    return RecordedReplay(
        venue=rules.name,
        path=path,
        entry_prices=entry_prices,
        starting_equity=account.wallet_balance,
        isolated=modes[0],
        cross=modes[1],
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class PriceRuleComparison:
    """The same account replayed on the mark price (as exchanges liquidate) and on the last
    traded price, with each series' extremes per symbol."""

    mark: RecordedReplay
    last: RecordedReplay
    mark_low: dict[str, Decimal]
    last_low: dict[str, Decimal]
    mark_high: dict[str, Decimal]
    last_high: dict[str, Decimal]

    def only_on_last(self, mode: MarginMode) -> tuple[str, ...]:
        """Positions a last-price rule liquidates that the mark price leaves open."""
        mark = getattr(self.mark, mode.value).liquidated
        return tuple(p for p in getattr(self.last, mode.value).liquidated if p not in mark)


@exact
def compare_price_rules(
    account: AccountSpec,
    mark: dict[str, CandleSeries],
    last: dict[str, CandleSeries],
    *,
    venue: str | Venue = DEFAULT_VENUE,
    keep_entry: bool = False,
) -> PriceRuleComparison:
    """Replay ``account`` on the mark series, then on the last-price series from the same
    entry prices (the mark series' first opens, or the positions' own with ``keep_entry``)."""
    on_mark = replay_recorded(account, mark, venue=venue, keep_entry=keep_entry)
    if keep_entry:
        on_last = replay_recorded(
            account,
            last,
            venue=venue,
            keep_entry=True,
            scale_from={
                s: on_mark.path.start_price(s) / on_mark.path.factors[s]
                for s in on_mark.path.factors
            },
        )
    else:
        pinned = dataclasses.replace(
            account,
            positions=tuple(
                dataclasses.replace(p, entry_price=on_mark.entry_prices[p.symbol])
                for p in account.positions
            ),
        )
        on_last = replay_recorded(
            pinned,
            last,
            venue=venue,
            keep_entry=True,
            scale_from={s: on_mark.entry_prices[s] for s in on_mark.entry_prices},
        )

    def extreme(
        run: RecordedReplay, name: str, pick: Callable[[Iterable[Decimal]], Decimal]
    ) -> dict[str, Decimal]:
        return {
            symbol: pick(getattr(c, name) for c in candles) * run.path.factors[symbol]
            for symbol, candles in run.path.candles.items()
        }

    return PriceRuleComparison(
        mark=on_mark,
        last=on_last,
        mark_low=extreme(on_mark, "low", min),
        last_low=extreme(on_last, "low", min),
        mark_high=extreme(on_mark, "high", max),
        last_high=extreme(on_last, "high", max),
    )
