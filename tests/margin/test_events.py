"""Recorded crash replays: the shipped events, wicks, mark vs last price, and the exact engine."""

import importlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from margin import MarginMode, replay, with_margin_mode
from margin.candles import parse_candles
from margin.errors import MarginError
from margin.event_catalog import DATA_DIR, EVENTS, MARK, load_track
from margin.events import (
    NO_SERIES_FOR,
    compare_price_rules,
    price_path,
    replay_recorded,
)
from tests.margin.factories import account, position

EVENT_TRACKS = [(event.slug, track.id) for event in EVENTS.values() for track in event.tracks]


def test_nine_events_are_shipped_and_every_file_is_used():
    assert len(EVENTS) == 9
    used = {name for event in EVENTS.values() for t in event.tracks for name in t.files.values()}
    assert used == {path.name for path in DATA_DIR.glob("*.csv")}
    assert sum(path.stat().st_size for path in DATA_DIR.glob("*.csv")) < 3_000_000


@pytest.mark.parametrize(("slug", "track_id"), EVENT_TRACKS)
def test_each_shipped_event_loads_and_replays(slug, track_id):
    event = EVENTS[slug]
    series = load_track(event, track_id)
    assert series, "a track has series"
    for candles in series.values():
        assert candles.gaps == ()  # the curated windows have no missing bars
        assert len(candles.candles) >= 48
    positions = [
        position(id=f"L{i}", symbol=symbol, notional="1000", leverage="5", entry_price="1")
        for i, symbol in enumerate(series)
    ]
    result = replay_recorded(account(*positions, wallet="10000"), series)
    times = result.path.times
    assert len(times) == min(len(c.candles) for c in series.values())
    for mode in result.modes:
        assert len(mode.equity) == result.path.length == 4 * len(times)
        # the float picture ends on the exact final equity
        assert mode.equity[-1] == pytest.approx(float(mode.final_equity), rel=1e-9)


def wick_series(low: str):
    return {
        "BTCUSDT": parse_candles(
            "timestamp_utc,open,high,low,close\n"
            "2024-01-01T00:00:00Z,100,101,99,100\n"
            f"2024-01-01T00:01:00Z,100,100.5,{low},99.5\n"
            "2024-01-01T00:02:00Z,99.5,100,99,99.8\n"
        )
    }


def test_a_wick_below_the_liquidation_price_liquidates():
    # 10x long from 100: the isolated liquidation price is about 90.45 on Binance's tiers.
    trader = account(position(notional="1000", leverage="10", entry_price="1"), wallet="100")
    survives = replay_recorded(trader, wick_series("91"))
    assert survives.isolated.liquidated == ()
    wicked = replay_recorded(trader, wick_series("88"))
    assert wicked.isolated.liquidated == ("A",)
    (entry,) = wicked.isolated.log
    assert entry.time == datetime(2024, 1, 1, 0, 1, tzinfo=UTC)
    assert entry.part == "low"  # the wick, though the candle closed at 99.5
    assert entry.price == Decimal("88")
    assert entry.cost == Decimal("100")  # the isolated margin
    assert entry.insurance_fund < 0  # past the bankruptcy price (90): the fund pays
    assert wicked.isolated.final_equity == Decimal("0")


def test_the_high_low_order_follows_the_candle_direction():
    path = price_path(wick_series("88"))
    # a falling candle goes open, high, low, close; a rising one open, low, high, close
    assert [path.part_of("BTCUSDT", i) for i in range(4, 8)] == ["open", "high", "low", "close"]
    assert [path.part_of("BTCUSDT", i) for i in range(8, 12)] == ["open", "low", "high", "close"]
    assert [path.price("BTCUSDT", i) for i in range(4, 8)] == [
        Decimal("100"),
        Decimal("100.5"),
        Decimal("88"),
        Decimal("99.5"),
    ]


BLACK_THURSDAY = EVENTS["black-thursday-2020"]


def black_thursday_long(mode: str):
    # liquidation prices 3,773.24 (isolated) and 3,743.89 (cross): between the two lows
    return account(
        position(margin_mode=mode, notional="10000", leverage="1.9", entry_price="1"),
        wallet="5300",
    )


def test_black_thursday_mark_versus_last_gives_the_recorded_lows():
    mark_id, last_id = BLACK_THURSDAY.comparison
    assert BLACK_THURSDAY.track(mark_id).price_type == MARK
    comparison = compare_price_rules(
        black_thursday_long("isolated"),
        load_track(BLACK_THURSDAY, mark_id),
        load_track(BLACK_THURSDAY, last_id),
    )
    assert comparison.last_low["BTCUSDT"] == Decimal("3621.81")
    assert comparison.mark_low["BTCUSDT"].quantize(Decimal("0.01")) == Decimal("3801.83")
    # both start from the mark's first open
    assert comparison.mark.entry_prices == comparison.last.entry_prices
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS):
        assert getattr(comparison.mark, mode.value).liquidated == ()
        assert comparison.only_on_last(mode) == ("A",)
    (entry,) = comparison.last.isolated.log
    assert entry.time == datetime(2020, 3, 13, 2, 0, tzinfo=UTC)
    assert entry.price == Decimal("3621.81")


def test_black_thursday_one_minute_perpetual_bottoms_at_0216_and_liquidates_on_the_way():
    series = load_track(BLACK_THURSDAY, "last-1m")
    bottom = series["BTCUSDT"].low
    assert (bottom.time, bottom.low) == (
        datetime(2020, 3, 13, 2, 16, tzinfo=UTC),
        Decimal("3621.81"),
    )
    # from the 09:36 open of 7,381.57, 2x: liquidation price about 3,705.6
    trader = account(position(notional="10000", leverage="2", entry_price="1"), wallet="5300")
    result = replay_recorded(trader, series)
    (entry,) = result.isolated.log
    # the minute before the bottom already reached 3,697.00, under the liquidation price
    assert entry.time == datetime(2020, 3, 13, 2, 15, tzinfo=UTC)
    assert (entry.part, entry.price) == ("low", Decimal("3697.00"))


def test_the_short_squeeze_liquidates_a_short_on_the_last_price_only():
    event = EVENTS["short-squeeze-2023"]
    comparison = compare_price_rules(
        account(
            position(side="short", notional="10000", leverage="5", entry_price="1"),
            wallet="3000",
        ),
        load_track(event, "mark-1h"),
        load_track(event, "last-1h"),
    )
    assert comparison.last_high["BTCUSDT"] == Decimal("35981.9")
    assert comparison.mark_high["BTCUSDT"].quantize(Decimal("1")) < Decimal("35300")
    assert comparison.only_on_last(MarginMode.ISOLATED) == ("A",)


SQUEEZE_1M = load_track(EVENTS["short-squeeze-2023"], "last-1m")
MAY_1M = load_track(EVENTS["may-2021-crash"], "last-1m")


@pytest.mark.parametrize(
    ("series", "positions"),
    [
        (
            SQUEEZE_1M,
            [
                position(id="S", side="short", notional="5000", leverage="8", entry_price="1"),
                position(id="T", side="short", notional="3000", leverage="20", entry_price="1"),
            ],
        ),
        (
            MAY_1M,
            [
                position(id="B", notional="6000", leverage="5", entry_price="1"),
                position(id="E", symbol="ETHUSDT", notional="4000", leverage="4", entry_price="1"),
                position(
                    id="X",
                    symbol="SOLUSDT",
                    side="short",
                    notional="2000",
                    leverage="3",
                    entry_price="1",
                ),
            ],
        ),
    ],
)
def test_the_screened_replay_equals_walking_every_point_through_the_exact_engine(
    series, positions, monkeypatch
):
    monkeypatch.setattr(importlib.import_module("margin.replay"), "MAX_REPLAY_STEPS", 10_000)
    trader = account(*positions, wallet="3000")
    result = replay_recorded(trader, series)
    path = result.path
    every_point = [path.marks(i) for i in range(path.length)]
    opened = type(trader)(
        wallet_balance=trader.wallet_balance,
        positions=tuple(
            type(p)(**{**p.__dict__, "entry_price": result.entry_prices[p.symbol]})
            for p in trader.positions
        ),
    )
    for mode in result.modes:
        full = replay(
            with_margin_mode(opened, mode.mode), every_point, funding_rate=0, taker_fee_rate=0
        )
        assert mode.engine.liquidated == full.liquidated
        assert mode.final_equity == full.final_equity
        assert mode.insurance_fund == full.insurance_fund
        assert mode.exact_steps < path.length / 10
        liquidations = [e for e in full.events if e.type == "liquidation"]
        assert [(e.position, e.price, e.loss) for e in liquidations] == [
            (e.position, e.price, e.cost) for e in mode.log if e.type == "liquidation"
        ]
    assert result.isolated.liquidated or result.cross.liquidated, "the case must liquidate"


def test_keeping_the_learners_entry_scales_the_path_to_it():
    trader = account(position(notional="1000", leverage="2", entry_price="50000"), wallet="600")
    result = replay_recorded(trader, load_track(BLACK_THURSDAY, "last-1m"), keep_entry=True)
    assert result.entry_prices == {"BTCUSDT": Decimal("50000")}
    assert result.path.start_price("BTCUSDT") == Decimal("50000")
    low = min(result.path.price("BTCUSDT", i) for i in range(result.path.length))
    # the same fall in per cent: 3621.81 / 7381.57 of the start
    assert low == Decimal("50000") * Decimal("3621.81") / Decimal("7381.57")


def test_a_position_on_a_symbol_the_event_lacks_is_refused():
    trader = account(position(symbol="XRPUSDT", notional="100", entry_price="1"), wallet="100")
    with pytest.raises(MarginError) as caught:
        replay_recorded(trader, load_track(BLACK_THURSDAY))
    assert caught.value.message == NO_SERIES_FOR.format(symbol="XRPUSDT")


def test_positions_the_engine_merges_are_all_named_when_they_close():
    trader = account(
        position(id="A", notional="600", leverage="10", entry_price="1"),
        position(id="B", notional="400", leverage="10", entry_price="1"),
        wallet="100",
    )
    result = replay_recorded(trader, wick_series("88"))
    assert result.isolated.liquidated == ("A", "B")
    assert [entry.positions for entry in result.isolated.log] == [("A", "B")]
