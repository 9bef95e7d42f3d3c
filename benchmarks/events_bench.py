"""Recorded-event replay benchmark: a 1-minute day for 8 positions, isolated and cross.

    .venv/bin/python -m benchmarks.events_bench     # 7 rounds, pinned to one core

The budget (issue 21): replaying a 1-minute day (1,440 candles, 5,760 path points with each
candle's high and low) for 8 positions in both margin modes in at most 150 ms in-process. The
table gives the median per replay for two books on the May 2021 crash (BTC, ETH and SOL spot,
1-minute): one where several positions are liquidated, one where none is, and, for reference,
the same first book walked through the exact engine at every one of the 5,760 points (what the
float screen in ``margin.events`` saves). Candle loading is cached in the application, so it
is outside the timing, as on the site.
"""

import argparse
import os
import sys
import time
from decimal import Decimal

if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})

from benchmarks.machine import describe_machine, median  # noqa: E402
from margin import AccountSpec, MarginMode, PositionSpec, Side, replay, with_margin_mode  # noqa: E402
from margin.event_catalog import EVENTS, load_track  # noqa: E402
from margin.events import replay_recorded  # noqa: E402

BUDGET_SECONDS = 0.150
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")


def eight_positions(*, leverages: tuple[str, ...], wallet: int, hedged: bool = True) -> AccountSpec:
    """Eight positions over BTC, ETH and SOL, longs and shorts, at the given leverages."""
    positions = tuple(
        PositionSpec(
            id=chr(ord("A") + i),
            symbol=SYMBOLS[i % 3],
            side=Side.LONG if i % 2 == 0 or not hedged else Side.SHORT,
            margin_mode=MarginMode.ISOLATED,
            entry_price=Decimal(1),
            notional=Decimal(2000 + 500 * i),
            leverage=Decimal(leverages[i]),
        )
        for i in range(8)
    )
    return AccountSpec(wallet_balance=Decimal(wallet), positions=positions)


LIQUIDATING = eight_positions(leverages=("10", "3", "8", "4", "12", "2", "6", "5"), wallet=7000)
ALL_LONG = eight_positions(leverages=("5",) * 8, wallet=10000, hedged=False)
SURVIVING = eight_positions(leverages=("2", "2", "1.5", "2", "2", "1.5", "2", "2"), wallet=20000)


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    series = load_track(EVENTS["may-2021-crash"], "last-1m")
    candles = len(next(iter(series.values())).candles)
    first = replay_recorded(LIQUIDATING, series)
    opened = AccountSpec(
        wallet_balance=LIQUIDATING.wallet_balance,
        positions=tuple(
            PositionSpec(**{**p.__dict__, "entry_price": first.entry_prices[p.symbol]})
            for p in LIQUIDATING.positions
        ),
    )
    every_point = [first.path.marks(i) for i in range(first.path.length)]
    # The module, not margin.replay (the function margin re-exports), through its __dict__.
    sys.modules["margin.replay"].__dict__["MAX_REPLAY_STEPS"] = len(every_point)
    samples: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        samples.setdefault("liquidating", []).append(
            seconds(lambda: replay_recorded(LIQUIDATING, series))
        )
        samples.setdefault("all long", []).append(
            seconds(lambda: replay_recorded(ALL_LONG, series))
        )
        samples.setdefault("surviving", []).append(
            seconds(lambda: replay_recorded(SURVIVING, series))
        )
        samples.setdefault("every point", []).append(
            seconds(
                lambda: [
                    replay(
                        with_margin_mode(opened, mode),
                        every_point,
                        funding_rate=0,
                        taker_fee_rate=0,
                    )
                    for mode in ("isolated", "cross")
                ]
            )
        )
    print(describe_machine(rounds=args.rounds, cores_used=1))
    print(
        f"\nMay 2021 crash, {candles} one-minute candles, {first.path.length} path points, "
        "8 positions, isolated + cross\n"
    )
    print("| replay | median | budget |\n|---|---|---|")

    def counts(result) -> str:
        return (
            f"isolated: {len(result.isolated.liquidated)} liquidated, "
            f"cross: {len(result.cross.liquidated)}"
        )

    rows = (
        ("liquidating", f"screened ({counts(first)})"),
        ("all long", f"screened, all long ({counts(replay_recorded(ALL_LONG, series))})"),
        ("surviving", f"screened ({counts(replay_recorded(SURVIVING, series))})"),
        ("every point", "every point through the exact engine (reference, first book)"),
    )
    for key, label in rows:
        value = median(samples[key])
        verdict = "within" if value <= BUDGET_SECONDS else "over"
        print(f"| {label} | {value * 1000:,.1f} ms | {verdict} 150 ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
