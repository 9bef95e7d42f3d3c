"""Monte Carlo: how likely is liquidation within a horizon, isolated vs cross?

The one place the engine uses floats (numpy): it estimates probabilities, it does not price.

Model. Each symbol's mark follows a driftless geometric Brownian motion (a martingale, as under
the risk-neutral measure): over a step of ``dt`` years,

    log(S(t+dt)/S(t)) = -sigma**2/2 * dt + sigma * sqrt(dt) * Z

with ``sigma`` the annualised volatility (a fraction, 0.6 = 60%) and ``Z`` standard normals
correlated across symbols by ``correlation`` (Cholesky factor of the correlation matrix). Marks are
checked at the end of each step (discrete monitoring: a path that dips below the liquidation price
between two checks is missed; Broadie, Glasserman and Kou (1997) show this equals continuous
monitoring of a barrier shifted by ``exp(0.5826 * sigma * sqrt(dt))``, which the tests use).

- Isolated: each position has a fixed liquidation price (from ``evaluate``); it is liquidated on
  the first check at or beyond it and loses its isolated margin. Only the running minimum and
  maximum of each symbol's log price are needed, so this costs one cumulative sum per step.
- Cross: at every check the engine computes cross margin balance minus maintenance margin for all
  cross positions at once (tiers with cum as ``max_t(notional * MMR_t - cum_t)``, exact for
  Binance-style tables, over the tiers within six standard deviations of the start); at or below
  zero the whole cross book is liquidated and keeps what is left of its margin balance (at least
  zero). The replay's one-at-a-time order is not modelled here.

Both modes run on the same random paths (common random numbers), so their difference is not noise.
Work is chunked over steps (bounded memory) and capped at ``MAX_PATH_STEPS`` paths x steps per run.

Speed (benchmarks/engine_bench.py): the normals come from a float32 Box-Muller transform on the
generator's raw words, and the cross check runs step by step only on the paths a cheap bound per
chunk cannot clear (cross health is concave in each price, so its minimum over a chunk lies at
each symbol's running minimum or maximum), which spares one ``exp`` per symbol and step for the
rest. What remains per step is drawing the normals, a running sum and the running extremes.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np

from margin.errors import (
    MONTE_CARLO_BAD_CORRELATION,
    MONTE_CARLO_BAD_GRID,
    MONTE_CARLO_BAD_PATHS,
    MONTE_CARLO_BAD_VOLATILITY,
    MONTE_CARLO_TOO_COSTLY,
    MONTE_CARLO_TOO_LARGE,
    MarginError,
)
from margin.evaluate import Evaluation, Leg, exact, opening_evaluation
from margin.model import AccountSpec, to_decimal, with_margin_mode
from margin.venues import DEFAULT_VENUE, Venue, venue_named

# paths x steps per run: 10 million (10,000 paths x 1,000 steps) takes about 0.05 s for one symbol
# and 0.1 s for two on one core: the most a request may take. Memory stays bounded by the chunks.
MAX_PATH_STEPS = 10_000_000
# The work grows with the symbols too (one random walk per symbol): paths x steps x symbols is
# capped at two symbols' worth of the path-step cap, so 7 correlated symbols at 10,000 x 1,000
# (0.56 CPU-s a request, the security review's worst case) is refused with a message.
MAX_SYMBOL_PATH_STEPS = 2 * MAX_PATH_STEPS
MAX_PATHS = 100_000
# The default run: a day in 15-minute steps, 5,000 paths (a standard error under 0.7 percentage
# points), a few milliseconds per symbol so the API answers fast under load.
DEFAULT_HORIZON_HOURS = Decimal("24")
DEFAULT_STEP_MINUTES = Decimal("15")
DEFAULT_PATHS = 5_000
# floats per random-number chunk (steps x paths x symbols): bounds memory to tens of megabytes.
CHUNK_ELEMENTS = 2_000_000
MINUTES_PER_YEAR = 365 * 24 * 60
PERCENTILES = (1, 5, 25, 50, 75, 95, 99)
# Tiers further than this many standard deviations of the horizon from the start are ignored.
TIER_REACH_SIGMAS = 6

MONTE_CARLO_NOTES = (
    "Prices follow a driftless geometric Brownian motion, checked at the end of each step.",
    "Cross: the whole cross book is liquidated together when its margin balance falls to its "
    "maintenance margin.",
)


@dataclass(frozen=True)
class ModeRisk:
    """One margin mode's risk: probability the account (any position) is liquidated, per
    position, and the final equity's percentiles and mean (collateral currency)."""

    account_probability: float
    position_probability: dict[str, float]
    final_equity_percentiles: dict[int, float]
    mean_final_equity: float

    def standard_error(self, paths: int) -> float:
        p = self.account_probability
        return math.sqrt(p * (1 - p) / paths)


@dataclass(frozen=True)
class MonteCarloResult:
    venue: str
    paths: int
    steps: int
    seed: int
    step_years: float
    isolated: ModeRisk
    cross: ModeRisk
    notes: tuple[str, ...]


def _grid(horizon_hours: Decimal, step_minutes: Decimal, paths: int) -> int:
    if step_minutes < 1 or horizon_hours * 60 < step_minutes:
        raise MarginError(MONTE_CARLO_BAD_GRID, field="step_minutes")
    if not 1 <= paths <= MAX_PATHS:
        raise MarginError(MONTE_CARLO_BAD_PATHS.format(maximum=MAX_PATHS), field="paths")
    steps = int((horizon_hours * 60 / step_minutes).to_integral_value(rounding=ROUND_CEILING))
    if steps * paths > MAX_PATH_STEPS:
        raise MarginError(
            MONTE_CARLO_TOO_LARGE.format(path_steps=steps * paths, maximum=MAX_PATH_STEPS),
            field="paths",
        )
    return steps


def _check_cost(paths: int, steps: int, symbols: int) -> None:
    work = paths * steps * max(1, symbols)
    if work > MAX_SYMBOL_PATH_STEPS:
        raise MarginError(
            MONTE_CARLO_TOO_COSTLY.format(
                paths=paths,
                steps=steps,
                symbols=symbols,
                work=work,
                maximum=MAX_SYMBOL_PATH_STEPS,
            ),
            field="paths",
        )


def _volatilities(volatility: object, symbols: list[str]) -> np.ndarray:
    if isinstance(volatility, dict):
        values = [volatility.get(symbol) for symbol in symbols]
    else:
        values = [volatility] * len(symbols)
    result = []
    for value in values:
        if value is None:
            raise MarginError(MONTE_CARLO_BAD_VOLATILITY, field="volatility")
        number = to_decimal(value, field_name="volatility")
        if not 0 <= number <= 10:
            raise MarginError(MONTE_CARLO_BAD_VOLATILITY, field="volatility")
        result.append(float(number))
    return np.array(result)


def _cholesky(correlation: object, count: int) -> np.ndarray:
    rho = float(to_decimal(correlation, field_name="correlation"))
    matrix = np.full((count, count), rho)
    np.fill_diagonal(matrix, 1.0)
    if not -1 <= rho <= 1 or np.linalg.eigvalsh(matrix).min() < -1e-12:
        raise MarginError(MONTE_CARLO_BAD_CORRELATION, field="correlation")
    # a tiny ridge keeps the factorisation defined at correlation 1
    return np.linalg.cholesky(matrix + np.eye(count) * 1e-12)


@dataclass
class _CrossLeg:
    """A cross leg in floats: pnl and maintenance as functions of its symbol's price."""

    column: int
    inverse: bool
    sign: float
    size: float
    entry: float
    entry_value: float
    fixed_maintenance: float | None
    rates: np.ndarray
    amounts: np.ndarray

    def pnl(self, price: np.ndarray) -> np.ndarray:
        if self.inverse:
            return self.sign * self.size * (1.0 / self.entry - 1.0 / price)
        return self.sign * (self.entry_value / self.entry * price - self.entry_value)

    def maintenance(self, price: np.ndarray) -> np.ndarray:
        if self.fixed_maintenance is not None:
            return np.asarray(self.fixed_maintenance)  # 0-d: broadcasts like the scalar
        notional = self.size / price if self.inverse else self.entry_value / self.entry * price
        result: np.ndarray = notional * self.rates[0] - self.amounts[0]
        for rate, amount in zip(self.rates[1:], self.amounts[1:], strict=True):
            result = np.maximum(result, notional * rate - amount)
        return result


def _cross_leg(leg: Leg, column: int, venue: Venue, reach: float) -> _CrossLeg:
    # Bybit's fee to close at the bankruptcy price is a constant part of the maintenance
    close_fee = float(leg.close_fee)
    fixed = float(leg.fixed_maintenance) + close_fee if leg.fixed_maintenance is not None else None
    start_notional = leg.notional(leg.mark_price)
    low, high = float(start_notional) * math.exp(-reach), float(start_notional) * math.exp(reach)
    if fixed is None and venue.uses_maintenance_amount and len(leg.tiers) > 1:
        # max over tiers equals the bracket formula when cum makes it continuous (convex)
        chosen = [
            t
            for i, t in enumerate(leg.tiers)
            if (t.cap is None or float(t.cap) >= low)
            and (i == 0 or float(leg.tiers[i - 1].cap or 0) <= high)
        ]
    else:
        chosen = [leg.tier_at(start_notional)]
    return _CrossLeg(
        column=column,
        inverse=leg.inverse,
        sign=float(leg.sign),
        size=float(leg.size),
        entry=float(leg.entry_price),
        entry_value=float(leg.entry_value),
        fixed_maintenance=fixed,
        rates=np.array([float(t.rate) for t in chosen]),
        amounts=np.array([float(t.amount) - close_fee for t in chosen]),
    )


def _cross_health(
    log_moves: np.ndarray, start: np.ndarray, legs: list[_CrossLeg], wallet: float
) -> np.ndarray:
    """Cross margin balance minus maintenance margin at every step and path (float32), from
    log price moves shaped (steps, symbols, paths).

    Inside one tier each leg is linear in ``u`` (the price, or 1/price for inverse contracts):
    ``(a - b*MMR)*u + (c + cum)``; legs reaching more than one tier take the max over tiers.
    The linear parts of all legs are summed per symbol first, so a step costs one ``exp`` and
    one multiply-add per symbol."""
    constant = wallet
    slopes: dict[tuple[int, bool], float] = {}
    tiered: list[_CrossLeg] = []
    for leg in legs:
        a = -leg.sign * leg.size if leg.inverse else leg.sign * leg.entry_value / leg.entry
        c = leg.sign * leg.size / leg.entry if leg.inverse else -leg.sign * leg.entry_value
        constant += c
        key = (leg.column, leg.inverse)
        if leg.fixed_maintenance is not None:
            constant -= leg.fixed_maintenance
            slopes[key] = slopes.get(key, 0.0) + a
        elif len(leg.rates) == 1:
            b = leg.size if leg.inverse else leg.entry_value / leg.entry
            constant += float(leg.amounts[0])
            slopes[key] = slopes.get(key, 0.0) + a - b * float(leg.rates[0])
        else:
            slopes[key] = slopes.get(key, 0.0) + a
            tiered.append(leg)
    health = np.full((log_moves.shape[0], log_moves.shape[2]), constant, dtype=np.float32)
    for (column, inverse), slope in slopes.items():
        moves = log_moves[:, column, :]
        if inverse:
            u = np.exp(-moves) * np.float32(1.0 / start[column])
        else:
            u = np.exp(moves) * np.float32(start[column])
        health += np.float32(slope) * u
    for leg in tiered:
        price = np.exp(log_moves[:, leg.column, :]) * np.float32(start[leg.column])
        health -= leg.maintenance(price).astype(np.float32)
    return health


def _cross_health_lower_bound(
    low: np.ndarray, high: np.ndarray, start: np.ndarray, legs: list[_CrossLeg], wallet: float
) -> np.ndarray:
    """A lower bound of the cross health of each path over a stretch of steps in which each
    symbol's log move stayed within [low, high] (arrays shaped (symbols, paths)).

    Cross health is a sum over symbols of concave functions of each symbol's price (PnL is
    linear and maintenance, a max over tiers, convex in the price, or in 1/price for inverse
    contracts), so on a box of prices its minimum lies at a corner, and per symbol at one of the
    two ends. A path whose bound is positive cannot have been liquidated in that stretch."""
    bound = np.full(low.shape[1], wallet)
    for column in {leg.column for leg in legs}:
        ends: list[np.ndarray] = []
        for moves in (low[column], high[column]):
            price = start[column] * np.exp(moves.astype(np.float64))
            ends.append(
                np.asarray(
                    sum(
                        leg.pnl(price) - leg.maintenance(price)
                        for leg in legs
                        if leg.column == column
                    )
                )
            )
        bound += np.minimum(ends[0], ends[1])
    return bound


_scratch = threading.local()


def _scratch_float32(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A float32 array of ``shape`` on this thread's reusable scratch memory called ``name``
    (at most ``CHUNK_ELEMENTS`` floats, 8 MB, or one step of the widest run allowed). A fresh
    multi-megabyte array pays a page fault per page on first touch: that made the normals of a
    default-size API request 2.5 times slower than on memory already used. One run per thread
    at a time uses it, and nothing of it outlives the run."""
    size = math.prod(shape)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    buffer = buffers.get(name)
    if buffer is None or buffer.size < size:
        buffer = buffers[name] = np.empty(size, dtype=np.float32)
    scratch: np.ndarray = buffer[:size].reshape(shape)
    return scratch


def _standard_normals(
    rng: np.random.Generator, normals: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """Fill ``normals`` (steps, count, width) with normals of standard deviation ``scale`` by
    the Box-Muller transform in float32: about three times faster than numpy's ziggurat, which
    was the bulk of a run.

    Uniforms come straight from the generator's 64-bit words, two per word: 23 random bits
    under the exponent of 1.0 make a float32 in [1, 2) without a conversion pass. Each row of
    the paths takes its own words in order, so a run does not depend on how its steps are
    chunked. 23-bit uniforms cap |Z| at 5.65 (a tail of 2e-8)."""
    steps, count, width = normals.shape
    half = width // 2
    bits = rng.bit_generator.random_raw(steps * count * half).view(np.uint32)
    bits >>= np.uint32(9)
    bits |= np.uint32(0x3F800000)
    uniforms = bits.view(np.float32).reshape(steps, count, 2, half)  # in [1, 2)
    radius, angle = uniforms[:, :, 0, :], uniforms[:, :, 1, :]
    np.subtract(np.float32(2), radius, out=radius)  # (0, 1]: the log is finite
    np.log(radius, out=radius)
    radius *= np.float32(-2 * scale * scale)  # the scale for free: sqrt(-2 s**2 ln u) = s * r
    np.sqrt(radius, out=radius)
    angle *= np.float32(2 * math.pi)  # 2*pi*(u + 1): the same cosine and sine as 2*pi*u
    np.cos(angle, out=normals[:, :, :half])
    np.sin(angle, out=normals[:, :, half:])
    normals[:, :, :half] *= radius
    normals[:, :, half:] *= radius
    return normals


def _log_moves(
    normals: np.ndarray, factor: np.ndarray, drift: np.ndarray, scratch: np.ndarray
) -> None:
    """Turn independent normals into correlated log-price steps in place: row k becomes
    ``drift[k] + sum_j factor[k, j] * normals[j]`` (``factor``: the Cholesky factor scaled by
    each symbol's volatility, lower triangular, so going from the last row up reads only rows
    not yet overwritten)."""
    count = factor.shape[0]
    for k in reversed(range(count)):
        row = normals[:, k, :]
        row *= np.float32(factor[k, k])
        for j in range(k):
            np.multiply(normals[:, j, :], np.float32(factor[k, j]), out=scratch)
            row += scratch
        row += drift[k]


def _percentiles(values: np.ndarray) -> dict[int, float]:
    points = np.percentile(values, PERCENTILES)
    return {p: float(v) for p, v in zip(PERCENTILES, points, strict=True)}


@dataclass
class _Book:
    """What the paths are run against, read once from the exact engine: the symbols (one column
    each) and their start prices, the isolated legs with their log-price barriers (``ln(LP/P0)``,
    None without a liquidation price; True: liquidated before the first step), the cross legs
    in floats and the two wallets."""

    symbols: list[str]
    column: dict[str, int]
    start: np.ndarray
    barriers: list[tuple[Leg, float | None, bool]]
    cross_legs: list[Leg]
    cross_float: list[_CrossLeg]
    cross_wallet: float  # the all-cross account's cross wallet
    free_balance: float  # what the isolated margins leave of the wallet
    cross_alive: bool  # False: the cross book is already at its maintenance margin
    cross_balance: float  # the cross margin balance at the start (0 at least)


def _book(
    isolated: tuple[Evaluation, list[Leg]],
    cross: tuple[Evaluation, list[Leg]],
    symbols: list[str],
    rules: Venue,
    reach: float,
) -> _Book:
    """The account's exact evaluations all isolated and all cross (with their legs), as the
    floats the paths are checked against."""
    (isolated_eval, iso_legs), (cross_eval, cross_legs) = isolated, cross
    column = {symbol: i for i, symbol in enumerate(symbols)}
    start = np.array(
        [float(next(leg.mark_price for leg in iso_legs if leg.market.symbol == s)) for s in symbols]
    )
    # isolated: barriers in log-price space, relative to the start
    iso_results = {r.id: r for r in isolated_eval.positions}
    barriers = []
    for leg in iso_legs:
        price = iso_results[leg.id].liquidation_price
        already = iso_results[leg.id].status == "liquidated"
        level = math.log(float(price) / start[column[leg.market.symbol]]) if price else None
        barriers.append((leg, level, already))
    return _Book(
        symbols=symbols,
        column=column,
        start=start,
        barriers=barriers,
        cross_legs=cross_legs,
        cross_float=[
            _cross_leg(leg, column[leg.market.symbol], rules, reach) for leg in cross_legs
        ],
        cross_wallet=float(cross_eval.account.cross_wallet_balance),
        free_balance=float(isolated_eval.account.cross_wallet_balance),
        cross_alive=not any(p.status == "liquidated" for p in cross_eval.positions),
        cross_balance=max(0.0, float(cross_eval.account.cross_margin_balance)),
    )


@dataclass
class _Paths:
    """Per symbol and path: the log move since the start and its running extremes; per path,
    whether the cross book is still open and, once it is not, what it had left."""

    x: np.ndarray
    running_min: np.ndarray
    running_max: np.ndarray
    cross_alive: np.ndarray
    cross_left: np.ndarray


@dataclass(frozen=True)
class _Walk:
    """The random walk's parameters: per-step drift and the correlated scale (``factor``), the
    six-sigma reach of the horizon, and the grid."""

    drift: np.ndarray
    factor: np.ndarray
    reach: float
    steps: int
    paths: int


def _walk_paths(book: _Book, walk: _Walk, seed: int) -> _Paths:
    """Run every path through the steps in chunks of random numbers, keeping each symbol's
    running extremes (the isolated barriers are checked against them at the end) and checking
    the cross book at the end of each step where its bound cannot clear it."""
    count, paths, steps = len(book.symbols), walk.paths, walk.steps
    # SFC64: the fastest of numpy's bit generators, seeded for reproducible runs
    rng = np.random.Generator(np.random.SFC64(seed))
    width = 2 * ((paths + 1) // 2)  # Box-Muller pairs: one spare column when paths is odd
    state = _Paths(
        x=np.zeros((count, width), dtype=np.float32),
        running_min=np.zeros((count, width), dtype=np.float32),
        running_max=np.zeros((count, width), dtype=np.float32),
        # a cross book already at its maintenance margin is liquidated before the first step
        cross_alive=np.full(paths, book.cross_alive),
        cross_left=np.full(paths, book.cross_balance),
    )
    # Screen bounds are in float64, the exact check in float32: leave a margin for rounding.
    screen_margin = (
        1e-4
        * math.exp(walk.reach)
        * (abs(book.cross_wallet) + sum(abs(leg.entry_value) for leg in book.cross_float))
    )
    chunk = min(steps, max(1, CHUNK_ELEMENTS // (width * count)))
    normals = _scratch_float32("normals", (chunk, count, width))
    scratch = _scratch_float32("correlation", (chunk if count > 1 else 0, width))
    done = 0
    while done < steps:
        size = min(chunk, steps - done)
        if count == 1:  # no correlation to apply: the normals come out scaled, add the drift
            moves = _standard_normals(rng, normals[:size], scale=float(walk.factor[0, 0]))
            moves += walk.drift[0]
        else:
            moves = _standard_normals(rng, normals[:size])
            _log_moves(moves, walk.factor, walk.drift, scratch[:size])
        # a row-by-row running sum: several times faster than np.cumsum along the first axis
        moves[0] += state.x
        for row in range(1, size):
            np.add(moves[row], moves[row - 1], out=moves[row])
        state.x = moves[-1].copy()
        low, high = moves.min(axis=0), moves.max(axis=0)
        np.minimum(state.running_min, low, out=state.running_min)
        np.maximum(state.running_max, high, out=state.running_max)
        if book.cross_float and state.cross_alive.any():
            _check_cross(book, state, moves, low[:, :paths], high[:, :paths], screen_margin)
        done += size
    return state


def _check_cross(
    book: _Book,
    state: _Paths,
    moves: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    screen_margin: float,
) -> None:
    """Close the cross book on the paths of this chunk where its margin balance reaches its
    maintenance margin (``_cross_health`` <= 0) at the end of a step, keeping what it had left
    (margin balance = health + maintenance at that step's prices). Only paths the lower bound
    cannot clear get the step-by-step check (and its exp)."""
    bound = _cross_health_lower_bound(low, high, book.start, book.cross_float, book.cross_wallet)
    idx = np.nonzero(state.cross_alive & (bound <= screen_margin))[0]
    if not idx.size:
        return
    suspect = moves[:, :, idx]
    health = _cross_health(suspect, book.start, book.cross_float, book.cross_wallet)
    breached = health <= 0
    hit = breached.any(axis=0)
    if not hit.any():
        return
    which = np.nonzero(hit)[0]
    first = breached[:, which].argmax(axis=0)
    balance = health[first, which].astype(np.float64)
    for cross_leg in book.cross_float:
        moved = suspect[first, cross_leg.column, which].astype(float)
        price = book.start[cross_leg.column] * np.exp(moved)
        balance = balance + np.broadcast_to(cross_leg.maintenance(price), balance.shape)
    state.cross_left[idx[which]] = np.maximum(balance, 0.0)
    state.cross_alive[idx[which]] = False


def _isolated_risk(
    book: _Book, state: _Paths, final_price: np.ndarray, rules: Venue, reach: float
) -> ModeRisk:
    """All isolated: a position is liquidated on a path whose running extreme crossed its
    barrier (a long's minimum, a short's maximum); equity = free balance + each survivor's
    margin and PnL at the final price."""
    paths = final_price.shape[0]
    running_min, running_max = state.running_min[:, :paths].T, state.running_max[:, :paths].T
    position_probability: dict[str, float] = {}
    any_liquidated = np.zeros(paths, dtype=bool)
    iso_equity = np.full(paths, book.free_balance)
    for leg, level, already in book.barriers:
        col = book.column[leg.market.symbol]
        if already:
            hit = np.ones(paths, dtype=bool)
        elif level is None:
            hit = np.zeros(paths, dtype=bool)
        elif leg.sign > 0:  # a long (linear or inverse) is liquidated as the price falls
            hit = running_min[:, col] <= level
        else:
            hit = running_max[:, col] >= level
        position_probability[leg.id] = float(hit.mean())
        any_liquidated |= hit
        margin = float(leg.isolated_margin or 0)
        pnl = _cross_leg(leg, col, rules, reach).pnl(final_price[:, col])
        iso_equity += np.where(hit, 0.0, margin + pnl)
    return ModeRisk(
        account_probability=float(any_liquidated.mean()),
        position_probability=position_probability,
        final_equity_percentiles=_percentiles(iso_equity),
        mean_final_equity=float(iso_equity.mean()),
    )


def _cross_risk(book: _Book, state: _Paths, final_price: np.ndarray) -> ModeRisk:
    """All cross: the book goes as one; equity = cross wallet + every PnL at the final price on
    the paths where it survived, what it had left where it did not."""
    cross_equity = np.full(final_price.shape[0], book.cross_wallet)
    for cross_leg in book.cross_float:
        cross_equity += cross_leg.pnl(final_price[:, cross_leg.column])
    cross_equity = np.where(state.cross_alive, cross_equity, state.cross_left)
    cross_probability = float((~state.cross_alive).mean())
    return ModeRisk(
        account_probability=cross_probability,
        position_probability={leg.id: cross_probability for leg in book.cross_legs},
        final_equity_percentiles=_percentiles(cross_equity),
        mean_final_equity=float(cross_equity.mean()),
    )


@exact
def run_monte_carlo(
    account: AccountSpec,
    *,
    volatility: object = Decimal("0.6"),
    correlation: object = Decimal("0.8"),
    horizon_hours: object = DEFAULT_HORIZON_HOURS,
    step_minutes: object = DEFAULT_STEP_MINUTES,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    venue: str | Venue = DEFAULT_VENUE,
) -> MonteCarloResult:
    """Simulate ``paths`` seeded price paths over ``horizon_hours`` in steps of ``step_minutes``
    and report the liquidation risk of ``account`` all isolated vs all cross (see module)."""
    rules = venue_named(venue)
    horizon = to_decimal(horizon_hours, field_name="horizon_hours")
    step = to_decimal(step_minutes, field_name="step_minutes")
    steps = _grid(horizon, step, paths)
    _check_cost(paths, steps, len({position.symbol for position in account.positions}))
    dt = float(step) / MINUTES_PER_YEAR
    # each mode evaluated exactly once (``evaluate``'s rules apply), the isolated one first
    isolated_eval, iso_legs, _ = opening_evaluation(with_margin_mode(account, "isolated"), rules)
    cross_eval, cross_legs, _ = opening_evaluation(with_margin_mode(account, "cross"), rules)
    symbols = list(dict.fromkeys(leg.market.symbol for leg in iso_legs))
    sigma = _volatilities(volatility, symbols)
    chol = _cholesky(correlation, len(symbols))
    walk = _Walk(
        drift=(-0.5 * sigma**2 * dt).astype(np.float32),
        factor=sigma[:, None] * math.sqrt(dt) * chol,
        reach=TIER_REACH_SIGMAS * float(sigma.max()) * math.sqrt(dt * steps),
        steps=steps,
        paths=paths,
    )
    book = _book((isolated_eval, iso_legs), (cross_eval, cross_legs), symbols, rules, walk.reach)
    state = _walk_paths(book, walk, seed)
    final_price = book.start * np.exp(state.x[:, :paths].T.astype(np.float64))
    return MonteCarloResult(
        venue=rules.name,
        paths=paths,
        steps=steps,
        seed=seed,
        step_years=dt,
        isolated=_isolated_risk(book, state, final_price, rules, walk.reach),
        cross=_cross_risk(book, state, final_price),
        notes=MONTE_CARLO_NOTES,
    )
