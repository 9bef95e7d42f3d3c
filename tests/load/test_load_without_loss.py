"""Load without loss (short form; the long, mixed form is `python -m benchmarks.load_mixed`).

32 signed-in learners answer quiz questions and mark lessons complete for a fixed time against
gunicorn in production mode on loopback, on a throw-away copy of the database this run uses
(SQLite, or PostgreSQL when DATABASE_URL names one: CI's second pass). Afterwards the database must
hold exactly the answers and completions the clients were told were saved.
"""

import pytest

from benchmarks.load_mixed import run_load

LOAD_SECONDS = 12


@pytest.fixture(scope="module")
def report():
    return run_load(duration=LOAD_SECONDS, learners=32, mix=("quiz", "lessons"), log=print)


def test_every_request_under_load_succeeds(report):
    print(report.summary())
    assert report.unexpected == []
    assert set(report.statuses) <= {200, 302}
    assert report.by_action["login"] == 32
    # The load really happened (kept modest: CI machines are shared and sometimes slow).
    assert report.by_action["quiz-answer"] + report.by_action["lesson-complete"] >= 32


def test_no_database_is_locked_and_no_server_error_under_load(report):
    assert report.locked_lines == 0
    assert report.tracebacks == 0


def test_the_database_holds_exactly_the_answers_the_learners_were_told_were_saved(report):
    assert report.acknowledged_answers
    assert report.saved_answers == report.acknowledged_answers


def test_the_database_holds_every_lesson_completion_that_was_acknowledged(report):
    assert report.acknowledged_completions
    assert report.saved_completions == report.acknowledged_completions


def test_the_real_server_refuses_an_oversized_body(report):
    assert report.oversized_status == 413
