from decimal import Decimal

import pytest

from margin import MarginError, evaluate, max_open_notional
from tests.margin.factories import account, position


@pytest.mark.parametrize(
    ("balance", "leverage", "expected"),
    [
        ("100", "10", "1000"),  # the balance is the limit
        ("1000", "150", "150000"),  # 150x up to the first cap, 300,000 (since 2025-08-19)
        ("1000", "125", "125000"),
        ("10000", "100", "800000"),  # 100x up to 800,000
        ("100000", "100", "800000"),  # more balance does not help past the cap
        ("1000000", "50", "12000000"),
        ("1000", "151", "0"),  # no bracket allows 151x
    ],
)
def test_max_open_notional_follows_the_btcusdt_brackets(balance, leverage, expected):
    assert max_open_notional("BTCUSDT", balance=balance, leverage=leverage) == Decimal(expected)


@pytest.mark.parametrize(
    ("balance", "leverage", "expected"),
    [
        ("1000", "125", "50000"),  # 125x only up to the first cap, 50,000
        ("10000", "100", "600000"),  # 100x up to 600,000
        ("1000", "150", "0"),  # no bracket allowed 150x
    ],
)
def test_max_open_notional_on_the_tables_of_2024_05_28(balance, leverage, expected):
    by_name = max_open_notional(
        "BTCUSDT", balance=balance, leverage=leverage, bracket_table="binance-BTCUSDT-2024-10"
    )
    by_date = max_open_notional("BTCUSDT", balance=balance, leverage=leverage, as_of="2024-05-28")
    assert by_name == by_date == Decimal(expected)


def test_the_maximum_position_can_actually_be_opened():
    notional = max_open_notional("BTCUSDT", balance="10000", leverage="100")
    spec = account(position(entry_price="60000", notional=notional, leverage="100"), wallet="10000")
    assert evaluate(spec).positions[0].initial_margin == Decimal("8000")
    too_big = account(
        position(entry_price="60000", notional=notional + 1, leverage="100"), wallet="10000"
    )
    with pytest.raises(MarginError):
        evaluate(too_big)


def test_bad_sizing_inputs_are_refused():
    with pytest.raises(MarginError):
        max_open_notional("BTCUSDT", balance="-1", leverage="10")
    with pytest.raises(MarginError):
        max_open_notional("BTCUSDT", balance="1", leverage="0")
