"""Every worked example of venue-parameters.md (Binance B-W*, COIN-M C-W*, Bybit Y-W*, Bybit
inverse YI-W*, Hyperliquid H-W*, dYdX D-W*), to the exchange's displayed precision (0.005 for
prices shown to the cent unless the reference names another tolerance), plus its DERIVED
regression vectors on today's tables. Each test names the example it reproduces."""

import dataclasses
from decimal import Decimal

import pytest

from margin import bracket_for, evaluate, max_open_notional, replay
from margin.funding import (
    binance_next_interval_hours,
    dydx_funding_cap,
    funding_rate,
    hourly_rate,
)
from tests.margin.factories import BYBIT_CLASSIC_DAY, account, close_to, position

CENT = "0.005"
# Binance's COIN-M tables changed on 2024-05-28; its forum and FAQ cases are from before.
BEFORE_COIN_M_CHANGE = "2024-05-27"


def binance_faq_positions(margin_mode):
    """B-W1's account: the FAQ's ETH and BTC longs with its own (2021) MMR and cum."""
    return (
        position(
            id="ETH",
            symbol="ETHUSDT",
            margin_mode=margin_mode,
            entry_price="1456.84",
            mark_price="1335.18",
            quantity="3683.979",
            maintenance_margin_rate="0.10",
            maintenance_amount="135365",
            leverage="10",
        ),
        position(
            id="BTC",
            symbol="BTCUSDT",
            margin_mode=margin_mode,
            entry_price="32481.98",
            mark_price="31967.27",
            quantity="109.488",
            maintenance_margin_rate="0.025",
            maintenance_amount="16300",
            leverage="10",
        ),
    )


# --- Binance USDⓈ-M ----------------------------------------------------------------------------


def test_b_w1_cross_liquidation_prices_of_the_binance_faq():
    result = evaluate(account(*binance_faq_positions("cross"), wallet="1535443.01"))
    # the FAQ gives no leverage: a cross liquidation price does not depend on it
    assert close_to(result.position("ETH").liquidation_price, "1153.26", CENT)
    assert close_to(result.position("BTC").liquidation_price, "26316.89", CENT)


def test_b_w2_maintenance_amount_at_level_3():
    floor, rate, previous_rate, previous_cum = (
        Decimal(v) for v in ("250000", "0.01", "0.005", "50")
    )
    assert floor * (rate - previous_rate) + previous_cum == Decimal("1300")


@pytest.mark.parametrize(("pid", "expected"), [("ETH", "1114.78"), ("BTC", "18778.73")])
def test_b_w3_isolated_on_the_faq_data(pid, expected):
    eth, btc = binance_faq_positions("isolated")
    spec = eth if pid == "ETH" else btc
    spec_account = account(
        dataclasses.replace(spec, isolated_margin=Decimal("1535443.01")), wallet="1535443.01"
    )
    assert close_to(evaluate(spec_account).positions[0].liquidation_price, expected, CENT)


def test_b_w4_a_settlement_at_the_floor_moves_btcusdt_to_hourly_funding():
    assert binance_next_interval_hours("-0.003", cap="0.003", interval_hours=8) == 1


def test_b_w5_touching_the_floor_between_settlements_changes_nothing():
    # -0.3% at 07:45, but the 08:00 settlement is at -0.25%
    assert binance_next_interval_hours("-0.0025", cap="0.003", interval_hours=8) == 8


@pytest.mark.parametrize(
    ("notional", "expected"),
    [("10000", "58734.94"), ("300000", "58734.94"), ("1000000", "58784.60")],
)
def test_derived_isolated_long_10x_at_65000_on_todays_btcusdt_table(notional, expected):
    spec = account(position(entry_price="65000", notional=notional, leverage="10"))
    assert close_to(evaluate(spec).positions[0].liquidation_price, expected, CENT)


def test_derived_11_btc_at_60000_10x_on_todays_table_and_on_2024_05_28():
    spec = position(entry_price="60000", quantity="11", leverage="10")
    today = evaluate(account(spec)).positions[0]
    before = evaluate(account(spec, parameters_as_of="2024-05-28")).positions[0]
    assert close_to(today.liquidation_price, "54243.95", CENT)
    assert close_to(before.liquidation_price, "54266.79", CENT)
    assert today.bracket_table == "binance-BTCUSDT-2025-08-19"
    assert today.parameters_effective == "2025-08-19"
    assert before.bracket_table == "binance-BTCUSDT-2024-05-28"


def test_derived_todays_btcusdt_table_figures():
    assert bracket_for("BTCUSDT", Decimal("1000000")).maintenance_margin(
        Decimal("1000000")
    ) == Decimal("5000")
    short = account(position(side="short", entry_price="60000", quantity="0.5", leverage="20"))
    assert close_to(evaluate(short).positions[0].liquidation_price, "62749.00", CENT)
    assert max_open_notional("BTCUSDT", balance="1000", leverage="150") == Decimal("150000")


# --- Binance COIN-M ----------------------------------------------------------------------------


def test_c_w1_coin_m_maintenance_of_100_contracts_at_25000():
    spec = account(
        position(symbol="BTCUSD", entry_price="25000", contracts="100", leverage="10"),
        wallet="1",
        collateral="BTC",
    )
    assert evaluate(spec).positions[0].maintenance_margin == Decimal("0.0016")


def test_c_w2_300_btc_is_at_12_5_percent_with_11_605_btc_before_2024_05_28():
    bracket = bracket_for("binance-BTCUSD-until-2024-05-28", Decimal("300"))
    assert bracket.maintenance_margin_rate == Decimal("0.125")
    assert bracket.maintenance_amount == Decimal("11.605")


@pytest.mark.parametrize(
    ("day", "expected", "tolerance"),
    [(BEFORE_COIN_M_CHANGE, "33599.4", "0.05"), (None, "32070.64", CENT)],
)
def test_c_w3_cross_coin_m_liquidation_price_of_binances_calculator(day, expected, tolerance):
    spec = account(
        position(
            symbol="BTCUSD",
            margin_mode="cross",
            entry_price="45000",
            contracts="100000",
            leverage="4",
        ),
        wallet="101",
        collateral="BTC",
        parameters_as_of=day,
    )
    assert close_to(evaluate(spec).positions[0].liquidation_price, expected, tolerance)


# --- Bybit USDT --------------------------------------------------------------------------------


def bybit(spec, day=BYBIT_CLASSIC_DAY):
    return evaluate(account(spec, wallet="100000", parameters_as_of=day), venue="bybit")


def test_y_w1_bybit_isolated_long_at_50x():
    result = bybit(position(entry_price="20000", quantity="1", leverage="50")).positions[0]
    assert (result.initial_margin, result.maintenance_margin) == (Decimal("400"), Decimal("100"))
    assert result.liquidation_price == Decimal("19700")
    assert result.bracket_table == "bybit-BTCUSDT-until-2026-09-17"


def test_y_w1_under_the_mark_price_rule_of_2025_09_02_is_19698_49():
    spec = position(entry_price="20000", quantity="1", leverage="50")
    result = bybit(spec, day="2026-01-01").positions[0]
    assert close_to(result.liquidation_price, "19698.49", CENT)
    assert "since 2025-09-02" in bybit(spec, day="2026-01-01").rules_version


def test_y_w2_the_older_help_pages_examples():
    long = bybit(position(entry_price="10000", quantity="1", leverage="50")).positions[0]
    short = bybit(position(side="short", entry_price="8000", quantity="1", leverage="40"))
    assert long.liquidation_price == Decimal("9850")
    assert short.positions[0].liquidation_price == Decimal("8160")


@pytest.mark.parametrize(
    ("quantity", "entry", "mark", "wallet", "expected"),
    [("2", "10000", "10500", "2200", "8950"), ("1", "20000", "21000", "2200", "17900")],
)
def test_y_w3_cross_liquidation_price(quantity, entry, mark, wallet, expected):
    # available balance 2,000 + the position's initial margin 200 at 100x = the wallet
    spec = account(
        position(
            margin_mode="cross",
            entry_price=entry,
            mark_price=mark,
            quantity=quantity,
            leverage="100",
            maintenance_margin_rate="0.005",
        ),
        wallet=wallet,
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    assert evaluate(spec, venue="bybit").positions[0].liquidation_price == Decimal(expected)


def test_y_w4_order_cost_holds_the_fee_to_close_at_the_bankruptcy_price():
    spec = account(
        position(entry_price="10000", quantity="1", leverage="50"),
        taker_fee_rate="0.00075",
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert result.initial_margin == Decimal("200")
    assert result.open_fee == Decimal("7.5")
    assert result.bankruptcy_price == Decimal("9800")
    assert result.close_fee == Decimal("7.35")
    assert result.order_cost == Decimal("214.85")
    # the fee to close is in both IM and MM, so it leaves the isolated liquidation price alone
    assert result.liquidation_price == Decimal("9850")


def test_y_w5_maintenance_margin_and_the_most_the_position_can_lose():
    result = bybit(position(entry_price="10000", quantity="1", leverage="50")).positions[0]
    assert (result.initial_margin, result.maintenance_margin) == (Decimal("200"), Decimal("50"))
    assert result.initial_margin - result.maintenance_margin == Decimal("150")


def test_y_w6_funding_taken_from_the_position_margin_moves_the_price_to_19900():
    # no available balance: the wallet is exactly the isolated margin
    spec = account(
        position(entry_price="20000", quantity="1", leverage="50"),
        wallet="400",
        funding_rate="0.01",
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    result = replay(spec, [{"BTCUSDT": "20000"}], funding_every=1, venue="bybit")
    assert result.final.positions[0].isolated_margin == Decimal("200")
    assert result.final.positions[0].liquidation_price == Decimal("19900")


def test_y_w7_a_short_with_3000_extra_margin():
    spec = position(
        side="short", entry_price="20000", quantity="1", leverage="50", isolated_margin="3400"
    )
    assert bybit(spec).positions[0].liquidation_price == Decimal("23300")


def test_derived_todays_bybit_btcusdt_tiers():
    bracket = bracket_for("bybit-BTCUSDT-2026-09-17", Decimal("1000000"))
    assert bracket.maintenance_margin(Decimal("1000000")) == Decimal("4490")
    result = bybit(position(entry_price="60000", quantity="1", leverage="150"), day=None)
    assert result.positions[0].maintenance_margin_rate == Decimal("0.0033")


# --- Bybit inverse -----------------------------------------------------------------------------


def test_yi_w1_classic_inverse_cross_with_the_fee_to_close_at_the_bankruptcy_price():
    spec = account(
        position(
            symbol="BTCUSD",
            margin_mode="cross",
            entry_price="8000",
            notional="10000",  # 10,000 contracts of 1 USD
            leverage="100",
        ),
        wallet="0.5",
        collateral="BTC",
        taker_fee_rate="0.00075",
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert close_to(result.bankruptcy_price, "5718.57", CENT)
    assert close_to(result.liquidation_price, "5739.50", "0.5")


@pytest.mark.parametrize(
    ("side", "day", "expected"),
    [
        ("long", BYBIT_CLASSIC_DAY, "45662.10"),  # 2024 formula: Qty / [PV + (IM - MM)]
        ("short", BYBIT_CLASSIC_DAY, "55248.62"),
        ("long", None, "45681.82"),  # 2026 formula, no extra margin, no deduction
        ("short", None, "55277.78"),
    ],
)
def test_yi_w2_uta_isolated_inverse(side, day, expected):
    spec = account(
        position(symbol="BTCUSD", side=side, entry_price="50000", notional="60000", leverage="10"),
        wallet="1",
        collateral="BTC",
        parameters_as_of=day,
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert result.initial_margin == Decimal("0.12")
    assert result.notional == Decimal("1.2")
    assert close_to(result.liquidation_price, expected, CENT)


# --- OKX ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("side", "expected"), [("long", "54244.10"), ("short", "65704.33")])
def test_derived_okx_tier_1_with_the_taker_fee_in_the_maintenance_rate(side, expected):
    spec = account(
        position(side=side, entry_price="60000", quantity="1", leverage="10"),
        taker_fee_rate="0.0005",
    )
    result = evaluate(spec, venue="okx").positions[0]
    assert close_to(result.liquidation_price, expected, CENT)
    assert result.bracket_table == "okx-BTCUSDT-2026-09-25"


# --- Hyperliquid -------------------------------------------------------------------------------


def test_h_w1_maintenance_at_the_assets_maximum_leverage():
    spec = account(
        position(
            margin_mode="cross",
            entry_price="81285.0",
            mark_price="83926",
            quantity="4.5",
            leverage="10",
        ),
        wallet="38252.7",
    )
    result = evaluate(spec, venue="hyperliquid").positions[0]
    assert result.maintenance_margin == Decimal("4720.8375")  # 377,667 / (2 x 40)


@pytest.mark.parametrize(
    ("side", "quantity", "entry", "margin", "expected"),
    [
        ("short", "0.019", "2642.8", "25.091876", "3924.18322043"),
        ("long", "0.0015", "66930", "20.043862", "54108.51043771"),
        ("long", "0.00077", "62739", "24.137992", "31708.03843631"),
    ],
)
def test_h_w2_to_w4_isolated_positions_of_freqtrades_tests(side, quantity, entry, margin, expected):
    spec = account(
        position(
            symbol="ETHUSDT" if side == "short" else "BTCUSDT",
            side=side,
            entry_price=entry,
            quantity=quantity,
            leverage="6",
            isolated_margin=margin,
            max_leverage="50",  # the assets' maximum when these were recorded
        ),
        wallet="1000",
    )
    price = evaluate(spec, venue="hyperliquid").positions[0].liquidation_price
    assert abs(price / Decimal(expected) - 1) <= Decimal("1e-4")


def test_h_w5_funding_from_the_docs_example():
    rate = funding_rate(premium="0.01", interest="0.0001")
    assert rate == Decimal("0.0095")
    assert Decimal("10") * Decimal("10000") * hourly_rate(rate) == Decimal("118.75")


def test_hyperliquid_second_tier_for_bnb_starts_at_3_million():
    low = bracket_for("hyperliquid-BNBUSDT-undated", Decimal("3000000"))
    high = bracket_for("hyperliquid-BNBUSDT-undated", Decimal("3000001"))
    assert (low.maintenance_margin_rate, high.maintenance_margin_rate) == (
        Decimal("0.05"),
        Decimal("0.1"),
    )
    assert high.maintenance_amount == Decimal("150000")


# --- dYdX v4 -----------------------------------------------------------------------------------


def test_d_w1_isolated_short_eth():
    spec = account(
        position(
            symbol="ETHUSDT",
            side="short",
            entry_price="3000",
            quantity="3",
            leverage="9",
            maintenance_margin_rate="0.05",
        ),
        wallet="1000",
    )
    result = evaluate(spec, venue="dydx").positions[0]
    assert close_to(result.liquidation_price, "3174.60", CENT)
    equity = Decimal("1000") - 3 * (result.liquidation_price - 3000)
    assert close_to(equity, "476.2", "0.05")


def test_d_w2_cross_with_another_positions_maintenance():
    # the docs' second position (1,000 STRK at 1.75, MMF 10%) stands here as 1,000 DOGE at 1.75
    spec = account(
        position(
            id="ETH",
            symbol="ETHUSDT",
            side="short",
            margin_mode="cross",
            entry_price="3000",
            quantity="1.5",
            leverage="10",
            maintenance_margin_rate="0.05",
        ),
        position(
            id="STRK",
            symbol="DOGEUSDT",
            margin_mode="cross",
            entry_price="1.75",
            quantity="1000",
            leverage="10",
            maintenance_margin_rate="0.10",
        ),
        wallet="1000",
    )
    result = evaluate(spec, venue="dydx").position("ETH")
    assert result.liquidation_basis.other_maintenance_margin == Decimal("175")
    assert close_to(result.liquidation_price, "3380.95", CENT)


def test_d_w3_funding_cap():
    assert dydx_funding_cap("0.05", "0.03") == Decimal("0.12")
    assert dydx_funding_cap("0.02", "0.012") == Decimal("0.048")  # today's Large-Cap (DERIVED)


def test_dydx_btc_uses_the_large_cap_fraction():
    spec = account(position(entry_price="60000", quantity="1", leverage="50"))
    result = evaluate(spec, venue="dydx").positions[0]
    assert result.maintenance_margin_rate == Decimal("0.012")
    assert result.bracket_table == "dydx-BTCUSDT-undated"
