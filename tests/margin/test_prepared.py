"""An account prepared once (margin.replay.prepare) gives exactly what evaluate and replay give
when each starts from scratch: the shared evaluation is a saving, never a different answer."""

from decimal import Decimal

import pytest

from margin import (
    MarginError,
    compare_modes,
    evaluate,
    marked_to,
    prepare,
    replay,
    replay_prepared,
    shock,
    with_margin_mode,
)

from .factories import account, position

W4 = account(
    position(id="A", symbol="BTCUSDT", entry_price="65000", notional="10000", leverage="10"),
    position(id="B", symbol="ETHUSDT", entry_price="3400", notional="2500", leverage="5"),
    wallet="5000",
)
MIXED = account(
    position(id="A", symbol="BTCUSDT", entry_price="65000", notional="20000", leverage="20"),
    position(
        id="B",
        symbol="ETHUSDT",
        side="short",
        margin_mode="cross",
        entry_price="3400",
        notional="8000",
        leverage="10",
    ),
    position(id="C", symbol="BTCUSDT", entry_price="64000", notional="5000", leverage="10"),
    wallet="3000",
    taker_fee_rate=Decimal("0.0005"),
)
PATH = [
    {"BTCUSDT": Decimal("61000"), "ETHUSDT": Decimal("3600")},
    {"BTCUSDT": Decimal("57000"), "ETHUSDT": Decimal("3900")},
    {"BTCUSDT": Decimal("52000"), "ETHUSDT": Decimal("4400")},
]


@pytest.mark.parametrize("spec", [W4, MIXED, with_margin_mode(MIXED, "cross")])
def test_a_prepared_account_evaluates_and_replays_as_from_scratch(spec):
    prepared = prepare(spec)
    assert prepared.start == evaluate(spec)
    assert replay_prepared(prepared, PATH) == replay(spec, PATH)


def test_the_comparison_is_each_mode_evaluated_and_replayed_from_scratch():
    shocks = {"BTCUSDT": Decimal("-0.12")}
    comparison = compare_modes(W4, shocks=shocks)
    for mode, outcome in (("isolated", comparison.isolated), ("cross", comparison.cross)):
        converted = with_margin_mode(W4, mode)
        assert outcome.evaluation == evaluate(converted)
        marks = {
            p.symbol: p.mark_price or p.entry_price for p in shock(converted, shocks).positions
        }
        assert outcome.shocked == replay(converted, [marks])


def test_a_bad_account_and_a_bad_position_raise_what_evaluate_raises_first():
    both_bad = account(position(entry_price="65000", notional="-1"), wallet="-5")
    with pytest.raises(MarginError) as from_evaluate:
        evaluate(both_bad)
    with pytest.raises(MarginError) as from_prepare:
        prepare(both_bad)
    assert from_prepare.value.field == from_evaluate.value.field == "wallet_balance"


def test_marked_to_reports_the_mark_and_pnl_evaluate_reports_at_those_marks():
    moved = shock(W4, {"BTCUSDT": Decimal("-0.07"), "ETHUSDT": Decimal("0.05")})
    marks = {p.symbol: p.mark_price for p in moved.positions}
    expected = [(p.id, p.mark_price, p.unrealized_pnl) for p in evaluate(moved).positions]
    assert marked_to(prepare(W4), marks) == expected
