from decimal import Decimal

import pytest

from core.display import money, percent, price
from simulator.forms import Setup
from simulator.presets import PRESETS
from simulator.results import list_ids, simulate


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("4000"), "USDT", "$4,000.00"),
        (Decimal("-1200.005"), "USDT", "-$1,200.01"),
        (Decimal("0.004"), "USDT", "$0.00"),
        (Decimal("8"), "BTC", "8.00 BTC"),
        (Decimal("1.234567891"), "BTC", "1.23456789 BTC"),
        (None, "USDT", "\u2014"),  # one mark for a missing figure on every page
    ],
)
def test_money_is_rounded_only_for_display(value, currency, shown):
    assert money(value, currency) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("58734.939759036"), "58,734.94"),
        (Decimal("0.089351234"), "0.089351"),
        (None, "\u2014"),
    ],
)
def test_prices_keep_more_digits_below_a_dollar(value, shown):
    assert price(value) == shown


def test_percent_and_id_lists_read_as_words():
    assert percent(Decimal("0.0964")) == "9.64%"
    assert list_ids([]) == "nothing"
    assert list_ids(["A"]) == "position A"
    assert list_ids(["A", "B", "C"]) == "positions A, B and C"


def simulate_preset(preset_id):
    setup = Setup(PRESETS[preset_id].form_data())
    assert setup.is_valid()
    return simulate(
        setup.account_spec(),
        venue=setup.venue,
        shocks=setup.shocks(),
        shock_percents=setup.shock_percents(),
    )


def simulate_changed(preset_id, **changes):
    setup = Setup(PRESETS[preset_id].form_data() | changes)
    assert setup.is_valid()
    return simulate(
        setup.account_spec(),
        venue=setup.venue,
        shocks=setup.shocks(),
        shock_percents=setup.shock_percents(),
    )


def test_a_cross_summary_does_not_quote_a_liquidation_price_the_other_moves_shifted():
    # Ether -10% lifts A's cross liquidation price to 34,369.97, so a 48% bitcoin fall liquidates.
    moved = simulate_changed("W5", **{"shock-BTCUSDT": "-48", "shock-ETHUSDT": "-10"})
    assert "32,744.97 holds only while the other prices stay put" in moved.summary
    assert "49.62% below entry" not in moved.summary
    alone = simulate_changed("W5", **{"shock-BTCUSDT": "-50.5", "shock-ETHUSDT": "0"})
    assert "(liquidation at 32,744.97, 49.62% below entry)" in alone.summary


def test_w4_summary_names_the_liquidated_position_and_what_is_left():
    result = simulate_preset("W4")
    assert result.summary == (
        "With BTC -12%, position A is liquidated (liquidation at 58,793.97, 9.55% below "
        "entry); the account keeps $4,000.00."
    )
    isolated, cross = result.modes
    assert isolated.configured
    assert isolated.liquidated == ("A",)
    assert cross.liquidated == ()
    assert cross.equity_after == "$3,800.00"


def test_a_mixed_setup_is_neither_side_of_the_comparison():
    result = simulate_preset("W8")
    assert not any(mode.configured for mode in result.modes)
    assert result.facts["liquidated"] == "position A"
    assert result.facts["equity"] == "$7,000.00"


def test_a_gap_past_bankruptcy_says_what_the_insurance_fund_paid():
    assert simulate_preset("W4").insurance_fund == (
        "the insurance fund paid $200.00 of loss past bankruptcy"
    )


def test_the_announcement_is_one_short_status_line():
    announcement = simulate_preset("W5").announcement
    assert announcement.startswith("Recalculated.")
    assert "Cross: nothing liquidated, equity $3,800.00." in announcement
