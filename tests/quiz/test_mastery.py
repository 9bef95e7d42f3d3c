"""Mastery levels rise with right answers spread over days and fade when a review is missed,
on a fixed clock (every datetime here is given, none is read from the system)."""

from datetime import UTC, datetime, timedelta

import pytest

from quiz.mastery import (
    ConceptLevel,
    Event,
    Level,
    after_answer,
    due_concepts,
    faded,
    levels_from,
)

DAY = timedelta(days=1)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def level_after(*answers: tuple[timedelta, bool], now: datetime | None = None) -> ConceptLevel:
    events = [Event("C04", correct, START + offset) for offset, correct in answers]
    latest = max(e.at for e in events)
    return levels_from(events, now or latest)["C04"]


def test_a_concept_never_answered_is_not_started_and_not_due():
    state = levels_from([], START)["C04"]
    assert state.level == Level.NOT_STARTED
    assert not state.is_due(START)


def test_a_wrong_first_answer_makes_it_attempted_and_a_right_one_familiar():
    assert level_after((timedelta(0), False)).level == Level.ATTEMPTED
    assert level_after((timedelta(0), True)).level == Level.FAMILIAR


def test_many_right_answers_in_one_sitting_stop_at_familiar():
    answers = [(timedelta(minutes=minute), True) for minute in range(10)]
    state = level_after(*answers)
    assert state.level == Level.FAMILIAR
    assert state.right == 10


def test_right_answers_spread_over_days_rise_to_mastered():
    # familiar on day 0; due after 1 day -> proficient on day 1; due after 3 more -> mastered.
    state = level_after((timedelta(0), True), (DAY, True), (4 * DAY, True))
    assert state.level == Level.MASTERED
    assert state.due_at == START + 4 * DAY + timedelta(days=7)


def test_a_right_answer_before_the_review_is_due_does_not_raise_the_level():
    state = level_after((timedelta(0), True), (DAY, True), (2 * DAY, True))
    assert state.level == Level.PROFICIENT  # the third answer came a day early (3 days needed)


def test_a_failed_review_lowers_the_level_by_one():
    state = level_after((timedelta(0), True), (DAY, True), (4 * DAY, True), (11 * DAY, False))
    assert state.level == Level.PROFICIENT
    assert state.due_at == START + 11 * DAY + timedelta(days=3)


def test_a_missed_review_fades_the_level_one_interval_after_it_was_due():
    mastered = level_after((timedelta(0), True), (DAY, True), (4 * DAY, True))
    due = START + 11 * DAY  # 7 days after mastering
    assert faded(mastered, due + 7 * DAY - timedelta(seconds=1)).level == Level.MASTERED
    later = faded(mastered, due + 7 * DAY)
    assert later.level == Level.PROFICIENT
    assert later.is_due(due + 7 * DAY)


def test_reviews_missed_for_long_fade_to_familiar_and_no_further():
    mastered = level_after((timedelta(0), True), (DAY, True), (4 * DAY, True))
    assert faded(mastered, START + 365 * DAY).level == Level.FAMILIAR


def test_a_review_answered_after_fading_rises_again_from_the_faded_level():
    state = level_after(
        (timedelta(0), True),
        (DAY, True),
        (4 * DAY, True),
        (30 * DAY, True),  # due on day 11, faded to proficient on day 18 and familiar on day 21
    )
    assert state.level == Level.PROFICIENT


def test_a_wrong_answer_never_drops_below_attempted():
    state = after_answer(ConceptLevel("C04", Level.ATTEMPTED), correct=False, at=START)
    assert state.level == Level.ATTEMPTED


@pytest.mark.parametrize(
    ("answers", "now", "due"),
    [
        ([(timedelta(0), True)], START + DAY - timedelta(seconds=1), []),
        ([(timedelta(0), True)], START + DAY, ["C04"]),
    ],
)
def test_a_concept_is_due_for_review_once_its_interval_has_passed(answers, now, due):
    events = [Event("C04", correct, START + offset) for offset, correct in answers]
    assert due_concepts(levels_from(events, now), now) == due


def test_answers_after_now_are_not_counted():
    events = [Event("C04", True, START + DAY)]
    assert levels_from(events, START)["C04"].level == Level.NOT_STARTED
