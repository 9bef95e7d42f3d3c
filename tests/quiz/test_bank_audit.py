"""The published bank tests knowledge, not wording: strategies that know nothing about margin
score no better than chance, every concept has enough questions, true/false keys are balanced."""

from decimal import Decimal
from fractions import Fraction

import pytest

from core.concepts import CONCEPTS
from quiz.bank_audit import (
    STRATEGIES,
    bank_figures,
    published_entries,
    score_avoid_absolutes,
    score_combined,
    score_longest,
    strategy_score,
)

GUESSING_CEILING = Decimal("0.45")
QUESTIONS_PER_CONCEPT = 6


@pytest.fixture(scope="module")
def figures():
    return bank_figures(published_entries())


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_a_strategy_without_knowledge_scores_at_most_45_percent(figures, strategy):
    assert figures.scores[strategy] <= GUESSING_CEILING, (strategy, figures.scores[strategy])


def test_every_concept_has_at_least_six_published_questions(figures):
    short = {c: figures.per_concept[c] for c in CONCEPTS if figures.per_concept[c] < 6}
    assert short == {}


def test_true_false_keys_are_true_between_40_and_60_percent(figures):
    assert Decimal("0.4") <= figures.true_false_true_share <= Decimal("0.6")


def test_absolute_words_are_as_common_in_right_options_as_in_wrong_ones(figures):
    assert abs(figures.right_with_absolute - figures.wrong_with_absolute) <= Decimal("0.05")


def test_right_options_are_about_as_long_as_wrong_ones(figures):
    assert Decimal("0.9") <= figures.length_ratio <= Decimal("1.1")


# The strategies themselves, on hand-made entries (a strategy that cannot fail proves nothing).

LONG_RIGHT = {
    "kind": "single",
    "choices": [
        {"key": "a", "text": "A long and careful right answer", "correct": True},
        {"key": "b", "text": "Always wrong"},
        {"key": "c", "text": "Short"},
    ],
}


def test_the_longest_strategy_finds_a_right_answer_that_stands_out_by_length():
    assert score_longest(LONG_RIGHT) == 1
    assert score_combined(LONG_RIGHT) == 1


def test_avoiding_absolutes_is_a_random_pick_among_the_plain_options():
    assert score_avoid_absolutes(LONG_RIGHT) == Fraction(1, 2)


def test_true_false_strategies_read_the_key():
    false_key = {
        "kind": "true_false",
        "prompt": "True or false: margin is never returned.",
        "choices": [
            {"key": "true", "text": "True"},
            {"key": "false", "text": "False", "correct": True},
        ],
    }
    assert score_longest(false_key) == 1  # "False" is the longer label
    assert score_avoid_absolutes(false_key) == 1  # absolute prompt: answer False
    assert (
        strategy_score("always_false", [false_key, LONG_RIGHT]) == Decimal("0.5") + Decimal(1) / 6
    )


def test_multiple_choice_gets_partial_credit_for_picking_the_plain_options():
    entry = {
        "kind": "multiple",
        "choices": [
            {"key": "a", "text": "Fees", "correct": True},
            {"key": "b", "text": "Funding", "correct": True},
            {"key": "c", "text": "The mode"},
            {"key": "d", "text": "Only luck"},
        ],
    }
    # Picks a, b, c: (2 right - 1 wrong) / 2 right choices.
    assert score_combined(entry) == Fraction(1, 2)
