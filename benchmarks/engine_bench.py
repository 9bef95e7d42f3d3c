"""Engine benchmark: per-call costs of the margin engine and the Monte Carlo's speed, as ratios.

    .venv/bin/python -m benchmarks.engine_bench     # 5 interleaved rounds, pinned to one core

Measured in one run, interleaved (each round measures everything once; the table gives medians):
- a full evaluation of worked example W4 (two isolated positions);
- an 8-position cross account (eight liquidation-price solves against one shared balance);
- the isolated-vs-cross comparison the simulator page computes for W4 with BTC -12%;
- Monte Carlo: 10,000 paths x 1,000 steps, isolated and cross on the same paths, in path-steps per
  second on one core, and its ratio to a plain-Python loop doing the same per-step work (a price
  step from a normal draw and a liquidation check per mode) on a smaller sample; for one symbol
  and for W4's two correlated symbols, each against a loop over as many symbols.
"""

import argparse
import math
import os
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
    compare_modes,
    evaluate,
    with_margin_mode,
)
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
                side="long",
                margin_mode="isolated",
                entry_price=Decimal("65000"),
                notional=Decimal("10000"),
                leverage=Decimal("10"),
            ),
            PositionSpec(
                id="B",
                symbol="ETHUSDT",
                side="long",
                margin_mode="isolated",
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
                side=side,
                margin_mode="cross",
                entry_price=Decimal(entry),
                notional=Decimal(notional),
                leverage=Decimal(leverage),
            )
            for index, (symbol, side, entry, notional, leverage) in enumerate(EIGHT_CROSS)
        ),
    )


def per_call_seconds(function, *, budget: float = 0.5) -> float:
    """Seconds per call: as many calls as fit in the budget, at least 20."""
    function()  # warm-up
    calls, started = 0, time.perf_counter()
    while calls < 20 or time.perf_counter() - started < budget:
        function()
        calls += 1
    return (time.perf_counter() - started) / calls


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    args = parser.parse_args(argv)
    if args.rounds < 3:
        sys.exit("use at least 3 rounds: the table reports medians")

    w4_account, eight, single = w4(), eight_cross(), one_symbol_account()
    shocks = {"BTCUSDT": Decimal("-0.12")}
    samples: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, function in (
            ("W4 evaluation", lambda: evaluate(w4_account)),
            ("8-position cross evaluation", lambda: evaluate(eight)),
            ("W4 isolated vs cross comparison", lambda: compare_modes(w4_account, shocks=shocks)),
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
    print("\n| engine call | per call | ratio to W4 evaluation |\n|---|---|---|")
    for name in (
        "W4 evaluation",
        "8-position cross evaluation",
        "W4 isolated vs cross comparison",
    ):
        seconds = median(samples[name])
        print(f"| {name} | {seconds * 1e6:,.0f} µs | {seconds / baseline:.2f}x |")

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
