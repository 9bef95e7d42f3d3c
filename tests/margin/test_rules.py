"""The rules the engine enforces: each raises MarginError naming the field and the position."""

from decimal import Decimal

import pytest

from margin import (
    MarginError,
    errors,
    evaluate,
    switch_margin_mode,
    top_up,
)
from tests.margin.factories import account, position


def raised(spec, **kwargs) -> MarginError:
    with pytest.raises(MarginError) as caught:
        evaluate(spec, **kwargs)
    return caught.value


def test_switching_mode_on_a_symbol_with_an_open_position_is_refused():
    spec = account(position(entry_price="60000", quantity="1"))
    with pytest.raises(MarginError) as caught:
        switch_margin_mode(spec, "BTCUSDT", "cross")
    assert caught.value.message == errors.MODE_SWITCH_WITH_OPEN_POSITION.format(symbol="BTCUSDT")
    assert (caught.value.field, caught.value.position_id) == ("margin_mode", "A")


def test_switching_mode_on_a_symbol_without_positions_is_allowed():
    spec = account(position(entry_price="60000", quantity="1"))
    assert switch_margin_mode(spec, "ETHUSDT", "cross") is spec


def test_leverage_above_the_brackets_maximum_is_refused():
    # 1,000,000 USDT of BTC is in the 75x bracket
    error = raised(account(position(entry_price="50000", quantity="20", leverage="100")))
    assert error.field == "leverage"
    assert error.message == errors.LEVERAGE_ABOVE_MAXIMUM.format(leverage="100", maximum="75")


def test_leverage_at_the_brackets_maximum_is_allowed():
    evaluate(account(position(entry_price="50000", quantity="20", leverage="75")))


def test_hyperliquid_caps_leverage_at_its_own_maximum():
    error = raised(
        account(position(entry_price="50000", quantity="1", leverage="50")), venue="hyperliquid"
    )
    assert error.field == "leverage"


def test_isolated_margin_below_initial_margin_is_refused():
    error = raised(account(position(entry_price="60000", quantity="1", isolated_margin="5999")))
    assert (error.field, error.position_id) == ("isolated_margin", "A")
    assert error.message == errors.ISOLATED_MARGIN_BELOW_INITIAL.format(initial_margin="6000")


def test_a_top_up_on_a_cross_position_is_refused():
    spec = account(position(margin_mode="cross", entry_price="60000", quantity="1"))
    with pytest.raises(MarginError) as caught:
        top_up(spec, "A", Decimal("100"))
    assert caught.value.message == errors.TOP_UP_ON_CROSS


def test_an_isolated_margin_on_a_cross_position_is_refused():
    error = raised(
        account(
            position(margin_mode="cross", entry_price="60000", quantity="1", isolated_margin="7000")
        )
    )
    assert (error.field, error.message) == ("isolated_margin", errors.TOP_UP_ON_CROSS)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"entry_price": "0", "quantity": "1"}, "entry_price"),
        ({"entry_price": "-1", "quantity": "1"}, "entry_price"),
        ({"entry_price": "60000", "mark_price": "0", "quantity": "1"}, "mark_price"),
        ({"entry_price": "60000", "quantity": "0"}, "quantity"),
        ({"entry_price": "60000", "notional": "-5"}, "notional"),
        ({"entry_price": "60000", "quantity": "1", "leverage": "0"}, "leverage"),
        ({"entry_price": "60000"}, "quantity"),
        ({"entry_price": "60000", "quantity": "1", "notional": "5"}, "notional"),
        (
            {"entry_price": "60000", "quantity": "1", "maintenance_margin_rate": "1"},
            "maintenance_margin_rate",
        ),
        (
            {"entry_price": "60000", "quantity": "1", "maintenance_amount": "-1"},
            "maintenance_amount",
        ),
        ({"entry_price": "60000", "quantity": "1", "contract": "inverse"}, "contract"),
        ({"entry_price": "60000", "quantity": "1", "symbol": "NOPEUSDT"}, "symbol"),
        ({"entry_price": "60000", "quantity": "1", "symbol": "BTCUSD"}, "symbol"),
        ({"entry_price": "abc", "quantity": "1"}, "entry_price"),
        ({"entry_price": "NaN", "quantity": "1"}, "entry_price"),
    ],
)
def test_bad_position_inputs_name_their_field(fields, field):
    with pytest.raises(MarginError) as caught:
        evaluate(account(position(**fields)))
    assert caught.value.field == field
    assert caught.value.position_id == "A"


def test_mixing_modes_on_one_symbol_is_refused():
    error = raised(
        account(
            position(id="A", entry_price="60000", quantity="1"),
            position(id="B", side="short", margin_mode="cross", entry_price="60000", quantity="1"),
        )
    )
    assert (error.field, error.position_id) == ("margin_mode", "B")


def test_isolated_margins_cannot_exceed_the_wallet():
    error = raised(account(position(entry_price="60000", quantity="1"), wallet="5000"))
    assert error.field == "wallet_balance"


def test_cross_positions_need_their_initial_margin_in_the_cross_wallet():
    error = raised(
        account(position(margin_mode="cross", entry_price="60000", quantity="1"), wallet="5999")
    )
    assert error.message.startswith("The cross positions need 6000")


def test_an_unknown_venue_is_refused():
    error = raised(account(position(entry_price="60000", quantity="1")), venue="mtgox")
    assert error.field == "venue"


def test_floats_are_refused_before_they_reach_decimal():
    with pytest.raises(TypeError):
        position(entry_price=60000.0, quantity="1")


def test_merged_positions_must_fit_the_bracket_of_their_combined_size():
    # each 9 BTC at 60,000 (540,000) allows 100x; together (1,080,000) only 75x
    error = raised(
        account(
            position(id="A", entry_price="60000", quantity="9", leverage="100"),
            position(id="B", entry_price="60000", quantity="9", leverage="100"),
        )
    )
    assert (error.field, error.position_id) == ("leverage", "B")
