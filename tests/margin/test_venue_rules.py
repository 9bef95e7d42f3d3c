"""The venue rules of venue-parameters.md as properties: funding from the right wallet, no wallet
below zero, Bybit's mark-price basis since 2025-09-02, its fee to close, and mode scope."""

import dataclasses
from decimal import ROUND_CEILING, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from margin import MarginError, evaluate, replay
from tests.margin.factories import BYBIT_CLASSIC_DAY, account, position

prices = st.decimals(min_value="1000", max_value="100000", places=2)
quantities = st.decimals(min_value="0.001", max_value="4", places=3)
leverages = st.integers(min_value=2, max_value=20).map(Decimal)
sides = st.sampled_from(["long", "short"])
rates = st.decimals(min_value="0.00001", max_value="0.003", places=5)
venues = st.sampled_from(["binance", "bybit", "hyperliquid", "dydx"])


@given(side=sides, entry=prices, quantity=quantities, leverage=leverages, rate=rates)
def test_paid_funding_moves_a_binance_isolated_price_towards_the_mark_received_away(
    side, entry, quantity, leverage, rate
):
    spec = position(side=side, entry_price=entry, quantity=quantity, leverage=leverage)
    before = evaluate(account(spec)).positions[0].liquidation_price
    # a long pays at a positive rate, a short at a negative one
    paying = rate if side == "long" else -rate
    for funding, direction in ((paying, "towards"), (-paying, "away")):
        result = replay(account(spec, funding_rate=funding), [{"BTCUSDT": entry}], funding_every=1)
        after = result.final.positions[0]
        if after.status == "liquidated":
            continue
        moved_up = after.liquidation_price is not None and (
            before is None or after.liquidation_price > before
        )
        towards = moved_up if side == "long" else not moved_up
        assert towards == (direction == "towards")
        # the isolated wallet paid or received it, the cross wallet did not move
        assert (
            result.final.account.cross_wallet_balance
            == evaluate(account(spec)).account.cross_wallet_balance
        )


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages,
    rate=st.decimals(min_value="-0.05", max_value="0.05", places=4),
    spare=st.decimals(min_value="0", max_value="50", places=2),
    mode=st.sampled_from(["isolated", "cross"]),
    venue=venues,
    steps=st.integers(1, 30),
)
def test_no_wallet_ever_goes_below_zero_when_funding_is_paid(
    side, entry, quantity, leverage, rate, spare, mode, venue, steps
):
    spec = position(
        side=side, margin_mode=mode, entry_price=entry, quantity=quantity, leverage=leverage
    )
    start = evaluate(account(spec), venue=venue).positions[0]
    wallet = (start.initial_margin + spare).quantize(Decimal("0.00000001"), ROUND_CEILING)
    result = replay(
        account(spec, wallet=str(wallet), funding_rate=rate),
        [{"BTCUSDT": entry}] * steps,
        funding_every=1,
        venue=venue,
    )
    assert result.final.account.cross_wallet_balance >= 0
    for p in result.final.positions:
        if p.status == "open" and p.isolated_margin is not None:
            assert p.isolated_margin >= 0
    # money is only moved: what the wallets could not pay, the insurance fund did
    paid_by_fund = -sum((e.insurance_fund for e in result.events if e.type == "insurance"), 0)
    assert paid_by_fund >= 0


@given(side=sides, entry=prices, quantity=quantities, move=st.decimals("-0.02", "0.02", places=4))
def test_bybit_maintenance_follows_the_mark_since_2025_09_02_and_the_entry_before(
    side, entry, quantity, move
):
    mark = entry * (1 + move)
    spec = position(side=side, entry_price=entry, mark_price=mark, quantity=quantity, leverage="10")
    new = evaluate(account(spec, parameters_as_of="2026-01-01"), venue="bybit").positions[0]
    old = evaluate(account(spec, parameters_as_of=BYBIT_CLASSIC_DAY), venue="bybit").positions[0]
    rate = new.maintenance_margin_rate
    assert new.maintenance_margin == quantity * mark * rate - new.maintenance_amount
    assert old.maintenance_margin == quantity * entry * rate - old.maintenance_amount
    assert new.maintenance_basis == "mark"
    assert old.maintenance_basis == "entry"


@given(side=sides, entry=prices, quantity=quantities, leverage=leverages)
def test_binance_cross_available_balance_holds_the_initial_margin_at_the_mark(
    side, entry, quantity, leverage
):
    mark = entry * Decimal("1.01")
    spec = position(
        side=side,
        margin_mode="cross",
        entry_price=entry,
        mark_price=mark,
        quantity=quantity,
        leverage=leverage,
    )
    result = evaluate(account(spec, wallet=str(quantity * entry)), venue="binance").account
    with localcontext() as exact:
        exact.prec = 50
        expected = result.cross_margin_balance - quantity * mark / leverage
    assert result.available_balance == max(Decimal("0"), expected)


@given(entry=prices, quantity=quantities, leverage=leverages, side=sides)
def test_bybits_fee_to_close_is_in_both_margins_so_the_isolated_price_ignores_it(
    entry, quantity, leverage, side
):
    spec = position(side=side, entry_price=entry, quantity=quantity, leverage=leverage)
    with_fee = evaluate(account(spec, taker_fee_rate="0.00055"), venue="bybit").positions[0]
    without = evaluate(account(spec), venue="bybit").positions[0]
    tiny = Decimal("1e-40")  # the last of the engine's 50 digits
    with localcontext() as exact:
        exact.prec = 50
        margin_gap = with_fee.isolated_margin - without.isolated_margin - with_fee.close_fee
        maintenance_gap = (
            with_fee.maintenance_margin - without.maintenance_margin - with_fee.close_fee
        )
    assert abs(margin_gap) < tiny
    assert abs(maintenance_gap) < tiny
    assert abs(with_fee.liquidation_price - without.liquidation_price) < Decimal("1e-30")


def test_a_bybit_account_is_all_isolated_or_all_cross():
    spec = account(
        position(id="A", margin_mode="isolated", entry_price="60000", quantity="0.1"),
        position(
            id="B",
            symbol="ETHUSDT",
            margin_mode="cross",
            entry_price="3000",
            quantity="1",
            maintenance_margin_rate="0.01",
        ),
    )
    with pytest.raises(MarginError) as raised:
        evaluate(spec, venue="bybit")
    assert (raised.value.field, raised.value.position_id) == ("margin_mode", "B")
    assert "whole account" in raised.value.message
    # Binance scopes the mode per symbol: the same account is fine there
    evaluate(spec)


def test_a_venue_never_lends_another_venues_table():
    spec = account(position(symbol="SOLUSDT", entry_price="85", quantity="10"))
    with pytest.raises(MarginError) as raised:
        evaluate(spec, venue="bybit")
    assert raised.value.field == "maintenance_margin_rate"
    own_rate = account(
        position(symbol="SOLUSDT", entry_price="85", quantity="10", maintenance_margin_rate="0.01")
    )
    assert evaluate(own_rate, venue="bybit").positions[0].bracket_table is None


def test_an_old_day_picks_the_table_then_in_force_and_the_result_says_so():
    spec = position(entry_price="60000", quantity="1")
    result = evaluate(account(spec, parameters_as_of="2024-06-01"))
    assert result.parameters_as_of == "2024-06-01"
    assert result.positions[0].bracket_table == "binance-BTCUSDT-2024-05-28"
    assert result.positions[0].parameters_source.startswith("https://www.binance.com/")
    with pytest.raises(MarginError) as raised:
        evaluate(account(spec, parameters_as_of="28 May 2024"))
    assert raised.value.field == "parameters_as_of"
    with pytest.raises(MarginError) as raised:
        evaluate(
            account(
                position(symbol="SOLUSDT", entry_price="85", quantity="10"),
                parameters_as_of="2024-01-01",
            )
        )
    assert "2024-08-29" in raised.value.message


def test_hedge_mode_uses_one_mark_per_symbol():
    long = position(id="L", margin_mode="cross", entry_price="60000", quantity="1")
    short = position(id="S", side="short", margin_mode="cross", entry_price="62000", quantity="0.5")
    marked = dataclasses.replace(long, mark_price=Decimal("61000"))
    result = evaluate(account(marked, short, wallet="10000"))
    assert {p.mark_price for p in result.positions} == {Decimal("61000")}
    assert result.position("L").liquidation_price == result.position("S").liquidation_price
    other = dataclasses.replace(short, mark_price=Decimal("61500"))
    with pytest.raises(MarginError) as raised:
        evaluate(account(marked, other, wallet="10000"))
    assert (raised.value.field, raised.value.position_id) == ("mark_price", "S")
