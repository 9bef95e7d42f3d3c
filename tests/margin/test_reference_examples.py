"""Every worked example R01-R16 of margin-reference.md, to its stated tolerance."""

from decimal import Decimal

import pytest

from margin import bracket_for, evaluate, top_up
from margin.markets import BRACKET_TABLES, Bracket
from tests.margin.factories import (
    BINANCE_2024_TABLES,
    BYBIT_CLASSIC_DAY,
    account,
    close_to,
    position,
)


def r01_account():
    """Binance FAQ cross example: ETH and BTC longs with the FAQ's own MMR and cum."""
    return account(
        position(
            id="ETH",
            symbol="ETHUSDT",
            margin_mode="cross",
            entry_price="1456.84",
            mark_price="1335.18",
            quantity="3683.979",
            maintenance_margin_rate="0.10",
            maintenance_amount="135365",
        ),
        position(
            id="BTC",
            symbol="BTCUSDT",
            margin_mode="cross",
            entry_price="32481.98",
            mark_price="31967.27",
            quantity="109.488",
            maintenance_margin_rate="0.025",
            maintenance_amount="16300",
        ),
        wallet="1535443.01",
    )


def test_r01_cross_liquidation_price_of_eth_matches_binance_faq():
    result = evaluate(r01_account()).position("ETH")
    assert close_to(result.liquidation_price, "1153.26", "0.005")


def test_r02_cross_liquidation_price_of_btc_matches_binance_faq():
    result = evaluate(r01_account()).position("BTC")
    assert close_to(result.liquidation_price, "26316.89", "0.005")


def test_r03_maintenance_amount_follows_the_bracket_rule():
    table = BRACKET_TABLES["binance-BTCUSDT-2024-10"]
    cum = Decimal("250000") * (Decimal("0.01") - Decimal("0.005")) + Decimal("50")
    assert cum == Decimal("1300")
    for previous, current in zip(table.brackets, table.brackets[1:], strict=False):
        expected = (
            current.floor * (current.maintenance_margin_rate - previous.maintenance_margin_rate)
            + previous.maintenance_amount
        )
        assert current.maintenance_amount == expected


def test_r04_coin_margined_maintenance_margin_is_in_coin():
    spec = account(
        position(
            symbol="BTCUSD",
            margin_mode="cross",
            entry_price="25000",
            contracts="100",
            maintenance_margin_rate="0.004",
        ),
        wallet="10",
        collateral="BTC",
    )
    result = evaluate(spec).positions[0]
    assert result.maintenance_margin == Decimal("0.0016")
    assert result.collateral == "BTC"


@pytest.mark.parametrize(
    ("symbol", "entry", "quantity", "rate", "cum", "expected"),
    [
        ("ETHUSDT", "1456.84", "3683.979", "0.10", "135365", "1114.78"),  # R05
        ("BTCUSDT", "32481.98", "109.488", "0.025", "16300", "18778.73"),  # R06
    ],
)
def test_r05_r06_isolated_liquidation_prices_on_the_faq_data(
    symbol, entry, quantity, rate, cum, expected
):
    spec = account(
        position(
            symbol=symbol,
            entry_price=entry,
            quantity=quantity,
            isolated_margin="1535443.01",
            maintenance_margin_rate=rate,
            maintenance_amount=cum,
        ),
        wallet="1535443.01",
    )
    assert close_to(evaluate(spec).positions[0].liquidation_price, expected, "0.005")


@pytest.mark.parametrize(
    ("side", "leverage", "expected"),
    [
        ("short", "5", "11.891089108910891"),
        ("long", "5", "8.070707070707071"),
        ("long", "3", "6.723905723905724"),
    ],
)
def test_r07_isolated_liquidation_prices_match_freqtrade(side, leverage, expected):
    spec = account(
        position(
            side=side,
            leverage=leverage,
            entry_price="10",
            quantity="1",
            maintenance_margin_rate="0.01",
            maintenance_amount="0.01",
        )
    )
    assert close_to(evaluate(spec).positions[0].liquidation_price, expected, "1e-9")


def test_r08_bybit_isolated_long_at_50x():
    spec = account(
        position(entry_price="20000", quantity="1", leverage="50", maintenance_margin_rate="0.005"),
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert result.initial_margin == Decimal("400")
    assert result.maintenance_margin == Decimal("100")
    assert result.liquidation_price == Decimal("19700")


def test_r09_bybit_margins_at_10000():
    spec = account(
        position(entry_price="10000", quantity="1", leverage="50", maintenance_margin_rate="0.005"),
        parameters_as_of=BYBIT_CLASSIC_DAY,
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert (result.initial_margin, result.maintenance_margin) == (Decimal("200"), Decimal("50"))


@pytest.mark.parametrize("venue", ["binance", "bybit", "okx", "hyperliquid", "textbook"])
def test_r10_unrealized_pnl_is_the_same_on_every_venue(venue):
    spec = account(position(entry_price="5000", mark_price="5500", quantity="1"))
    assert evaluate(spec, venue=venue).positions[0].unrealized_pnl == Decimal("500")


def w6_account(day=None, **fields):
    return account(
        position(entry_price="65000", notional="10000", isolated_margin="1000", **fields),
        wallet="5000",
        parameters_as_of=day,
    )


@pytest.mark.parametrize(
    ("venue", "rate", "day", "expected"),
    [
        ("binance", "0.005", None, "58793.97"),
        ("bybit", "0.005", BYBIT_CLASSIC_DAY, "58825.00"),  # maintenance on the entry value
        ("bybit", "0.005", None, "58793.97"),  # since 2025-09-02: on the mark, as Binance
        ("textbook", "0.005", None, "58825.00"),
        ("binance", None, BINANCE_2024_TABLES, "58734.94"),  # the 2024-10 tier 1 rate, 0.4%
        ("binance", None, None, "58734.94"),  # today's tier 1 is 0.4% too
    ],
)
def test_r11_w6_liquidation_price_by_venue(venue, rate, day, expected):
    fields = {"maintenance_margin_rate": rate} if rate else {}
    result = evaluate(w6_account(day, **fields), venue=venue).positions[0]
    assert close_to(result.liquidation_price, expected, "0.005")
    assert close_to(result.bankruptcy_price, "58500", "1e-20")


def test_r12_isolated_short_at_20x():
    spec = account(position(side="short", entry_price="60000", quantity="0.5", leverage="20"))
    result = evaluate(spec).positions[0]
    assert result.isolated_margin == Decimal("1500")
    assert close_to(result.liquidation_price, "62749.00", "0.005")


def test_r13_cross_long_on_a_5000_wallet():
    spec = account(
        position(margin_mode="cross", entry_price="60000", quantity="0.5", leverage="20"),
        wallet="5000",
    )
    assert close_to(evaluate(spec).positions[0].liquidation_price, "50200.80", "0.005")


def test_r14_other_cross_positions_move_the_liquidation_price():
    btc = position(id="BTC", margin_mode="cross", entry_price="60000", quantity="1")
    eth = position(
        id="ETH",
        symbol="ETHUSDT",
        margin_mode="cross",
        entry_price="3000",
        mark_price="2800",
        quantity="10",
    )
    day = BINANCE_2024_TABLES
    with_eth = evaluate(account(btc, eth, wallet="10000", parameters_as_of=day)).position("BTC")
    alone = evaluate(account(btc, wallet="10000", parameters_as_of=day)).position("BTC")
    assert close_to(with_eth.liquidation_price, "52323.62", "0.005")
    assert close_to(alone.liquidation_price, "50201.01", "0.005")
    assert with_eth.liquidation_basis.other_maintenance_margin == Decimal("112")
    assert with_eth.liquidation_basis.other_unrealized_pnl == Decimal("-2000")


def test_r15_a_top_up_moves_the_liquidation_price_away():
    spec = account(
        position(entry_price="60000", quantity="1"),
        wallet="10000",
        parameters_as_of=BINANCE_2024_TABLES,
    )
    before = evaluate(spec).positions[0]
    after = evaluate(top_up(spec, "A", Decimal("1000"))).positions[0]
    assert before.maintenance_margin_rate == Decimal("0.005")  # tier 2
    assert close_to(before.liquidation_price, "54221.11", "0.005")
    assert close_to(after.liquidation_price, "53216.08", "0.005")


def test_r16_maintenance_margin_of_a_million_btcusdt():
    bracket = bracket_for("binance-BTCUSDT-2024-10", Decimal("1000000"))
    assert isinstance(bracket, Bracket)
    assert bracket.maintenance_margin(Decimal("1000000")) == Decimal("5550")
    # today's table (2025-08-19): 1,000,000 x 0.65% - 1,500 (venue-parameters.md, DERIVED)
    current = bracket_for("BTCUSDT", Decimal("1000000"))
    assert current.maintenance_margin(Decimal("1000000")) == Decimal("5000")
