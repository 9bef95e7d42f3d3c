from decimal import Decimal

import pytest

from margin import MarginError, evaluate, max_open_notional
from tests.margin.factories import account, position


@pytest.mark.parametrize(
    ("balance", "leverage", "expected"),
    [
        ("100", "10", "1000"),  # the balance is the limit
        ("1000", "125", "50000"),  # 125x only up to the first cap
        ("10000", "100", "600000"),  # 100x up to 600,000
        ("100000", "100", "600000"),  # more balance does not help past the cap
        ("1000000", "50", "12000000"),
        ("1000", "150", "0"),  # no bracket allows 150x
    ],
)
def test_max_open_notional_follows_the_btcusdt_brackets(balance, leverage, expected):
    assert max_open_notional("BTCUSDT", balance=balance, leverage=leverage) == Decimal(expected)


def test_the_maximum_position_can_actually_be_opened():
    notional = max_open_notional("BTCUSDT", balance="10000", leverage="100")
    spec = account(position(entry_price="60000", notional=notional, leverage="100"), wallet="10000")
    assert evaluate(spec).positions[0].initial_margin == Decimal("6000")
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
