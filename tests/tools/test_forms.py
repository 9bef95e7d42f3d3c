from decimal import Decimal as D

import pytest

from tools import forms
from tools.catalog import TOOLS

LIQUIDATION = dict(TOOLS["liquidation-price"].example)


def liquidation_form(**changes):
    return forms.LiquidationPriceForm({**LIQUIDATION, **changes})


@pytest.mark.parametrize("slug", list(TOOLS))
def test_every_tools_example_is_valid(slug):
    tool = TOOLS[slug]
    form = tool.form_class(tool.example)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("-60000", forms.MUST_BE_POSITIVE),
        ("0", forms.MUST_BE_POSITIVE),
        ("1e12", "Ensure this value is less than or equal to 10000000."),
        ("sixty thousand", "Enter a number."),
        ("NaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("60000,5", forms.COMMA_AS_DECIMAL),
        ("1" * 30, "Ensure this value is less than or equal to 10000000."),
        ("0.0000000000001", forms.TOO_MANY_DECIMALS),
    ],
)
def test_bad_prices_get_a_message_beside_the_field(typed, message):
    form = liquidation_form(entry_price=typed)
    assert not form.is_valid()
    assert form.errors["entry_price"] == [message]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("65,000", "65000"), (" 65 000.5 ", "65000.5"), ("1_000", "1000"), ("65000", "65000")],
)
def test_prices_may_group_thousands(typed, expected):
    form = liquidation_form(entry_price=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["entry_price"] == D(expected)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", forms.LEVERAGE_BELOW_ONE),
        ("0.5", forms.LEVERAGE_BELOW_ONE),
        ("-3", forms.LEVERAGE_BELOW_ONE),
        ("500", "Ensure this value is less than or equal to 200."),
        ("ten", "Enter a number."),
    ],
)
def test_bad_leverage_gets_a_message(typed, message):
    form = liquidation_form(leverage=typed)
    assert not form.is_valid()
    assert form.errors["leverage"] == [message]


def test_unknown_symbol_and_venue_are_refused():
    form = liquidation_form(symbol="FOOUSDT", venue="ftx")
    assert not form.is_valid()
    assert "symbol" in form.errors
    assert "venue" in form.errors


def test_cross_margin_needs_a_wallet_balance():
    form = liquidation_form(margin_mode="cross", wallet_balance="")
    assert not form.is_valid()
    assert form.errors["wallet_balance"] == [forms.NEEDS_WALLET_FOR_CROSS]


def test_other_positions_unrealized_pnl_may_be_negative():
    form = liquidation_form(margin_mode="cross", other_unrealized_pnl="-2,000")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["other_unrealized_pnl"] == D("-2000")


def test_inverse_contracts_are_not_offered_by_the_usdt_calculators():
    symbols = dict(forms.symbol_choices())
    assert "BTCUSDT" in symbols
    assert "BTCUSD" not in symbols


def test_stop_loss_on_the_winning_side_is_refused():
    example = dict(TOOLS["position-size"].example)
    long_form = forms.PositionSizeForm({**example, "stop_price": "61000"})
    short_form = forms.PositionSizeForm({**example, "side": "short", "stop_price": "59000"})
    assert long_form.errors["stop_price"] == [forms.STOP_ON_WRONG_SIDE_LONG]
    assert short_form.errors["stop_price"] == [forms.STOP_ON_WRONG_SIDE_SHORT]


def test_position_size_turns_percentages_into_fractions():
    form = forms.PositionSizeForm(
        {**TOOLS["position-size"].example, "include_fees": "on", "fee_rate": "0.04"}
    )
    assert form.is_valid(), form.errors
    inputs = form.calculation_inputs()
    assert inputs["risk_fraction"] == D("0.01")
    assert inputs["fee_rate"] == D("0.0004")
    assert "include_fees" not in inputs


def test_fees_left_unticked_are_zero():
    form = forms.PnlForm({**TOOLS["pnl"].example, "include_fees": ""})
    assert form.is_valid(), form.errors
    assert form.calculation_inputs()["fee_rate"] == 0


def test_reducing_by_more_than_the_position_is_refused():
    form = forms.AverageEntryForm(
        {**TOOLS["average-entry"].example, "action": "reduce", "trade_quantity": "2"}
    )
    assert form.errors["trade_quantity"] == [forms.REDUCE_MORE_THAN_HELD]


def test_funding_rate_may_be_negative_but_not_absurd():
    example = TOOLS["funding-cost"].example
    assert forms.FundingCostForm({**example, "funding_rate": "-0.02"}).is_valid()
    assert "funding_rate" in forms.FundingCostForm({**example, "funding_rate": "50"}).errors


def test_every_input_points_at_its_error_slot():
    form = liquidation_form()
    widget_attrs = form.fields["entry_price"].widget.attrs
    assert widget_attrs["aria-describedby"] == "id_entry_price_errors"
    assert widget_attrs["inputmode"] == "decimal"
    assert form.fields["quantity"].widget.attrs["aria-describedby"] == (
        "id_quantity_errors id_quantity_helptext"
    )
