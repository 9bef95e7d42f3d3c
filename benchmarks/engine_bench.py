"""Engine benchmark: per-call costs of the margin engine and the Monte Carlo's speed, as ratios.

    .venv/bin/python -m benchmarks.engine_bench     # 5 interleaved rounds, pinned to one core
    .venv/bin/python -m benchmarks.engine_bench --profile 25   # where the engine's time goes

Measured in one run, interleaved (each round measures everything once; the table gives medians):
- a full evaluation of worked example W4 (two isolated positions);
- an 8-position cross account (eight liquidation-price solves against one shared balance);
- the isolated-vs-cross comparison the simulator page computes for W4 with BTC -12%, and W4's
  evaluation and that comparison together (what a recalculation asks of the engine);
- the floor: the same W4 figures (margins, liquidation and bankruptcy prices in both modes, who is
  liquidated by the shock and the equity after) in plain-Python floats, checked against the
  engine's, as the least any implementation of these formulas can cost here;
- Monte Carlo: 10,000 paths x 1,000 steps, isolated and cross on the same paths, in path-steps per
  second on one core, and its ratio to a plain-Python loop doing the same per-step work (a price
  step from a normal draw and a liquidation check per mode) on a smaller sample; for one symbol
  and for W4's two correlated symbols, each against a loop over as many symbols.
"""

import argparse
import cProfile
import math
import os
import pstats
import random
import sys
import time
from decimal import Decimal

# One core: pin the process and keep numpy's BLAS single-threaded before numpy is imported.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})

from benchmarks.machine import describe_machine, median  # noqa: E402
from margin import (  # noqa: E402
    AccountSpec,
    MarginMode,
    PositionSpec,
    Side,
    compare_modes,
    evaluate,
    with_margin_mode,
)
from margin.markets import market_for  # noqa: E402
from margin.montecarlo import run_monte_carlo  # noqa: E402

MC_PATHS, MC_STEPS = 10_000, 1_000
PYTHON_LOOP_PATHS = 100  # x 1,000 steps: the plain-Python reference, on a smaller sample
VOLATILITY = 0.6
CORRELATION = 0.8  # run_monte_carlo's default, which the two-symbol run uses
MINUTES_PER_YEAR = 365 * 24 * 60


def w4() -> AccountSpec:
    """Worked example W4: $5,000; A long BTC $10,000 at 10x, B long ETH $2,500 at 5x, isolated."""
    return AccountSpec(
        wallet_balance=Decimal("5000"),
        positions=(
            PositionSpec(
                id="A",
                symbol="BTCUSDT",
                side=Side.LONG,
                margin_mode=MarginMode.ISOLATED,
                entry_price=Decimal("65000"),
                notional=Decimal("10000"),
                leverage=Decimal("10"),
            ),
            PositionSpec(
                id="B",
                symbol="ETHUSDT",
                side=Side.LONG,
                margin_mode=MarginMode.ISOLATED,
                entry_price=Decimal("3400"),
                notional=Decimal("2500"),
                leverage=Decimal("5"),
            ),
        ),
    )


EIGHT_CROSS = (
    # symbol, side, entry, notional, leverage
    ("BTCUSDT", "long", "65000", "20000", "10"),
    ("ETHUSDT", "short", "3400", "8000", "10"),
    ("SOLUSDT", "long", "185", "3000", "5"),
    ("BNBUSDT", "long", "600", "2000", "5"),
    ("XRPUSDT", "short", "0.6", "1500", "5"),
    ("DOGEUSDT", "long", "0.15", "1000", "5"),
    ("ADAUSDT", "short", "0.45", "1000", "5"),
    ("BTCUSDT", "long", "64000", "5000", "10"),
)


def eight_cross() -> AccountSpec:
    return AccountSpec(
        wallet_balance=Decimal("20000"),
        positions=tuple(
            PositionSpec(
                id=f"P{index}",
                symbol=symbol,
                side=Side(side),
                margin_mode=MarginMode.CROSS,
                entry_price=Decimal(entry),
                notional=Decimal(notional),
                leverage=Decimal(leverage),
            )
            for index, (symbol, side, entry, notional, leverage) in enumerate(EIGHT_CROSS)
        ),
    )


def per_call_seconds(function, *, budget: float = 0.5) -> float:
    """CPU seconds per call (the process's, so other work on a shared machine does not count):
    as many calls as fit in the budget, at least 20."""
    function()  # warm-up
    calls, started = 0, time.process_time()
    while calls < 20 or time.process_time() - started < budget:
        function()
        calls += 1
    return (time.process_time() - started) / calls


def one_symbol_account() -> AccountSpec:
    account = w4()
    return AccountSpec(wallet_balance=account.wallet_balance, positions=account.positions[:1])


def monte_carlo_seconds(account: AccountSpec) -> float:
    """10,000 paths x 1,000 five-minute steps, isolated and cross on the same paths."""
    started = time.perf_counter()
    result = run_monte_carlo(
        account,
        paths=MC_PATHS,
        horizon_hours=Decimal(MC_STEPS * 5) / 60,
        step_minutes="5",
        volatility=Decimal(str(VOLATILITY)),
        seed=1,
    )
    elapsed = time.perf_counter() - started
    assert result.steps == MC_STEPS
    assert result.paths == MC_PATHS
    return elapsed


def python_loop_path_steps_per_second(account: AccountSpec) -> float:
    """The engine's per-step work in plain Python, for one linear position: a normal draw, the
    log-price step, the isolated check against the liquidation price (as a log-space barrier) and
    the cross check of margin balance against maintenance margin at the new price."""
    (position,) = evaluate(account).positions
    assert position.liquidation_price is not None  # an isolated position has one
    isolated_barrier = math.log(float(position.liquidation_price) / float(position.mark_price))
    cross = evaluate(with_margin_mode(account, MarginMode.CROSS))
    quantity, entry = float(position.quantity), float(position.mark_price)
    wallet = float(cross.account.cross_wallet_balance)
    rate = float(position.maintenance_margin_rate)
    amount = float(position.maintenance_amount)
    dt = 5 / MINUTES_PER_YEAR
    drift, scale = -0.5 * VOLATILITY**2 * dt, VOLATILITY * math.sqrt(dt)
    rng = random.Random(1)
    liquidated = [0, 0]
    started = time.perf_counter()
    for _ in range(PYTHON_LOOP_PATHS):
        log_move, isolated_alive, cross_alive = 0.0, True, True
        for _ in range(MC_STEPS):
            log_move += drift + scale * rng.gauss(0.0, 1.0)
            if isolated_alive and log_move <= isolated_barrier:
                isolated_alive = False
                liquidated[0] += 1
            if cross_alive:
                price = entry * math.exp(log_move)
                balance = wallet + quantity * (price - entry)
                if balance <= quantity * price * rate - amount:
                    cross_alive = False
                    liquidated[1] += 1
    elapsed = time.perf_counter() - started
    return PYTHON_LOOP_PATHS * MC_STEPS / elapsed


def python_loop_two_symbols_path_steps_per_second(account: AccountSpec) -> float:
    """The same per-step work for two linear positions on correlated symbols (W4): two normal
    draws, the correlated log-price steps, two isolated barrier checks and the cross check of
    the shared balance against both maintenance margins at the new prices."""
    first, second = evaluate(account).positions
    assert first.liquidation_price is not None  # isolated positions have one
    assert second.liquidation_price is not None
    barrier_1 = math.log(float(first.liquidation_price) / float(first.mark_price))
    barrier_2 = math.log(float(second.liquidation_price) / float(second.mark_price))
    cross = evaluate(with_margin_mode(account, MarginMode.CROSS))
    quantity_1, entry_1 = float(first.quantity), float(first.mark_price)
    quantity_2, entry_2 = float(second.quantity), float(second.mark_price)
    rate_1, amount_1 = float(first.maintenance_margin_rate), float(first.maintenance_amount)
    rate_2, amount_2 = float(second.maintenance_margin_rate), float(second.maintenance_amount)
    wallet = float(cross.account.cross_wallet_balance)
    dt = 5 / MINUTES_PER_YEAR
    drift, scale = -0.5 * VOLATILITY**2 * dt, VOLATILITY * math.sqrt(dt)
    # the Cholesky factor of [[1, rho], [rho, 1]]
    mix_1, mix_2 = scale * CORRELATION, scale * math.sqrt(1 - CORRELATION**2)
    rng = random.Random(1)
    liquidated = [0, 0]
    started = time.perf_counter()
    for _ in range(PYTHON_LOOP_PATHS):
        move_1 = move_2 = 0.0
        alive_1 = alive_2 = cross_alive = True
        for _ in range(MC_STEPS):
            z_1, z_2 = rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)
            move_1 += drift + scale * z_1
            move_2 += drift + mix_1 * z_1 + mix_2 * z_2
            if alive_1 and move_1 <= barrier_1:
                alive_1 = False
                liquidated[0] += 1
            if alive_2 and move_2 <= barrier_2:
                alive_2 = False
                liquidated[0] += 1
            if cross_alive:
                price_1, price_2 = entry_1 * math.exp(move_1), entry_2 * math.exp(move_2)
                balance = (
                    wallet + quantity_1 * (price_1 - entry_1) + quantity_2 * (price_2 - entry_2)
                )
                maintenance = (
                    quantity_1 * price_1 * rate_1
                    - amount_1
                    + quantity_2 * price_2 * rate_2
                    - amount_2
                )
                if balance <= maintenance:
                    cross_alive = False
                    liquidated[1] += 1
    elapsed = time.perf_counter() - started
    return PYTHON_LOOP_PATHS * MC_STEPS / elapsed


def float_inputs(
    account: AccountSpec,
) -> list[tuple[float, float, float, float, tuple[float, float], str]]:
    """(sign, quantity, entry, initial margin, (MMR, cum) of the entry bracket, symbol) per
    position, read once from the engine's market data: what a float engine would hold."""
    rows = []
    for spec in account.positions:
        assert spec.notional is not None  # the benchmark accounts are sized by notional
        bracket = market_for(spec.symbol).table.bracket_for(spec.notional)
        rows.append(
            (
                1.0 if spec.side == "long" else -1.0,
                float(spec.notional / spec.entry_price),
                float(spec.entry_price),
                float(spec.notional / spec.leverage),
                (float(bracket.maintenance_margin_rate), float(bracket.maintenance_amount)),
                spec.symbol,
            )
        )
    return rows


def float_w4(rows, wallet: float, shocks: dict[str, float]) -> dict:
    """W4's figures in floats, for linear positions whose liquidation stays in the entry bracket
    (true for W4): per position the initial and maintenance margins and the liquidation and
    bankruptcy prices, isolated and cross; under the shocks, who is liquidated in each mode and
    the equity after. Solves ``base + s*Q*(P - E) = Q*P*r - cum`` for P."""
    isolated, cross = [], []
    mms = [q * e * r - cum for _, q, e, _, (r, cum), _ in rows]
    for index, (s, q, e, im, (r, cum), _) in enumerate(rows):
        other_mm = sum(mms) - mms[index]
        isolated.append(((s * q * e - im - cum) / (q * (s - r)), e - im / (s * q)))
        base = wallet - other_mm
        cross.append(((s * q * e - base - cum) / (q * (s - r)), e - wallet / (s * q)))
    marks = [e * (1 + shocks.get(symbol, 0.0)) for _, _, e, _, _, symbol in rows]
    pnls = [s * q * (m - e) for (s, q, e, _, _, _), m in zip(rows, marks, strict=True)]
    moved_mms = [q * m * r - cum for (_, q, _, _, (r, cum), _), m in zip(rows, marks, strict=True)]
    gone = [
        im + pnl <= mm for (_, _, _, im, _, _), pnl, mm in zip(rows, pnls, moved_mms, strict=True)
    ]
    cross_wallet = wallet - sum(row[3] for row in rows)
    isolated_equity = cross_wallet + sum(
        row[3] + pnl for row, pnl, lost in zip(rows, pnls, gone, strict=True) if not lost
    )
    cross_gone = wallet + sum(pnls) <= sum(moved_mms)
    return {
        "initial": [row[3] for row in rows],
        "maintenance": mms,
        "isolated": isolated,
        "cross": cross,
        "isolated_liquidated": [row[5] for row, lost in zip(rows, gone, strict=True) if lost],
        "isolated_equity": isolated_equity,
        "cross_liquidated": cross_gone,
        "cross_equity": wallet + sum(pnls),
    }


def check_float_w4(account: AccountSpec, shocks: dict[str, Decimal]) -> None:
    """The float figures are the engine's to 1e-9 (relative): the floor computes the same thing."""
    rows = float_inputs(account)
    floats = float_w4(rows, float(account.wallet_balance), {k: float(v) for k, v in shocks.items()})
    engine = compare_modes(account, shocks=shocks)
    pairs = []
    for index, position in enumerate(engine.isolated.evaluation.positions):
        crossed = engine.cross.evaluation.positions[index]
        pairs += [
            (floats["initial"][index], position.initial_margin),
            (floats["maintenance"][index], position.maintenance_margin),
            (floats["isolated"][index][0], position.liquidation_price),
            (floats["isolated"][index][1], position.bankruptcy_price),
            (floats["cross"][index][0], crossed.liquidation_price),
            (floats["cross"][index][1], crossed.bankruptcy_price),
        ]
    pairs += [
        (floats["isolated_equity"], engine.isolated.equity_after),
        (floats["cross_equity"], engine.cross.equity_after),
    ]
    for got, expected in pairs:
        if expected is None:  # no positive price solves it: the float formula goes negative
            assert got <= 0, got
        else:
            assert math.isclose(got, float(expected), rel_tol=1e-9), (got, expected)
    symbols = {p.id: p.symbol for p in account.positions}
    assert floats["isolated_liquidated"] == [symbols[i] for i in engine.isolated.liquidated]
    assert floats["cross_liquidated"] == bool(engine.cross.liquidated)


def profile(top: int, calls: int = 300) -> None:
    """cProfile of the two targets' loops (W4 evaluation + comparison; the 8-position cross
    evaluation): the ``top`` entries by own time, to see where the engine's time goes."""
    w4_account, eight = w4(), eight_cross()
    shocks = {"BTCUSDT": Decimal("-0.12")}
    for label, function in (
        (
            "W4 evaluation + comparison",
            lambda: (evaluate(w4_account), compare_modes(w4_account, shocks=shocks)),
        ),
        ("8-position cross evaluation", lambda: evaluate(eight)),
    ):
        function()  # warm-up
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            function()
        profiler.disable()
        print(f"\n{label}, {calls} calls, by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="print the top N of a cProfile instead"
    )
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile)
        return 0
    if args.rounds < 3:
        sys.exit("use at least 3 rounds: the table reports medians")

    w4_account, eight, single = w4(), eight_cross(), one_symbol_account()
    shocks = {"BTCUSDT": Decimal("-0.12")}
    check_float_w4(w4_account, shocks)
    rows, float_shocks = float_inputs(w4_account), {"BTCUSDT": -0.12}
    samples: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, function in (
            ("W4 evaluation", lambda: evaluate(w4_account)),
            ("8-position cross evaluation", lambda: evaluate(eight)),
            ("W4 isolated vs cross comparison", lambda: compare_modes(w4_account, shocks=shocks)),
            (
                "W4 evaluation + comparison (a recalculation's engine work)",
                lambda: (evaluate(w4_account), compare_modes(w4_account, shocks=shocks)),
            ),
            (
                "floor: the same W4 figures in plain-Python floats",
                lambda: float_w4(rows, 5000.0, float_shocks),
            ),
        ):
            samples.setdefault(name, []).append(per_call_seconds(function))
        samples.setdefault("mc1", []).append(monte_carlo_seconds(single))
        samples.setdefault("mc2", []).append(monte_carlo_seconds(w4_account))
        samples.setdefault("python", []).append(python_loop_path_steps_per_second(single))
        samples.setdefault("python2", []).append(
            python_loop_two_symbols_path_steps_per_second(w4_account)
        )

    print(describe_machine(rounds=args.rounds, cores_used=1, threads="OMP/BLAS=1"))
    baseline = median(samples["W4 evaluation"])
    floor = median(samples["floor: the same W4 figures in plain-Python floats"])
    print(
        "\n| engine call | per call | ratio to W4 evaluation | ratio to the float floor | target |"
        "\n|---|---|---|---|---|"
    )
    for name, target in (
        ("W4 evaluation", None),
        ("8-position cross evaluation", 250),
        ("W4 isolated vs cross comparison", None),
        ("W4 evaluation + comparison (a recalculation's engine work)", 300),
        ("floor: the same W4 figures in plain-Python floats", None),
    ):
        seconds = median(samples[name])
        goal = ""
        if target is not None:
            goal = f"<= {target} µs " + ("met" if seconds * 1e6 <= target else "**not met**")
        print(
            f"| {name} | {seconds * 1e6:,.1f} µs | {seconds / baseline:.2f}x"
            f" | {seconds / floor:,.0f}x | {goal} |"
        )

    path_steps = MC_PATHS * MC_STEPS
    one, two = median(samples["mc1"]), median(samples["mc2"])
    python_one, python_two = median(samples["python"]), median(samples["python2"])
    print(
        "\n| Monte Carlo, 10,000 paths x 1,000 steps, isolated + cross | seconds"
        " | path-steps/s | ratio to plain-Python loop |\n|---|---|---|---|"
    )
    print(
        f"| one symbol (W4's BTC position) | {one:.3f} | {path_steps / one / 1e6:,.1f} M"
        f" | {path_steps / one / python_one:,.0f}x |"
    )
    print(
        f"| two symbols, correlated (W4) | {two:.3f} | {path_steps / two / 1e6:,.1f} M"
        f" | {path_steps / two / python_two:,.0f}x |"
    )
    for label, rate in (("one symbol", python_one), ("two symbols", python_two)):
        print(
            f"| plain-Python loop, {label} ({PYTHON_LOOP_PATHS} paths, same per-step work) | -"
            f" | {rate / 1e6:,.2f} M | 1x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
