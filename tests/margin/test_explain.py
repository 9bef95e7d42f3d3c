"""explain: each derivation, with the learner's numbers put in, computes the figure it explains."""

import dataclasses
import re
from decimal import Decimal, localcontext

import pytest

from margin import MarginError, evaluate, explain
from tests.margin.factories import (
    BINANCE_2024_TABLES,
    BYBIT_CLASSIC_DAY,
    account,
    close_to,
    position,
)

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)")


def compute(substituted: str) -> Decimal:
    """Evaluate a substituted formula exactly: ``x`` multiplies, numbers become Decimals."""
    expression = NUMBER.sub(r"Decimal('\1')", substituted.replace(" x ", " * "))
    with localcontext() as context:
        context.prec = 50
        return eval(expression, {"Decimal": Decimal})  # noqa: S307 - our own formula text


R14 = account(
    position(id="BTC", margin_mode="cross", entry_price="60000", quantity="1"),
    position(
        id="ETH",
        symbol="ETHUSDT",
        margin_mode="cross",
        entry_price="3000",
        mark_price="2800",
        quantity="10",
    ),
    wallet="10000",
    parameters_as_of=BINANCE_2024_TABLES,  # margin-reference.md's R14 (the 2024-10 tables)
)
# Bybit has no published ETHUSDT tiers: the ETH position brings its own rate; on the day before
# Bybit's mark-price rule the explanation is the classic entry-value formula.
R14_BYBIT = account(
    position(id="BTC", margin_mode="cross", entry_price="60000", quantity="1"),
    position(
        id="ETH",
        symbol="ETHUSDT",
        margin_mode="cross",
        entry_price="3000",
        mark_price="2800",
        quantity="10",
        maintenance_margin_rate="0.005",
    ),
    wallet="10000",
    parameters_as_of=BYBIT_CLASSIC_DAY,
)


@pytest.mark.parametrize(
    ("spec", "venue", "figure"),
    [
        (R14, "binance", "liquidation_price"),
        (R14, "binance", "bankruptcy_price"),
        (R14, "binance", "maintenance_margin"),
        (R14, "binance", "initial_margin"),
        (R14_BYBIT, "bybit", "liquidation_price"),
        (dataclasses.replace(R14_BYBIT, parameters_as_of=None), "bybit", "liquidation_price"),
        (
            account(position(side="short", entry_price="60000", quantity="0.5", leverage="20")),
            "binance",
            "liquidation_price",
        ),
        (
            account(
                position(
                    side="short",
                    entry_price="60000",
                    mark_price="61000",
                    quantity="0.5",
                    leverage="20",
                )
            ),
            "binance",
            "unrealized_pnl",
        ),
        (
            account(
                position(
                    symbol="BTCUSD",
                    side="long",
                    entry_price="25000",
                    contracts="100",
                    maintenance_margin_rate="0.004",
                ),
                wallet="1",
                collateral="BTC",
            ),
            "binance",
            "liquidation_price",
        ),
        (
            account(
                position(
                    symbol="BTCUSD",
                    side="short",
                    margin_mode="cross",
                    entry_price="25000",
                    contracts="100",
                ),
                wallet="0.1",
                collateral="BTC",
            ),
            "binance",
            "liquidation_price",
        ),
    ],
)
def test_the_substituted_formula_computes_the_figure(spec, venue, figure):
    result = evaluate(spec, venue=venue).positions[0]
    steps = explain(result, figure)
    last = steps[-1]
    assert last.value == getattr(result, figure)
    # the explanation shows numbers rounded to 8 decimals, so allow for that rounding
    assert close_to(compute(last.substituted), str(last.value), "0.0001")
    assert re.fullmatch(r"C\d\d", last.concept_id)


def test_a_cross_explanation_names_the_other_positions_at_their_marks():
    result = evaluate(R14).position("BTC")
    labels = {step.label: step for step in explain(result, "liquidation_price")}
    assert labels["TMM1 and UPNL1"].substituted == "TMM1 = 112, UPNL1 = -2000"
    assert labels["Bracket at the liquidation price"].substituted == "MMR = 0.005, cum = 50"


def test_account_figures_are_explained_too():
    steps = explain(evaluate(R14).account, "margin_ratio")
    assert close_to(compute(steps[0].substituted), str(steps[0].value), "1e-8")


def test_an_unknown_figure_is_refused():
    with pytest.raises(MarginError):
        explain(evaluate(R14).positions[0], "vibes")
