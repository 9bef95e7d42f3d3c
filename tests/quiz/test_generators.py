import random
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml

import margin as engine
from quiz import generators
from quiz.generators import GeneratorError, check_parameter_ranges, draw_question, fill_prompt

BANK = Path(__file__).resolve().parents[2] / "quiz" / "content" / "questions"
DRAWS_PER_QUESTION = 150


def generated_questions():
    entries = []
    for path in sorted(BANK.glob("*.yaml")):
        entries += [e for e in yaml.safe_load(path.read_text()) if e.get("kind") == "generated"]
    return entries


# Binance BTCUSDT brackets in force since 2025-08-19 (venue parameters): cap, rate, amount.
BTCUSDT_FIRST_TIERS = (
    (Decimal("300000"), Decimal("0.004"), Decimal("0")),
    (Decimal("800000"), Decimal("0.005"), Decimal("300")),
    (Decimal("3000000"), Decimal("0.0065"), Decimal("1500")),
)


def independent_answer(generator: str, p: dict) -> Decimal:
    """The margin reference's closed forms, written out again without the engine."""
    d = {k: Decimal(v) for k, v in p.items() if k not in {"side", "symbol", "venue"}}
    s = Decimal(1) if p["side"] == "long" else Decimal(-1)
    entry, leverage = d["entry_price"], d["leverage"]
    if generator == "inverse_initial_margin":
        return d["contracts"] * 100 / entry / leverage  # $100 contracts, margined in BTC
    if generator == "tier_maintenance_margin":
        notional = d["notional"]
        for cap, rate, amount in BTCUSDT_FIRST_TIERS:
            if notional <= cap:
                return notional * rate - amount
        raise AssertionError(notional)
    if generator == "funding_payment":
        return s * d["quantity"] * entry * d["funding_rate"]
    # Each formula below uses only what its draw sets: None (Any here) for the rest.
    quantity: Any = d.get("quantity")
    margin: Any = d.get("isolated_margin")
    if quantity is None:
        quantity = margin * leverage / entry
    mmr = d.get("maintenance_margin_rate", Decimal(0))

    def binance(wallet):
        return (wallet - s * quantity * entry) / (quantity * mmr - s * quantity)

    if generator == "isolated_liquidation_price":
        if p.get("venue") == "textbook":
            return entry * (1 - s / leverage + s * mmr)
        return binance(margin)
    if generator == "bankruptcy_price":
        return entry - s * margin / quantity
    if generator == "initial_margin":
        return quantity * entry / leverage
    if generator == "top_up_liquidation_price":
        return binance(margin + d["top_up"])
    if generator == "liquidation_distance_percent":
        return (1 / leverage - mmr) * 100
    if generator == "unrealized_pnl":
        return s * quantity * (entry * (1 + d["shock"]) - entry)
    if generator == "cross_liquidation_price":
        return binance(d["wallet_balance"])
    raise AssertionError(generator)


@pytest.mark.parametrize("entry", generated_questions(), ids=lambda e: e["id"])
def test_generated_answers_agree_with_the_reference_formulas_over_many_draws(entry):
    rng = random.Random(entry["id"])
    seen_sides = set()
    for _ in range(DRAWS_PER_QUESTION):
        draw = draw_question(
            generator_name=entry["generator"],
            ranges=entry.get("parameters"),
            prompt=entry["prompt"],
            rng=rng,
        )
        with localcontext() as context:
            context.prec = 50
            expected = independent_answer(entry["generator"], draw.parameters)
        assert abs(draw.expected - expected) <= abs(expected) * Decimal("1e-20") + Decimal(
            "1e-20"
        ), draw.parameters
        assert draw.engine_version == engine.ENGINE_VERSION
        assert "{" not in draw.prompt, draw.prompt
        seen_sides.add(draw.parameters["side"])
    side_range = entry.get("parameters", {}).get("side")
    if isinstance(side_range, dict) and len(side_range["choices"]) > 1:
        assert seen_sides == {"long", "short"}


def test_the_w6_draw_reproduces_erratum_e1_figures():
    params = {
        "symbol": "BTCUSDT",
        "side": "long",
        "entry_price": "65000",
        "leverage": "10",
        "isolated_margin": "1000",
        "maintenance_margin_rate": "0.005",
        "venue": "binance",
    }
    assert generators.isolated_liquidation_price(params).quantize(Decimal("0.01")) == Decimal(
        "58793.97"
    )
    assert generators.bankruptcy_price(params).quantize(Decimal("0.01")) == Decimal("58500.00")
    textbook = generators.isolated_liquidation_price({**params, "venue": "textbook"})
    assert textbook.quantize(Decimal("0.01")) == Decimal("58825.00")


def test_a_top_up_moves_a_long_liquidation_price_down_and_a_short_one_up():
    base = {
        "symbol": "BTCUSDT",
        "entry_price": "60000",
        "leverage": "10",
        "isolated_margin": "1000",
        "maintenance_margin_rate": "0.005",
        "venue": "binance",
    }
    for side, direction in (("long", -1), ("short", 1)):
        before = generators.isolated_liquidation_price({**base, "side": side})
        after = generators.top_up_liquidation_price({**base, "side": side, "top_up": "500"})
        assert (after - before) * direction > 0


def test_the_same_seed_draws_the_same_parameters():
    entry = generated_questions()[0]
    first = draw_question(
        generator_name=entry["generator"],
        ranges=entry["parameters"],
        prompt=entry["prompt"],
        rng=random.Random(7),
    )
    again = draw_question(
        generator_name=entry["generator"],
        ranges=entry["parameters"],
        prompt=entry["prompt"],
        rng=random.Random(7),
    )
    assert first == again


def test_ranges_draw_only_whole_steps_between_min_and_max():
    rng = random.Random(3)
    values = {
        Decimal(
            generators.draw_parameters("initial_margin", {"entry_price": spec}, rng)["entry_price"]
        )
        for spec in [{"min": "100", "max": "102", "step": "0.5"}] * 200
    }
    assert values == {Decimal(v) for v in ("100", "100.5", "101", "101.5", "102")}


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({"colour": "red"}, "Unknown parameter(s) colour"),
        ({"leverage": {"choices": []}}, "non-empty list"),
        ({"leverage": {"min": "10", "max": "5"}}, "min <= max"),
        ({"leverage": {"min": "a", "max": "5"}}, "give 'choices'"),
        ({"side": "up"}, "side: use 'long' or 'short'"),
        ({"leverage": "500"}, "The engine refused a draw"),
        ({"entry_price": "-5"}, "The engine refused a draw"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_ranges_are_refused_with_a_message_an_instructor_can_act_on(ranges, message):
    with pytest.raises(GeneratorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_parameter_ranges("isolated_liquidation_price", ranges)


def test_prompts_fill_known_placeholders_and_keep_unknown_ones_visible():
    params = {"side": "short", "entry_price": "3150", "leverage": "12", "symbol": "ETHUSDT"}
    text = fill_prompt("{leverage}x {side} on {base} at ${entry_price} {typo}", params)
    assert text == "12x short on ETH at $3,150 {typo}"


def test_money_is_shown_with_thousands_separators_and_no_trailing_zeros():
    assert generators.format_number(Decimal("58793.969849"), 2) == "58,793.97"
    assert generators.format_number(Decimal("65000.00")) == "65,000"
    assert generators.format_number(Decimal("0.50")) == "0.5"
