"""Replay: liquidation order, insurance fund, funding and fees, and the path's rules."""

from decimal import Decimal

import pytest

from margin import MAX_REPLAY_STEPS, MarginError, errors, replay
from tests.margin.factories import BINANCE_2024_TABLES, account, position


def test_leftover_isolated_margin_goes_to_the_insurance_fund():
    spec = account(position(entry_price="60000", quantity="1"), wallet="10000")
    # 54,100 is below the 54,221.11 liquidation price, above the 54,000 bankruptcy price
    result = replay(spec, [{"BTCUSDT": "54100"}])
    (event,) = result.events
    assert event.loss == Decimal("6000")
    assert event.insurance_fund == Decimal("100")  # 6,000 margin - 5,900 loss
    assert result.insurance_fund == Decimal("100")
    assert result.final_equity == Decimal("4000")


def test_cross_liquidation_stops_once_the_account_is_healthy_again():
    # A big loser and a small winner; closing the loser frees its maintenance and the account
    # is healthy again, so the winner survives.
    spec = account(
        position(id="loser", margin_mode="cross", entry_price="60000", quantity="1", leverage="20"),
        position(
            id="winner",
            symbol="ETHUSDT",
            side="short",
            margin_mode="cross",
            entry_price="3000",
            quantity="100",
            leverage="20",
        ),
        wallet="20000",
        parameters_as_of=BINANCE_2024_TABLES,
    )
    # margin balance 1,500; maintenance 126 (BTC) + 1,400 (ETH): liquidated, and healthy again
    # once the BTC long is closed
    result = replay(spec, [{"BTCUSDT": "31500", "ETHUSDT": "2900"}])
    liquidations = [e.position for e in result.events if e.type == "liquidation"]
    assert liquidations == ["loser"]
    assert result.final.position("winner").status == "open"


def test_a_cross_account_gone_below_zero_is_covered_by_the_insurance_fund():
    spec = account(position(margin_mode="cross", entry_price="60000", quantity="1"), wallet="6000")
    result = replay(spec, [{"BTCUSDT": "50000"}])
    assert [e.type for e in result.events] == ["liquidation", "insurance"]
    assert result.events[-1].insurance_fund == Decimal("-4000")
    assert result.final_equity == Decimal("0")


def test_binance_takes_isolated_funding_from_the_isolated_wallet_bybit_from_the_available():
    spec = account(
        position(entry_price="60000", quantity="1"), wallet="10000", funding_rate=Decimal("0.001")
    )
    path = [{"BTCUSDT": "60000"}] * 3
    binance = replay(spec, path, funding_every=1)
    bybit = replay(spec, path, funding_every=1, venue="bybit")
    assert binance.final.account.cross_wallet_balance == Decimal("4000")
    assert binance.final.positions[0].isolated_margin == Decimal("5820")  # 6,000 - 3 x 60
    assert bybit.final.account.cross_wallet_balance == Decimal("3820")  # 4,000 available
    assert bybit.final.positions[0].isolated_margin == Decimal("6000")
    assert binance.funding == bybit.funding == Decimal("180")


def test_shorts_receive_funding_when_the_rate_is_positive():
    spec = account(position(side="short", entry_price="60000", quantity="1"), wallet="10000")
    result = replay(spec, [{"BTCUSDT": "60000"}], funding_rate="0.0001", funding_every=1)
    assert result.events[0].loss == Decimal("-6")
    assert result.final_equity == Decimal("10006")


def test_a_position_already_past_liquidation_is_liquidated_at_step_zero():
    spec = account(position(entry_price="60000", mark_price="50000", quantity="1"), wallet="10000")
    result = replay(spec, [])
    assert [(e.step, e.type) for e in result.events] == [(0, "liquidation")]


def test_the_path_may_only_move_symbols_the_account_holds():
    spec = account(position(entry_price="60000", quantity="1"), wallet="10000")
    with pytest.raises(MarginError) as caught:
        replay(spec, [{"ETHUSDT": "3000"}])
    assert caught.value.message == errors.PATH_UNKNOWN_SYMBOL.format(symbol="ETHUSDT")


def test_a_path_price_must_be_positive():
    spec = account(position(entry_price="60000", quantity="1"), wallet="10000")
    with pytest.raises(MarginError) as caught:
        replay(spec, [{"BTCUSDT": "0"}])
    assert caught.value.field == "path"


def test_a_path_longer_than_the_cap_is_refused():
    spec = account(position(entry_price="60000", quantity="1"), wallet="10000")
    with pytest.raises(MarginError):
        replay(spec, [{"BTCUSDT": "60000"}] * (MAX_REPLAY_STEPS + 1))


def test_equity_is_recorded_at_every_step():
    spec = account(position(entry_price="60000", quantity="1"), wallet="10000")
    result = replay(spec, [{"BTCUSDT": "61000"}, {"BTCUSDT": "59000"}])
    assert result.equity == (Decimal("10000"), Decimal("11000"), Decimal("9000"))
