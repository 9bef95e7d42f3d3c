"""Invariants of the engine, checked by hypothesis on generated accounts."""

import dataclasses
from decimal import ROUND_CEILING, Decimal, localcontext

from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from margin import (
    BRACKET_TABLES,
    AccountSpec,
    evaluate,
    replay,
    top_up,
    with_margin_mode,
)
from margin.margins import PRECISION
from margin.markets import bracket_for
from tests.margin.factories import account, position

prices = st.decimals(min_value="100", max_value="100000", places=2)
quantities = st.decimals(min_value="0.001", max_value="40", places=3)
leverages = st.integers(min_value=1, max_value=20).map(Decimal)
sides = st.sampled_from(["long", "short"])
moves = st.decimals(min_value="-0.6", max_value="0.6", places=3)


def at_mark(spec: AccountSpec, mark: Decimal) -> AccountSpec:
    positions = tuple(dataclasses.replace(p, mark_price=mark) for p in spec.positions)
    return dataclasses.replace(spec, positions=positions)


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages,
    path=st.lists(moves, min_size=1, max_size=6),
)
def test_an_isolated_position_never_loses_more_than_its_margin(
    side, entry, quantity, leverage, path
):
    spec = account(position(side=side, entry_price=entry, quantity=quantity, leverage=leverage))
    free = evaluate(spec).account.cross_wallet_balance
    result = replay(spec, [{"BTCUSDT": entry * (1 + move)} for move in path])
    margin = evaluate(spec).positions[0].isolated_margin
    assert result.final_equity >= free
    for liquidation in result.events:
        assert liquidation.loss == margin


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages,
    mode=st.sampled_from(["isolated", "cross"]),
)
def test_at_the_liquidation_price_margin_balance_equals_maintenance(
    side, entry, quantity, leverage, mode
):
    spec = account(
        position(
            side=side, entry_price=entry, quantity=quantity, leverage=leverage, margin_mode=mode
        ),
        wallet="100000000",
    )
    result = evaluate(spec).positions[0]
    assume(result.liquidation_price is not None)
    there = evaluate(at_mark(spec, result.liquidation_price)).positions[0]
    assert abs(there.margin_balance - there.maintenance_margin) < Decimal("1e-30")


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages,
    extra=st.decimals(min_value="0", max_value="100000", places=2),
)
def test_cross_is_never_closer_to_entry_than_isolated_with_the_same_margin(
    side, entry, quantity, leverage, extra
):
    isolated = account(
        position(side=side, entry_price=entry, quantity=quantity, leverage=leverage),
        wallet="100000000",
    )
    margin = evaluate(isolated).positions[0].isolated_margin
    with localcontext() as exact:
        exact.prec = PRECISION
        wallet = margin + extra
    cross = with_margin_mode(dataclasses.replace(isolated, wallet_balance=wallet), "cross")
    lp_isolated = evaluate(isolated).positions[0].liquidation_price
    lp_cross = evaluate(cross).positions[0].liquidation_price
    if lp_isolated is None:
        assert lp_cross is None
    elif lp_cross is not None:
        assert abs(lp_cross - entry) >= abs(lp_isolated - entry) - Decimal("1e-30")


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages.filter(lambda x: x > 1),
    amount=st.decimals(min_value="0.01", max_value="5000", places=2),
)
def test_a_top_up_moves_the_liquidation_price_away_from_the_mark(
    side, entry, quantity, leverage, amount
):
    spec = account(position(side=side, entry_price=entry, quantity=quantity, leverage=leverage))
    before = evaluate(spec).positions[0].liquidation_price
    after = evaluate(top_up(spec, "A", amount)).positions[0].liquidation_price
    assume(before is not None)
    if side == "long":
        assert after is None or after < before
    else:
        assert after > before


@given(
    table=st.sampled_from(sorted(n for n, t in BRACKET_TABLES.items() if len(t.brackets) > 1)),
    index=st.integers(0, 20),
    offset=st.decimals(min_value="-1000", max_value="1000", places=4),
)
def test_maintenance_margin_is_continuous_across_bracket_boundaries(table, index, offset):
    brackets = BRACKET_TABLES[table].brackets
    boundary = brackets[index % (len(brackets) - 1)].cap
    below, above = boundary, boundary + abs(offset)
    mm = BRACKET_TABLES[table].maintenance_margin
    max_rate = max(b.maintenance_margin_rate for b in brackets)
    # Hyperliquid's rates are 1/(2 x max leverage), e.g. 1/30: not finite decimals, so the
    # comparison allows the last digit of the default 28-digit context
    assert abs(mm(above) - mm(below)) <= abs(offset) * max_rate + Decimal("1e-18")


@given(
    btc=st.tuples(sides, quantities, leverages, st.sampled_from(["isolated", "cross"])),
    eth=st.tuples(sides, quantities, leverages, st.sampled_from(["isolated", "cross"])),
    path=st.lists(st.tuples(moves, moves), min_size=1, max_size=5),
    fee=st.sampled_from([None, Decimal("0.0005")]),
    funding=st.sampled_from([Decimal("0"), Decimal("0.0001"), Decimal("-0.0003")]),
    extra=st.decimals(min_value="0", max_value="50000", places=2),
)
# Found by hypothesis: a cross initial margin of 30/17 USDT that does not terminate.
@example(
    btc=("long", Decimal("0.002"), Decimal(1), "isolated"),
    eth=("long", Decimal("0.001"), Decimal(17), "cross"),
    path=[(Decimal(0), Decimal(0))],
    fee=None,
    funding=Decimal(0),
    extra=Decimal("0.00"),
)
@settings(max_examples=150)
def test_equity_plus_insurance_fund_is_conserved_through_a_replay(
    btc, eth, path, fee, funding, extra
):
    spec = account(
        position(
            id="btc",
            side=btc[0],
            quantity=btc[1],
            leverage=btc[2],
            margin_mode=btc[3],
            entry_price="60000",
        ),
        position(
            id="eth",
            symbol="ETHUSDT",
            side=eth[0],
            quantity=eth[1] * 10,
            leverage=eth[2],
            margin_mode=eth[3],
            entry_price="3000",
        ),
        wallet="100000000",
        taker_fee_rate=fee,
        funding_rate=funding,
    )
    # a wallet just above the initial margins, so that liquidations happen
    needed = evaluate(spec).account
    with localcontext() as exact:
        exact.prec = PRECISION
        # the sum rounded up too: rounded to nearest, 82743.157...(50 digits) + 536.842... can
        # come to 83280 exactly, a hair short, which the rounding up below would keep
        exact.rounding = ROUND_CEILING
        initial = needed.isolated_margin + needed.cross_initial_margin + extra
    # Round up: a margin like 30/17 does not terminate, and a wallet rounded down to the working
    # precision would be refused, rightly, as a hair short of the initial margin.
    initial = initial.quantize(Decimal("1e-20"), rounding=ROUND_CEILING)
    spec = dataclasses.replace(spec, wallet_balance=initial)
    steps = [{"BTCUSDT": 60000 * (1 + b), "ETHUSDT": 3000 * (1 + e)} for b, e in path]
    result = replay(spec, steps, funding_every=1)
    event(f"liquidations: {bool(result.liquidated)}, fund: {result.insurance_fund.is_signed()}")
    open_pnl = sum(
        (p.unrealized_pnl for p in result.final.positions if p.status == "open"), Decimal(0)
    )
    expected = spec.wallet_balance + result.realized_pnl + open_pnl - result.fees - result.funding
    assert abs(result.final_equity + result.insurance_fund - expected) < Decimal("1e-20")


@given(entry=prices, mark=prices, quantity=quantities, leverage=leverages)
def test_long_and_short_mirror_each_other(entry, mark, quantity, leverage):
    long = evaluate(
        account(position(entry_price=entry, mark_price=mark, quantity=quantity, leverage=leverage))
    ).positions[0]
    short = evaluate(
        account(
            position(
                side="short",
                entry_price=entry,
                mark_price=mark,
                quantity=quantity,
                leverage=leverage,
            )
        )
    ).positions[0]
    assert long.unrealized_pnl == -short.unrealized_pnl
    assert long.maintenance_margin == short.maintenance_margin
    if leverage == 1:  # a 1x long goes bankrupt only at zero: no price
        assert long.bankruptcy_price is None
    else:
        assert entry - long.bankruptcy_price == short.bankruptcy_price - entry


@given(
    specs=st.lists(
        st.tuples(
            st.sampled_from(["BTCUSDT", "ETHUSDT", "SOLUSDT"]),
            sides,
            quantities,
            st.integers(1, 10),
        ),
        min_size=2,
        max_size=4,
        unique_by=lambda t: (t[0], t[1]),
    ),
    mode=st.sampled_from(["isolated", "cross"]),
    order=st.randoms(),
)
def test_results_do_not_depend_on_the_order_of_positions(specs, mode, order):
    entries = {"BTCUSDT": "60000", "ETHUSDT": "3000", "SOLUSDT": "150"}
    positions = [
        position(
            id=f"{symbol}-{side}",
            symbol=symbol,
            side=side,
            quantity=quantity,
            leverage=Decimal(leverage),
            entry_price=entries[symbol],
            margin_mode=mode,
            mark_price=Decimal(entries[symbol]) * Decimal("0.97"),
        )
        for symbol, side, quantity, leverage in specs
    ]
    shuffled = positions[:]
    order.shuffle(shuffled)
    first = evaluate(account(*positions, wallet="10000000"))
    second = evaluate(account(*shuffled, wallet="10000000"))
    assert {p.id: p for p in first.positions} == {p.id: p for p in second.positions}
    assert first.account == second.account


@given(side=sides, entry=prices, quantity=quantities, low=leverages, high=leverages)
def test_more_leverage_brings_the_liquidation_price_closer(side, entry, quantity, low, high):
    assume(low < high)

    def distance(leverage):
        result = evaluate(
            account(position(side=side, entry_price=entry, quantity=quantity, leverage=leverage))
        ).positions[0]
        return result.distance_to_liquidation

    closer, further = distance(high), distance(low)
    assert closer is not None
    assert further is None or closer < further


@given(side=sides, entry=prices, quantity=quantities, leverage=leverages.filter(lambda x: x > 1))
def test_the_bankruptcy_price_lies_beyond_the_liquidation_price(side, entry, quantity, leverage):
    result = evaluate(
        account(position(side=side, entry_price=entry, quantity=quantity, leverage=leverage))
    ).positions[0]
    if side == "long":
        assert result.bankruptcy_price < result.liquidation_price < entry
    else:
        assert entry < result.liquidation_price < result.bankruptcy_price


@given(
    side=sides,
    entry=prices,
    quantity=quantities,
    leverage=leverages,
    mode=st.sampled_from(["isolated", "cross"]),
)
def test_the_liquidation_price_lies_in_the_bracket_it_was_solved_in(
    side, entry, quantity, leverage, mode
):
    spec = account(
        position(
            side=side,
            entry_price=entry,
            quantity=quantity * 50,
            leverage=min(leverage, Decimal(5)),
            margin_mode=mode,
        ),
        wallet="10000000000",
    )
    result = evaluate(spec).positions[0]
    assume(result.liquidation_price is not None)
    notional = result.quantity * result.liquidation_price
    bracket = bracket_for("BTCUSDT", notional)
    basis = result.liquidation_basis
    # at a boundary both neighbouring brackets give the same price
    assert bracket.maintenance_margin_rate == basis.maintenance_margin_rate or (
        abs(notional - bracket.cap) < Decimal("1e-20")
        or abs(notional - bracket.floor) < Decimal("1e-20")
    )


@given(side=sides, entry=prices, mark=prices, quantity=quantities, leverage=leverages)
def test_status_is_liquidated_exactly_when_the_mark_is_past_the_liquidation_price(
    side, entry, mark, quantity, leverage
):
    result = evaluate(
        account(
            position(
                side=side, entry_price=entry, mark_price=mark, quantity=quantity, leverage=leverage
            )
        )
    ).positions[0]
    lp = result.liquidation_price
    past = lp is not None and (mark <= lp if side == "long" else mark >= lp)
    assert (result.status == "liquidated") == past


@given(
    side=sides,
    entry=st.decimals(min_value="10000", max_value="100000", places=1),
    contracts=st.integers(1, 2000),
    leverage=leverages,
)
def test_coin_margined_balance_equals_maintenance_at_the_liquidation_price(
    side, entry, contracts, leverage
):
    spec = account(
        position(
            symbol="BTCUSD", side=side, entry_price=entry, contracts=contracts, leverage=leverage
        ),
        wallet="1000",
        collateral="BTC",
    )
    result = evaluate(spec).positions[0]
    assume(result.liquidation_price is not None)
    there = evaluate(at_mark(spec, result.liquidation_price)).positions[0]
    assert abs(there.margin_balance - there.maintenance_margin) < Decimal("1e-30")
