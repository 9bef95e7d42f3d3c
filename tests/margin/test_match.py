"""Match my exchange: the shown liquidation price reproduced, or the step that explains it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from margin import MarginError, Side, evaluate, replay
from margin.match import adverse_round, match_exchange
from tests.margin.factories import account, position


def eleven_btc(**fields):
    return account(position(entry_price="60000", quantity="11", leverage="10", **fields))


def test_todays_binance_price_is_reproduced_within_the_tick():
    result = match_exchange(eleven_btc(), "54243.95")
    assert result.matched
    assert result.displayed == Decimal("54243.94")  # a long's price rounded down


def test_a_position_on_the_tiers_of_2024_05_28_is_explained_by_the_parameter_set():
    result = match_exchange(eleven_btc(), "54266.79")
    assert not result.matched
    (step,) = [s for s in result.explanations if s.step == "parameter set"]
    assert "binance-BTCUSDT-2024-05-28" in step.change
    assert "2024-05-28" in step.suggestion


def test_bybits_classic_example_is_explained_by_the_rule_before_2025_09_02():
    spec = account(position(entry_price="20000", quantity="1", leverage="50"), wallet="1000")
    result = match_exchange(spec, "19700", venue="bybit")
    steps = {s.step for s in result.explanations}
    assert "mark vs entry" in steps


def test_a_funding_payment_is_named_with_its_size():
    # 100 USDT less isolated margin moves the 11 BTC long's price up by 100 / (11 x 0.995)
    ours = evaluate(eleven_btc()).positions[0].liquidation_price
    shown = ours + Decimal("100") / (Decimal("11") * Decimal("0.995"))
    result = match_exchange(eleven_btc(), shown)
    (funding,) = [s for s in result.steps if s.step == "funding"]
    assert funding.change.startswith("100 USDT of funding paid")


def test_bad_inputs_name_their_field():
    with pytest.raises(MarginError) as raised:
        match_exchange(eleven_btc(), "0")
    assert raised.value.field == "shown_liquidation_price"
    with pytest.raises(MarginError) as raised:
        match_exchange(account(), "1")
    assert raised.value.field == "positions"


@given(
    side=st.sampled_from(["long", "short"]),
    entry=st.decimals(min_value="100", max_value="100000", places=2),
    quantity=st.decimals(min_value="0.001", max_value="5", places=3),
    leverage=st.integers(2, 100).map(Decimal),
)
def test_a_position_replayed_to_the_displayed_liquidation_price_is_liquidated_there(
    side, entry, quantity, leverage
):
    spec = account(position(side=side, entry_price=entry, quantity=quantity, leverage=leverage))
    result = evaluate(spec).positions[0]
    if result.liquidation_price is None:
        return
    shown = adverse_round(result.liquidation_price, Decimal("0.01"), Side(side))
    after = replay(spec, [{"BTCUSDT": shown}])
    assert after.final.positions[0].status == "liquidated"
