from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.scoring import (
    NUMBER_COMMA,
    NUMBER_NOT_UNDERSTOOD,
    NUMBER_TOO_LARGE,
    NUMBER_TOO_LONG,
    NumberError,
    allowed_error,
    parse_number,
    score_multiple,
    score_numeric,
    score_single,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("58793.97", "58793.97"),
        ("58,793.97", "58793.97"),
        ("$58,793.97", "58793.97"),
        (" 58 793.97 ", "58793.97"),
        ("58793.97 USDT", "58793.97"),
        ("9.5%", "9.5"),
        ("-1,200", "-1200"),
        ("+3", "3"),
        (".5", "0.5"),
        ("1,000,000", "1000000"),
    ],
)
def test_typed_numbers_are_read_exactly(typed, expected):
    assert parse_number(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", NUMBER_NOT_UNDERSTOOD),
        ("abc", NUMBER_NOT_UNDERSTOOD),
        ("1.2.3", NUMBER_NOT_UNDERSTOOD),
        ("NaN", NUMBER_NOT_UNDERSTOOD),
        ("Infinity", NUMBER_NOT_UNDERSTOOD),
        ("1e5", NUMBER_NOT_UNDERSTOOD),
        ("9,5", NUMBER_COMMA),
        ("58,79.97", NUMBER_COMMA),
        ("1" * 41, NUMBER_TOO_LONG),
        ("1" * 16, NUMBER_TOO_LARGE),
    ],
)
def test_anything_but_a_plain_number_is_refused_with_a_message(typed, message):
    with pytest.raises(NumberError) as caught:
        parse_number(typed)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "right"),
    [
        ("58825", True),
        ("58825.50", True),  # exactly on the upper edge counts
        ("58824.50", True),  # exactly on the lower edge counts
        ("58825.51", False),
        ("58824.49", False),
    ],
)
def test_absolute_tolerance_is_inclusive_at_both_edges(value, right):
    outcome = score_numeric(
        expected=Decimal("58825"),
        tolerance=Decimal("0.5"),
        tolerance_mode="absolute",
        value=Decimal(value),
    )
    assert outcome.is_correct is right
    assert outcome.score == (Decimal(1) if right else Decimal(0))


@pytest.mark.parametrize(
    ("value", "right"),
    [
        ("58793.97", True),
        ("58799.849397", True),  # 58793.97 + 0.01% (5.879397): exactly on the edge
        ("58799.8494", False),
        ("58788.090603", True),
        ("58788.0906", False),
        ("58825", False),  # the textbook figure is not within 0.01% of Binance's
    ],
)
def test_percent_tolerance_is_a_share_of_the_correct_value(value, right):
    outcome = score_numeric(
        expected=Decimal("58793.97"),
        tolerance=Decimal("0.01"),
        tolerance_mode="percent",
        value=Decimal(value),
    )
    assert outcome.is_correct is right


def test_percent_tolerance_of_a_negative_answer_uses_its_size():
    assert allowed_error(Decimal("-200"), Decimal("1"), "percent") == Decimal("2")


def test_zero_tolerance_needs_the_exact_value():
    exact = score_numeric(
        expected=Decimal("8"), tolerance=Decimal(0), tolerance_mode="absolute", value=Decimal("8.0")
    )
    off = score_numeric(
        expected=Decimal("8"),
        tolerance=Decimal(0),
        tolerance_mode="absolute",
        value=Decimal("8.0001"),
    )
    assert exact.is_correct
    assert not off.is_correct


def test_single_choice_scores_one_only_for_the_correct_choice():
    assert score_single(correct_ids={2}, selected_ids=[2]).score == 1
    assert score_single(correct_ids={2}, selected_ids=[3]).score == 0
    assert score_single(correct_ids={2}, selected_ids=[2, 3]).score == 0
    assert score_single(correct_ids={2}, selected_ids=[]).is_correct is False


@pytest.mark.parametrize(
    ("selected", "score", "is_correct"),
    [
        ([1, 2], "1", True),  # exactly the right set
        ([1], "0.5", False),  # half the right ones
        ([1, 2, 3], "0.5", False),  # both right, one wrong: (2 - 1) / 2
        ([1, 3], "0", False),  # one right, one wrong cancel out
        ([3, 4], "0", False),  # never below zero
        ([1, 2, 3, 4], "0", False),  # ticking everything earns nothing
        ([], "0", False),
    ],
)
def test_multiple_choice_partial_credit_rule(selected, score, is_correct):
    """Rule: max(0, (right picks - wrong picks) / number of right choices); full marks only for
    exactly the right set."""
    outcome = score_multiple(correct_ids={1, 2}, selected_ids=selected)
    assert outcome.score == Decimal(score)
    assert outcome.is_correct is is_correct


def test_multiple_choice_partial_credit_is_rounded_to_four_places():
    outcome = score_multiple(correct_ids={1, 2, 3}, selected_ids=[1])
    assert outcome.score == Decimal("0.3333")


@given(
    correct=st.sets(st.integers(1, 8), min_size=1),
    picked=st.lists(st.integers(1, 8), unique=True),
)
def test_multiple_choice_scores_stay_between_zero_and_one_and_only_the_exact_set_is_right(
    correct, picked
):
    outcome = score_multiple(correct_ids=correct, selected_ids=picked)
    assert Decimal(0) <= outcome.score <= Decimal(1)
    assert outcome.is_correct == (set(picked) == correct)
    assert (outcome.score == 1) == outcome.is_correct


@given(
    expected=st.decimals(min_value=-100000, max_value=100000, places=2),
    tolerance=st.decimals(min_value=0, max_value=100, places=2),
    offset=st.decimals(min_value=-200, max_value=200, places=2),
)
def test_a_numeric_answer_is_right_exactly_when_it_is_within_the_tolerance(
    expected, tolerance, offset
):
    outcome = score_numeric(
        expected=expected, tolerance=tolerance, tolerance_mode="absolute", value=expected + offset
    )
    assert outcome.is_correct == (abs(offset) <= tolerance)
