"""Liquidation and bankruptcy prices beyond the reference examples: brackets, hedges, inverse
contracts, venues, merging."""

from decimal import Decimal

import pytest

from margin import BRACKET_TABLES, MARKETS, MarginError, bracket_for, evaluate
from tests.margin.factories import BINANCE_2024_TABLES, account, close_to, position


def test_the_liquidation_price_is_re_solved_in_the_bracket_it_falls_in():
    # 10 BTC at 60,600: notional 606,000 is in bracket 3 (0.65%), but at the liquidation price
    # the notional drops below 600,000, into bracket 2 (0.5%, cum 50).
    spec = account(
        position(entry_price="60600", quantity="10"), parameters_as_of=BINANCE_2024_TABLES
    )
    result = evaluate(spec).positions[0]
    assert result.maintenance_margin_rate == Decimal("0.0065")
    basis = result.liquidation_basis
    assert basis.maintenance_margin_rate == Decimal("0.005")
    q, e, m = Decimal("10"), Decimal("60600"), Decimal("60600")
    expected = (m + Decimal("50") - q * e) / (q * Decimal("0.005") - q)
    assert close_to(result.liquidation_price, str(expected), "1e-20")
    notional = result.liquidation_price * q
    table = "binance-BTCUSDT-2024-05-28"
    assert bracket_for(table, notional).maintenance_margin_rate == Decimal("0.005")


def test_margin_balance_equals_maintenance_at_the_liquidation_price():
    spec = account(position(entry_price="60600", quantity="10"))
    result = evaluate(spec).positions[0]
    at_price = evaluate(
        account(position(entry_price="60600", quantity="10", mark_price=result.liquidation_price))
    ).positions[0]
    assert abs(at_price.margin_balance - at_price.maintenance_margin) < Decimal("1e-20")


def test_hedge_mode_shares_one_price_given_by_the_hedge_formula():
    long = position(id="L", margin_mode="cross", entry_price="60000", quantity="1")
    short = position(id="S", side="short", margin_mode="cross", entry_price="62000", quantity="0.5")
    result = evaluate(account(long, short, wallet="10000"))
    lp_long, lp_short = (p.liquidation_price for p in result.positions)
    assert lp_long == lp_short
    wb, ql, el, qs, es = (Decimal(v) for v in ("10000", "1", "60000", "0.5", "62000"))
    mmr = Decimal("0.004")  # both legs in tier 1 at the liquidation price
    expected = (wb - ql * el + qs * es) / (ql * mmr + qs * mmr - ql + qs)
    assert close_to(lp_long, str(expected), "1e-20")
    assert any("hedge mode" in note for note in result.notes)
    assert result.position("L").liquidation_basis.shared_with == ("S",)


@pytest.mark.parametrize("side", ["long", "short"])
def test_coin_margined_liquidation_price_matches_binance_coin_m_formula(side):
    spec = account(
        position(
            symbol="BTCUSD",
            side=side,
            margin_mode="cross",
            entry_price="25000",
            contracts="100",
            maintenance_margin_rate="0.004",
        ),
        wallet="0.1",
        collateral="BTC",
    )
    result = evaluate(spec).positions[0]
    n, wb, mmr, e = Decimal("10000"), Decimal("0.1"), Decimal("0.004"), Decimal("25000")
    expected = n * (1 + mmr) / (wb + n / e) if side == "long" else n * (1 - mmr) / (n / e - wb)
    assert close_to(result.liquidation_price, str(expected), "1e-20")


def test_a_coin_margined_short_backed_by_more_than_its_value_has_no_liquidation_price():
    spec = account(
        position(
            symbol="BTCUSD", side="short", margin_mode="cross", entry_price="25000", contracts="100"
        ),
        wallet="1",
        collateral="BTC",
    )
    assert evaluate(spec).positions[0].liquidation_price is None


def test_a_long_without_leverage_has_no_liquidation_price():
    result = evaluate(account(position(entry_price="60000", quantity="1", leverage="1")))
    assert result.positions[0].liquidation_price is None
    assert result.positions[0].distance_to_liquidation is None


def test_okx_adds_the_taker_fee_to_the_maintenance_rate():
    spec = account(
        position(entry_price="20000", quantity="1", leverage="50", maintenance_margin_rate="0.005"),
        taker_fee_rate=Decimal("0.0005"),
    )
    result = evaluate(spec, venue="okx").positions[0]
    expected = (Decimal("20000") - Decimal("400")) / (1 - Decimal("0.005") - Decimal("0.0005"))
    assert close_to(result.liquidation_price, str(expected), "1e-20")


def test_hyperliquid_maintenance_rate_is_half_the_inverse_max_leverage():
    result = evaluate(
        account(position(entry_price="60000", quantity="1")), venue="hyperliquid"
    ).positions[0]
    assert result.maintenance_margin_rate == Decimal("0.0125")  # BTC: 40x


def test_bybit_order_cost_includes_the_fee_to_close_at_bankruptcy():
    spec = account(
        position(entry_price="20000", quantity="1", leverage="50", maintenance_margin_rate="0.005"),
        taker_fee_rate=Decimal("0.00055"),
    )
    result = evaluate(spec, venue="bybit").positions[0]
    assert result.bankruptcy_price == Decimal("19600")
    assert result.open_fee == Decimal("11")
    assert result.order_cost == Decimal("400") + Decimal("11") + Decimal("19600") * Decimal(
        "0.00055"
    )


def test_no_fee_rate_means_no_fee_figures():
    result = evaluate(account(position(entry_price="60000", quantity="1"))).positions[0]
    assert (result.open_fee, result.order_cost) == (None, None)


def test_positions_on_one_symbol_and_side_merge():
    spec = account(
        position(id="A", entry_price="60000", quantity="1"),
        position(id="B", entry_price="66000", quantity="2", isolated_margin="20000"),
    )
    result = evaluate(spec)
    assert len(result.positions) == 1
    merged = result.positions[0]
    assert merged.quantity == Decimal("3")
    assert merged.entry_price == Decimal("64000")
    assert merged.isolated_margin == Decimal("26000")
    assert any("merged" in note for note in result.notes)


def test_a_short_liquidation_price_is_above_the_mark():
    result = evaluate(account(position(side="short", entry_price="60000", quantity="1")))
    assert result.positions[0].liquidation_price > Decimal("60000")


def test_already_past_maintenance_shows_as_liquidated():
    spec = account(position(entry_price="60000", mark_price="50000", quantity="1"))
    assert evaluate(spec).positions[0].status == "liquidated"


def test_every_market_has_a_dated_binance_table_with_its_source():
    for market in MARKETS.values():
        table = BRACKET_TABLES[market.bracket_table]
        assert (table.symbol, table.venue) == (market.symbol, "binance")
        assert table.source.startswith("https://")
        assert not table.illustrative
    assert MARKETS["BTCUSDT"].bracket_table == "binance-BTCUSDT-2025-08-19"
    assert MARKETS["BTCUSDT"].max_leverage == Decimal("150")


def test_past_the_last_published_tier_the_learner_gives_the_rate():
    # Binance publishes only ETHUSD's first two COIN-M tiers (to 100 ETH) in the sources used
    spec = account(
        position(symbol="ETHUSD", entry_price="2000", notional="400000", leverage="2"),
        wallet="1000",
        collateral="ETH",
    )
    with pytest.raises(MarginError) as raised:
        evaluate(spec)
    assert raised.value.field == "maintenance_margin_rate"
    assert "100 ETH" in raised.value.message


def test_every_shipped_table_keeps_maintenance_continuous():
    for table in BRACKET_TABLES.values():
        for lower, upper in zip(table.brackets, table.brackets[1:], strict=False):
            at_floor = upper.floor
            assert lower.maintenance_margin(at_floor) == upper.maintenance_margin(at_floor)


def test_without_cum_a_jump_in_maintenance_can_put_the_liquidation_price_on_a_boundary():
    # OKX-style tiers without a maintenance amount: at 60,606.06 the short's notional crosses
    # 600,000 and its maintenance jumps from 0.5% to 0.65%, from 500 above to 400 below zero.
    spec = account(
        position(
            side="short",
            entry_price="60000",
            quantity="9.9",
            leverage="100",
            isolated_margin="9500",
            bracket_table="binance-BTCUSDT-2024-05-28",  # tiers by notional, read without cum
        ),
    )
    okx = evaluate(spec, venue="okx").positions[0]
    assert close_to(okx.liquidation_price, str(Decimal("600000") / Decimal("9.9")), "1e-20")
    binance = evaluate(spec).positions[0]
    assert binance.liquidation_price > okx.liquidation_price  # cum keeps it continuous
