"""The calculators' figures: hand-computed examples (exact) and cross-checks against the engine."""

import subprocess
import sys
from decimal import Decimal as D

import pytest

from margin import AccountSpec, MarginError, PositionSpec, evaluate, solve
from tools import calculators, results

REFERENCE_TOLERANCE = D("0.005")  # margin-reference.md's tolerance for R11-R15


def figure(result: results.ToolResult, name: str) -> results.Figure:
    return next(f for f in (*result.headline, *result.figures) if f.name == name)


def value(result: results.ToolResult, name: str):
    return figure(result, name).value


def test_calculations_module_imports_no_django():
    code = (
        "import sys, tools.calculators, tools.results, core.display; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# 1. PnL ----------------------------------------------------------------------------------------


def test_pnl_of_a_long_with_fees_matches_the_hand_computation():
    result = calculators.pnl(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        exit_price=D("63000"),
        quantity=D("0.5"),
        leverage=D("10"),
        fee_rate=D("0.0005"),
    )
    assert value(result, "pnl") == D("1500")  # 0.5 x (63,000 - 60,000)
    assert value(result, "initial_margin") == D("3000")  # 30,000 / 10
    assert value(result, "roe") == D("0.5")
    assert value(result, "fees") == D("30.75")  # 0.0005 x (30,000 + 31,500)
    assert value(result, "net_pnl") == D("1469.25")
    assert value(result, "net_roe") == D("0.48975")


def test_pnl_of_a_losing_short_is_negative_and_shows_no_fees_when_they_are_off():
    result = calculators.pnl(
        symbol="ETHUSDT",
        side="short",
        entry_price=D("2000"),
        exit_price=D("2100"),
        quantity=D("2"),
        leverage=D("5"),
    )
    assert value(result, "pnl") == D("-200")
    assert value(result, "roe") == D("-0.25")  # -200 / 800
    assert "fees" not in {f.name for f in result.figures}


def test_pnl_agrees_with_the_engine_at_the_exit_price():
    spec = PositionSpec(
        id="A",
        symbol="BTCUSDT",
        side="long",
        margin_mode="cross",
        entry_price="65000",
        quantity="0.3",
        leverage="20",
        mark_price="61000",
    )
    engine = evaluate(AccountSpec(wallet_balance="10000", positions=(spec,))).positions[0]
    result = calculators.pnl(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("65000"),
        exit_price=D("61000"),
        quantity=D("0.3"),
        leverage=D("20"),
    )
    assert value(result, "pnl") == engine.unrealized_pnl
    assert value(result, "initial_margin") == engine.initial_margin


def test_pnl_explains_itself_with_the_learners_numbers():
    result = calculators.pnl(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        exit_price=D("63000"),
        quantity=D("0.5"),
        leverage=D("10"),
    )
    workings = figure(result, "pnl").workings
    assert workings
    assert "63000" in workings[-1].substituted
    assert workings[-1].value == "1,500.00"


# 2. Target price -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "kind", "target", "expected"),
    [
        ("long", "roe", D("50"), D("63000")),  # 60,000 x (1 + 0.5/10)
        ("short", "roe", D("50"), D("57000")),  # 60,000 x (1 - 0.5/10)
        ("long", "pnl", D("-1000"), D("58000")),  # 60,000 - 1,000/0.5
        ("short", "pnl", D("250"), D("59500")),  # 60,000 - 250/0.5
    ],
)
def test_target_price_without_fees_matches_the_hand_computation(side, kind, target, expected):
    result = calculators.target_price(
        symbol="BTCUSDT",
        side=side,
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("10"),
        target_kind=kind,
        target=target,
    )
    assert value(result, "target_price") == expected


def test_target_price_with_fees_gives_exactly_the_wanted_pnl_after_fees():
    fee = D("0.0005")
    result = calculators.target_price(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("10"),
        target_kind="pnl",
        target=D("1500"),
        fee_rate=fee,
    )
    exit_price = value(result, "target_price")
    # X = (T/Q + E(1 + f)) / (1 - f) = 63,030 / 0.9995
    assert abs(exit_price - D("63030") / D("0.9995")) < D("1e-20")
    assert abs(value(result, "pnl") - D("1500")) < D("1e-20")


def test_target_price_the_price_cannot_reach_is_refused_beside_the_target():
    with pytest.raises(results.ToolInputError) as caught:
        calculators.target_price(
            symbol="BTCUSDT",
            side="short",
            entry_price=D("100"),
            quantity=D("1"),
            leverage=D("10"),
            target_kind="pnl",
            target=D("200"),
        )
    assert caught.value.field == "target"
    assert "100.00 USDT" in str(caught.value)


def test_target_price_beyond_the_liquidation_price_is_flagged():
    # 10x long of 0.5 BTC at 60,000 (tier 1): LP = -27,000 / -0.498 = 54,216.87
    safe = calculators.target_price(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("10"),
        target_kind="roe",
        target=D("-95"),
    )
    doomed = calculators.target_price(
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("10"),
        target_kind="roe",
        target=D("-99"),
    )
    assert safe.warnings == ()
    assert "beyond the isolated liquidation price (54,216.87" in doomed.warnings[0]


# 3. Liquidation price --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # R15: long 1 BTC @ 60,000, 10x (6,000), tier 2
        (
            {"side": "long", "margin_mode": "isolated", "quantity": "1", "leverage": "10"},
            D("54221.11"),
        ),
        # R15 with a 1,000 top-up
        (
            {
                "side": "long",
                "margin_mode": "isolated",
                "quantity": "1",
                "leverage": "10",
                "isolated_margin": "7000",
            },
            D("53216.08"),
        ),
        # R12: short 0.5 BTC @ 60,000, 20x (1,500), tier 1
        (
            {"side": "short", "margin_mode": "isolated", "quantity": "0.5", "leverage": "20"},
            D("62749.00"),
        ),
        # R13: cross, WB 5,000, long 0.5 BTC @ 60,000
        (
            {
                "side": "long",
                "margin_mode": "cross",
                "quantity": "0.5",
                "leverage": "10",
                "wallet_balance": "5000",
            },
            D("50200.80"),
        ),
        # R14: cross, WB 10,000, long 1 BTC; the ETH long (10 @ 3,000, mark 2,800, tier 1)
        # needs 112 of maintenance and is 2,000 down
        (
            {
                "side": "long",
                "margin_mode": "cross",
                "quantity": "1",
                "leverage": "10",
                "wallet_balance": "10000",
                "other_maintenance_margin": "112",
                "other_unrealized_pnl": "-2000",
            },
            D("52323.62"),
        ),
    ],
)
def test_liquidation_price_reproduces_the_reference_examples(inputs, expected):
    arguments = {
        key: D(v) if key not in ("side", "margin_mode") else v for key, v in inputs.items()
    }
    result = calculators.liquidation_price(
        venue="binance",
        symbol="BTCUSDT",
        entry_price=D("60000"),
        parameters_as_of="2024-05-28",  # margin-reference.md's tables
        **arguments,
    )
    assert abs(value(result, "liquidation_price") - expected) < REFERENCE_TOLERANCE


def test_other_positions_allowance_gives_the_engines_two_position_answer_exactly():
    btc = PositionSpec(
        id="BTC",
        symbol="BTCUSDT",
        side="long",
        margin_mode="cross",
        entry_price="60000",
        quantity="1",
        leverage="10",
    )
    eth = PositionSpec(
        id="ETH",
        symbol="ETHUSDT",
        side="long",
        margin_mode="cross",
        entry_price="3000",
        quantity="10",
        leverage="10",
        mark_price="2800",
    )
    engine = evaluate(AccountSpec(wallet_balance="10000", positions=(btc, eth)))
    eth_result = engine.position("ETH")
    result = calculators.liquidation_price(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="cross",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        wallet_balance=D("10000"),
        other_maintenance_margin=eth_result.maintenance_margin,
        other_unrealized_pnl=eth_result.unrealized_pnl,
    )
    assert value(result, "liquidation_price") == engine.position("BTC").liquidation_price


@pytest.mark.parametrize("venue", ["binance", "bybit", "okx", "hyperliquid", "dydx", "textbook"])
def test_liquidation_price_is_the_engines_for_every_rule_set(venue):
    # BTCUSDT: every venue publishes its tiers (Bybit's ETHUSDT table is not in the sources)
    spec = PositionSpec(
        id="P1",
        symbol="BTCUSDT",
        side="short",
        margin_mode="isolated",
        entry_price="2000",
        quantity="3",
        leverage="15",
    )
    engine = evaluate(AccountSpec(wallet_balance="400", positions=(spec,)), venue=venue)
    result = calculators.liquidation_price(
        venue=venue,
        symbol="BTCUSDT",
        side="short",
        margin_mode="isolated",
        entry_price=D("2000"),
        quantity=D("3"),
        leverage=D("15"),
    )
    assert value(result, "liquidation_price") == engine.positions[0].liquidation_price
    assert value(result, "bankruptcy_price") == engine.positions[0].bankruptcy_price
    assert any(note.startswith(engine.venue) or venue in note.lower() for note in result.notes)


def test_okx_counts_the_taker_fee_in_the_liquidation_test():
    common = {
        "venue": "okx",
        "symbol": "BTCUSDT",
        "side": "long",
        "margin_mode": "isolated",
        "entry_price": D("60000"),
        "quantity": D("1"),
        "leverage": D("10"),
    }
    without = calculators.liquidation_price(**common)
    with_fee = calculators.liquidation_price(**common, fee_rate=D("0.0005"))
    # long LP = (E - M/Q) / (1 - MMR - fee), OKX's tier 1 at 0.4%: 54,000 / 0.996 vs / 0.9955
    assert abs(value(without, "liquidation_price") - D("54000") / D("0.996")) < D("1e-20")
    assert abs(value(with_fee, "liquidation_price") - D("54000") / D("0.9955")) < D("1e-20")
    assert value(with_fee, "open_fee") == D("30")
    assert value(with_fee, "order_cost") == D("6030")


def test_liquidation_price_compares_with_the_other_margin_mode():
    result = calculators.liquidation_price(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("10"),
        wallet_balance=D("5000"),
    )
    assert "In cross margin the same position would be liquidated at 50,200.80" in " ".join(
        result.notes
    )


def test_cross_liquidation_explains_the_wallet_behind_the_position():
    result = calculators.liquidation_price(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="cross",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        wallet_balance=D("10000"),
        other_maintenance_margin=D("112"),
        other_unrealized_pnl=D("-2000"),
    )
    first = figure(result, "liquidation_price").workings[0]
    assert first.substituted == "10000 - 112 + -2000"
    assert first.value == "7,888.00"
    # The simulator gets the wallet left for this position, so it shows the same price.
    assert result.setup.wallet_balance == D("7888")


# 4. Max position -------------------------------------------------------------------------------


def test_max_position_is_capped_by_the_bracket_table_at_high_leverage():
    result = calculators.max_position(
        symbol="BTCUSDT", wallet_balance=D("10000"), leverage=D("100"), entry_price=D("60000")
    )
    # The balance would open 1,000,000 at 100x, but 100x stops at 800,000 of notional
    # (Binance's table of 2025-08-19).
    assert value(result, "max_notional") == D("800000")
    assert abs(value(result, "max_quantity") * 3 - 40) < D("1e-40")
    assert abs(value(result, "initial_margin") - D("8000")) < D("1e-40")
    assert result.table.highlighted_row == 1
    assert "bracket table, not your balance" in result.notes[0]


def test_max_position_is_the_balance_times_leverage_below_the_cap():
    result = calculators.max_position(
        symbol="BTCUSDT", wallet_balance=D("1000"), leverage=D("20"), entry_price=D("60000")
    )
    assert value(result, "max_notional") == D("20000")
    assert abs(value(result, "max_quantity") * 3 - 1) < D("1e-40")
    assert result.table.highlighted_row == 0


def test_max_position_leaves_room_for_the_open_fee():
    result = calculators.max_position(
        symbol="BTCUSDT",
        wallet_balance=D("1000"),
        leverage=D("10"),
        entry_price=D("60000"),
        fee_rate=D("0.0005"),
    )
    notional = value(result, "max_notional")
    assert abs(notional - D("9950.24875621890547263681592039800995")) < D("1e-30")
    assert abs(notional / 10 + notional * D("0.0005") - D("1000")) < D("1e-20")


@pytest.mark.parametrize(
    ("symbol", "leverage", "maximum"), [("BTCUSDT", "151", "150"), ("DOGEUSDT", "76", "75")]
)
def test_max_position_refuses_leverage_above_the_first_bracket(symbol, leverage, maximum):
    with pytest.raises(MarginError) as caught:
        calculators.max_position(
            symbol=symbol, wallet_balance=D("1000"), leverage=D(leverage), entry_price=D("1")
        )
    assert caught.value.field == "leverage"
    assert f"at most {maximum}x" in str(caught.value)


# 5. Average entry ------------------------------------------------------------------------------


def test_adding_to_a_long_averages_the_entry_and_matches_the_engines_merge():
    result = calculators.average_entry(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        wallet_balance=D("20000"),
        action="add",
        trade_price=D("55000"),
        trade_quantity=D("1"),
    )
    assert value(result, "entry_price") == D("57500")
    assert value(result, "quantity") == D("2")
    # The engine merges two positions on one symbol and side itself: same liquidation price.
    first = PositionSpec(
        id="A",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        entry_price="60000",
        quantity="1",
        leverage="10",
        mark_price="55000",
    )
    second = PositionSpec(
        id="B",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        entry_price="55000",
        quantity="1",
        leverage="10",
        mark_price="55000",
    )
    merged = evaluate(AccountSpec(wallet_balance="20000", positions=(first, second)))
    assert value(result, "liquidation_price") == merged.positions[0].liquidation_price
    rows = {row[0]: row[1:] for row in result.table.rows}
    assert rows["Isolated margin"] == ("6,000.00", "11,500.00")


def test_reducing_a_long_realizes_pnl_and_releases_margin_pro_rata():
    state = solve.trade_into(
        side="long",
        margin_mode="isolated",
        entry_price=D("60000"),
        quantity=D("1"),
        isolated_margin=D("6000"),
        wallet_balance=D("20000"),
        action="reduce",
        trade_price=D("63000"),
        trade_quantity=D("0.4"),
        leverage=D("10"),
    )
    assert state == solve.PositionAfterTrade(
        entry_price=D("60000"),
        quantity=D("0.6"),
        isolated_margin=D("3600"),
        wallet_balance=D("21200"),
        realized_pnl=D("1200"),
    )


def test_closing_the_whole_position_leaves_nothing_to_simulate():
    result = calculators.average_entry(
        venue="binance",
        symbol="BTCUSDT",
        side="short",
        margin_mode="cross",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        wallet_balance=D("20000"),
        action="reduce",
        trade_price=D("58000"),
        trade_quantity=D("1"),
    )
    assert value(result, "realized_pnl") == D("2000")
    assert value(result, "liquidation_price") is None
    assert result.setup is None


# 6. Funding ------------------------------------------------------------------------------------


def test_funding_on_binance_comes_out_of_the_isolated_wallet_and_moves_the_liquidation_price():
    result = calculators.funding_cost(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        funding_rate=D("0.0001"),
        funding_interval_hours=8,
        holding_hours=D("720"),
    )
    assert value(result, "payments") == 90
    assert value(result, "per_payment") == D("6")  # 1 x 60,000 x 0.0001
    assert value(result, "funding_total") == D("540")
    assert figure(result, "funding_total").label == "You pay"
    assert value(result, "isolated_margin_after") == D("5460")
    # Binance: LP = (margin - Q x E) / (Q x MMR - Q), tier 1 at 0.4% since 2025-08-19
    before = (D("6000") - D("60000")) / (D("0.004") - 1)
    after = (D("5460") - D("60000")) / (D("0.004") - 1)
    assert abs(value(result, "liquidation_price_before") - before) < D("1e-20")
    assert abs(value(result, "liquidation_price_after") - after) < D("1e-20")


def test_funding_on_bybit_comes_from_the_available_balance_first():
    result = calculators.funding_cost(
        venue="bybit",
        symbol="BTCUSDT",
        side="short",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("10"),
        funding_rate=D("-0.0001"),
        funding_interval_hours=8,
        holding_hours=D("720"),
    )
    assert figure(result, "funding_total").label == "You pay"
    assert value(result, "funding_total") == D("540")
    assert value(result, "liquidation_price_after") == value(result, "liquidation_price_before")


def test_funding_alone_can_liquidate_a_high_leverage_isolated_position():
    # 100x: margin 600, maintenance 240; 60 per payment -> 600 - 60k <= 240 from k = 6
    result = calculators.funding_cost(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        entry_price=D("60000"),
        quantity=D("1"),
        leverage=D("100"),
        funding_rate=D("0.001"),
        funding_interval_hours=8,
        holding_hours=D("240"),
    )
    assert "after 6 payments (about 48 hours)" in result.warnings[0]
    assert value(result, "liquidation_price_after") is None


def test_funding_refuses_more_payments_than_the_engine_replays():
    with pytest.raises(results.ToolInputError) as caught:
        calculators.funding_cost(
            venue="binance",
            symbol="BTCUSDT",
            side="long",
            entry_price=D("60000"),
            quantity=D("1"),
            leverage=D("10"),
            funding_rate=D("0.0001"),
            funding_interval_hours=1,
            holding_hours=D("87600"),
        )
    assert caught.value.field == "holding_hours"


# 7. Position size ------------------------------------------------------------------------------


def test_position_size_loses_exactly_the_risk_at_the_stop():
    result = calculators.position_size(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        wallet_balance=D("10000"),
        risk_fraction=D("0.01"),
        entry_price=D("60000"),
        stop_price=D("57000"),
        leverage=D("10"),
    )
    quantity = value(result, "quantity")
    assert quantity * 3000 == D("100")  # 100 / (60,000 - 57,000)
    assert abs(value(result, "notional") - D("2000")) < D("1e-40")
    assert abs(value(result, "loss_at_stop") - D("100")) < D("1e-40")
    assert abs(value(result, "implied_leverage") - D("0.2")) < D("1e-40")
    assert result.warnings == ()


def test_position_size_with_fees_counts_both_fills_in_the_risk():
    fee = D("0.0005")
    result = calculators.position_size(
        venue="binance",
        symbol="BTCUSDT",
        side="short",
        margin_mode="cross",
        wallet_balance=D("10000"),
        risk_fraction=D("0.01"),
        entry_price=D("60000"),
        stop_price=D("63000"),
        leverage=D("5"),
        fee_rate=fee,
    )
    # per coin: 3,000 + 0.0005 x 123,000 = 3,061.5
    assert abs(value(result, "quantity") * D("3061.5") - 100) < D("1e-40")
    assert abs(value(result, "loss_at_stop") - D("100")) < D("1e-40")


def test_stop_beyond_the_liquidation_price_raises_a_loud_warning():
    # 25x isolated long: LP = 60,000 x 0.96 / 0.996 = 57,831.33, above the stop at 57,000
    result = calculators.position_size(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        wallet_balance=D("10000"),
        risk_fraction=D("0.01"),
        entry_price=D("60000"),
        stop_price=D("57000"),
        leverage=D("25"),
    )
    assert len(result.warnings) == 1
    assert "liquidated before the stop can trigger" in result.warnings[0]
    assert "57,831.33" in result.warnings[0]
    # Safe below notional / (loss at the stop + MM there) = 2,000 / (100 + 1,900 x 0.4%) = 18.59x
    assert "Keep the leverage below 18.59x." in result.warnings[0]
    assert result.announcement == "Warning: liquidated at 57,831.33 before your stop at 57,000.00."


@pytest.mark.parametrize("venue", ["binance", "bybit", "okx", "hyperliquid", "textbook"])
@pytest.mark.parametrize("side", ["long", "short"])
def test_highest_safe_leverage_is_where_liquidation_reaches_the_stop(venue, side):
    stop = D("57000") if side == "long" else D("63000")
    common = {
        "venue": venue,
        "symbol": "BTCUSDT",
        "side": side,
        "margin_mode": "isolated",
        "wallet_balance": D("10000"),
        "risk_fraction": D("0.01"),
        "entry_price": D("60000"),
        "stop_price": stop,
    }
    safe = value(calculators.position_size(**common, leverage=D("5")), "safe_leverage")
    below = calculators.position_size(**common, leverage=safe * D("0.999"))
    above = calculators.position_size(**common, leverage=safe * D("1.001"))
    assert below.warnings == ()
    assert len(above.warnings) == 1


def test_position_size_refuses_a_leverage_the_balance_cannot_fund():
    with pytest.raises(results.ToolInputError) as caught:
        calculators.position_size(
            venue="binance",
            symbol="BTCUSDT",
            side="long",
            margin_mode="isolated",
            wallet_balance=D("1000"),
            risk_fraction=D("0.5"),
            entry_price=D("60000"),
            stop_price=D("59400"),
            leverage=D("1"),
        )
    assert caught.value.field == "leverage"
    assert "at least 50x" in str(caught.value)


def test_a_1x_long_has_no_liquidation_price_and_says_why():
    result = calculators.liquidation_price(
        venue="binance",
        symbol="BTCUSDT",
        side="long",
        margin_mode="isolated",
        entry_price=D("60000"),
        quantity=D("0.5"),
        leverage=D("1"),
    )
    price = figure(result, "liquidation_price")
    assert price.value is None
    assert price.display == "\u2014"
    assert "covers a fall to zero" in price.note
    assert figure(result, "distance_to_liquidation").workings == ()
