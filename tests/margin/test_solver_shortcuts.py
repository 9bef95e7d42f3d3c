"""The solver's shortcuts are savings, never different answers: the same figures, digit for digit,
as the full walk over every bracket segment."""

import importlib
from decimal import Decimal

import pytest

from margin import MarginMode, evaluate, with_margin_mode

from .factories import account, position

solver = importlib.import_module("margin.evaluate")

DEEP_CROSS = account(  # longs the wallet holds to a price of zero, shorts it does not
    position(id="A", margin_mode="cross", entry_price="65000", notional="20000"),
    position(id="B", symbol="SOLUSDT", margin_mode="cross", entry_price="185", notional="3000"),
    position(
        id="C",
        symbol="ETHUSDT",
        side="short",
        margin_mode="cross",
        entry_price="3400",
        notional="8000",
    ),
    wallet="40000",
)
HEDGE = account(
    position(id="L", margin_mode="cross", entry_price="60000", quantity="2"),
    position(id="S", side="short", margin_mode="cross", entry_price="61000", quantity="1"),
    wallet="30000",
)
INVERSE = account(
    position(id="I", symbol="BTCUSD", margin_mode="cross", entry_price="60000", contracts="300"),
    wallet="5",
    collateral="BTC",
)
CASES = [
    (DEEP_CROSS, "binance"),
    (with_margin_mode(DEEP_CROSS, MarginMode.ISOLATED), "binance"),
    (HEDGE, "binance"),
    (INVERSE, "binance"),
    (DEEP_CROSS, "hyperliquid"),
    (
        account(
            position(id="O", margin_mode="cross", entry_price="65000", notional="20000"),
            wallet="100000",
        ),
        "okx",
    ),  # no cum: f can jump at a boundary
]


@pytest.mark.parametrize(("spec", "venue"), CASES)
def test_skipping_a_direction_clear_of_zero_changes_no_figure(spec, venue, monkeypatch):
    skipped = []
    clear_of_zero = solver._Problem.clear_of_zero

    def counted(problem, direction):
        result = clear_of_zero(problem, direction)
        skipped.append(result)
        return result

    monkeypatch.setattr(solver._Problem, "clear_of_zero", counted)
    fast = evaluate(spec, venue=venue)
    monkeypatch.setattr(solver, "_SHORT_WALK", 10**9)  # never check: walk every segment
    full = evaluate(spec, venue=venue)
    assert fast == full
    assert repr(fast) == repr(full)  # the same digits, not only equal values
    if spec is DEEP_CROSS and venue == "binance":
        assert any(skipped), "the deep wallet's longs must take the shortcut"


def test_a_deep_cross_long_has_no_liquidation_price():
    result = evaluate(DEEP_CROSS)
    assert result.position("A").liquidation_price is None
    assert result.position("C").liquidation_price > Decimal("3400")
