"""`manage.py seed` gives the demo learner some progress, once, and prints the credentials."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lessons.models import LessonCompletion
from quiz.models import Answer, Attempt
from simulator.models import Prediction

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed", "--demo-accounts", stdout=out)
    return out.getvalue()


def counts(user):
    return (
        LessonCompletion.objects.filter(user=user).count(),
        Attempt.objects.filter(user=user).count(),
        Answer.objects.filter(learner_key=f"user:{user.pk}").count(),
        Prediction.objects.filter(user=user).count(),
    )


def test_seeding_twice_gives_the_demo_learner_progress_once():
    output = seed()
    assert "Demo learner: username 'learner', password 'learn-margin-2026'" in output
    assert "Demo instructor: username 'instructor', password 'teach-margin-2026'" in output
    assert "Demo progress for learner: 4 lessons complete, quiz attempt Foundations #1" in output
    learner = get_user_model().objects.get(username="learner")
    first = counts(learner)
    lessons, attempts, answers, predictions = first
    assert (lessons, attempts, predictions) == (4, 1, 2)
    attempt = Attempt.objects.get(user=learner)
    assert attempt.is_finished
    assert answers == attempt.question_count
    assert 0 < attempt.score < attempt.question_count  # some right, some wrong: a weak concept
    seed()
    assert counts(learner) == first


def test_demo_progress_needs_the_account_to_exist():
    with pytest.raises(CommandError, match="No account 'nobody'"):
        call_command("seed_demo_progress", "--username", "nobody")
