from decimal import Decimal

import pytest

from margin import MARKETS
from simulator.scenarios import EVENTS, PRICE_FLOOR


@pytest.mark.parametrize("event", EVENTS.values(), ids=lambda e: e.id)
def test_every_event_is_described_and_flagged_illustrative(event):
    assert event.title
    assert event.description
    assert "Illustrative" in event.source
    assert event.moves[0] == 0  # a replay starts from today's prices


def test_a_symbol_follows_the_market_scaled_by_its_beta():
    path = EVENTS["crash"].path(
        {"BTCUSDT": Decimal("65000"), "SOLUSDT": Decimal("185")},
        {"BTCUSDT": "BTC", "SOLUSDT": "SOL"},
    )
    worst = min(range(len(path)), key=lambda k: path[k]["BTCUSDT"])
    assert path[worst]["BTCUSDT"] == Decimal("65000") * Decimal("0.83")
    assert path[worst]["SOLUSDT"] == Decimal("185") * (1 - Decimal("1.6") * Decimal("0.17"))


def test_the_weekend_gap_is_one_jump_of_about_eight_percent():
    moves = EVENTS["weekend-gap"].moves
    jumps = [b - a for a, b in zip(moves, moves[1:], strict=False)]
    assert min(jumps) == Decimal("-0.08")


@pytest.mark.parametrize("event", EVENTS.values(), ids=lambda e: e.id)
def test_every_price_on_every_path_is_positive_for_every_market(event):
    starts = {symbol: market.default_price for symbol, market in MARKETS.items()}
    bases = {symbol: market.base for symbol, market in MARKETS.items()}
    for step in event.path(starts, bases):
        for symbol, price in step.items():
            assert price >= starts[symbol] * PRICE_FLOOR
