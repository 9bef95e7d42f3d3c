from decimal import Decimal
from urllib.parse import parse_qsl

import pytest

from margin import MarginError
from simulator.forms import MAX_POSITIONS, Setup, next_row
from simulator.presets import PRESETS


def test_percentages_reach_the_engine_as_fractions():
    data = PRESETS["W6"].form_data() | {"taker_fee_rate": "0.05", "funding_rate": "0.01"}
    setup = Setup(data)
    assert setup.is_valid()
    account = setup.account_spec()
    assert account.taker_fee_rate == Decimal("0.0005")
    assert account.funding_rate == Decimal("0.0001")
    assert account.positions[0].maintenance_margin_rate == Decimal("0.005")
    assert setup.shocks() == {"BTCUSDT": Decimal("-0.1")}


def test_size_as_margin_times_leverage_gives_the_same_notional():
    data = PRESETS["W9"].form_data() | {"pos-0-size_by": "margin", "pos-0-size": "1000"}
    setup = Setup(data)
    assert setup.is_valid()
    assert setup.account_spec().positions[0].notional == Decimal("10000")


def test_an_empty_entry_price_means_the_market_price():
    data = PRESETS["W9"].form_data() | {"pos-0-entry_price": ""}
    setup = Setup(data)
    assert setup.is_valid()
    assert setup.account_spec().positions[0].entry_price == Decimal("68424")


def test_positions_are_lettered_a_to_h():
    setup = Setup(PRESETS["W7"].form_data())
    assert setup.is_valid()
    assert [p.id for p in setup.account_spec().positions] == ["A", "B", "C"]


@pytest.mark.parametrize("preset_id", PRESETS)
def test_the_query_string_round_trips_every_preset(preset_id):
    setup = Setup(PRESETS[preset_id].form_data())
    assert setup.is_valid()
    again = Setup(dict(parse_qsl(setup.query_string())))
    assert again.is_valid()
    assert again.account_spec() == setup.account_spec()
    assert again.shocks() == setup.shocks()
    assert again.query_string() == setup.query_string()


def test_the_query_string_leaves_out_empty_fields_and_slider_bookkeeping():
    query = Setup(PRESETS["W4"].form_data()).query_string()
    assert "isolated_margin" not in query
    assert "_slider" not in query
    assert "_was" not in query


def test_an_engine_rule_lands_on_the_field_it_names():
    setup = Setup(PRESETS["W4"].form_data())
    assert setup.is_valid()
    setup.add_engine_error(MarginError("too high", field="leverage", position_id="B"))
    errors = setup.field_errors()
    assert errors == [
        {"id": "id_pos-1-leverage", "label": "Position B: Leverage (x)", "message": "too high"}
    ]


def test_an_engine_rule_on_a_quantity_lands_on_the_size_box():
    setup = Setup(PRESETS["W4"].form_data())
    assert setup.is_valid()
    setup.add_engine_error(MarginError("too small", field="quantity", position_id="A"))
    assert setup.field_errors()[0]["id"] == "id_pos-0-size"


def test_an_engine_rule_about_nothing_in_the_form_is_a_general_message():
    setup = Setup(PRESETS["W4"].form_data())
    assert setup.is_valid()
    setup.add_engine_error(MarginError("the path is too long", field="path"))
    assert "the path is too long" in setup.form_errors()


def test_an_added_row_picks_a_market_not_yet_held_and_its_price():
    row = next_row([{"symbol": "BTCUSDT"}, {"symbol": "ETHUSDT"}])
    assert row["symbol"] == "SOLUSDT"
    assert row["entry_price"] == "85.13"


def test_rows_beyond_the_maximum_are_never_built():
    data = PRESETS["W4"].form_data() | {"pos-TOTAL_FORMS": "1000"}
    setup = Setup(data)
    assert len(setup.formset.forms) == MAX_POSITIONS
    assert not setup.is_valid()


def _through_the_forms(data):
    """The setup validated by its forms alone, as before clean_setup (the reference)."""
    setup = Setup.__new__(Setup)
    setup.data, setup.broken, setup.engine_errors, setup._clean = data, False, [], None
    setup._forms = setup._build_forms()
    return setup


def _slider_setups():
    from benchmarks import workload

    bodies = [workload.w4_slider("token"), workload.eight_cross_slider("token")]
    return [
        dict(parse_qsl(stream.body(n), keep_blank_values=True)) for stream in bodies for n in (0, 7)
    ]


@pytest.mark.parametrize(
    "data",
    [p.form_data() for p in PRESETS.values()] + _slider_setups(),
    ids=lambda d: d.get("preset", "slider"),
)
def test_a_valid_setup_validated_without_its_forms_is_what_the_forms_give(data):
    fast, reference = Setup(data), _through_the_forms(data)
    assert fast._forms is None  # valid: no form was built to validate it
    assert reference.is_valid()
    assert fast.is_valid()
    assert fast.account_spec() == reference.account_spec()
    assert fast.shock_percents() == reference.shock_percents()
    assert fast.query_string() == reference.query_string()
    assert fast.raw_rows() == reference.raw_rows()
    assert fast.raw_account() == reference.raw_account()
    assert fast.raw_shocks() == reference.raw_shocks()
    # Built for rendering, its forms carry the same cleaned data and no errors.
    assert fast.account_form.cleaned_data == reference.account_form.cleaned_data
    assert fast.shock_form.cleaned_data == reference.shock_form.cleaned_data
    assert [f.cleaned_data for f in fast.formset.forms] == [
        f.cleaned_data for f in reference.formset.forms
    ]
    assert fast.field_errors() == []
    assert fast.form_errors() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"pos-1-leverage": "abc"},
        {"wallet_balance": "-3"},
        {"shock-BTCUSDT": ""},
        {"shock-BTCUSDT_slider": "x"},
        {"pos-TOTAL_FORMS": "0"},
        {"pos-TOTAL_FORMS": "9"},
        {"pos-INITIAL_FORMS": "x"},
        {"pos-0-symbol": "NOPE"},
        {"preset": "TOOLONGNAME"},
    ],
)
def test_an_invalid_setup_is_validated_by_its_forms(changes):
    data = PRESETS["W4"].form_data() | changes
    setup = Setup(data)
    assert setup._forms is not None
    assert not setup.is_valid()
    reference = _through_the_forms(data)
    reference.is_valid()
    assert setup.field_errors() == reference.field_errors()
    assert setup.form_errors() == reference.form_errors()
