"""Anonymous progress moves into the account at sign-in and sign-up: nothing lost, nothing twice."""

import pytest
from django.urls import reverse

from core.learners import SESSION_LEARNER_KEY
from lessons.models import LessonCompletion
from quiz.models import Answer, Attempt
from quiz.services import concept_mastery
from simulator.models import Prediction
from tests.accounts.conftest import PASSWORD, PREDICTION, complete_lesson, sign_in, take_quiz

pytestmark = pytest.mark.django_db


def completed_titles(user):
    return sorted(
        LessonCompletion.objects.filter(user=user).values_list("lesson__title", flat=True)
    )


def test_signing_up_keeps_lessons_attempts_and_predictions_made_anonymously(
    client, django_user_model, lessons, quiz
):
    complete_lesson(client, lessons[0])
    complete_lesson(client, lessons[2])
    attempt = take_quiz(client, quiz, right=True)
    session = client.session
    session["simulator_predictions"] = [PREDICTION]
    session.save()
    client.post(
        reverse("signup"), {"username": "new", "password1": PASSWORD, "password2": PASSWORD}
    )
    user = django_user_model.objects.get(username="new")
    assert completed_titles(user) == ["Cross margin", "Leverage"]
    assert list(Attempt.objects.filter(user=user)) == [attempt]
    assert Prediction.objects.filter(user=user).count() == 1
    assert "lessons.completed" not in client.session


def test_a_lesson_completed_both_anonymously_and_in_the_account_counts_once(
    client, learner, lessons
):
    LessonCompletion.objects.create(user=learner, lesson=lessons[0])
    complete_lesson(client, lessons[0])
    complete_lesson(client, lessons[1])
    sign_in(client)
    assert completed_titles(learner) == ["Isolated margin", "Leverage"]
    html = client.get(reverse("me:progress")).content.decode()
    assert "2 of 4 lessons completed (50%)" in html


def test_signing_in_twice_does_not_count_the_session_again(client, learner, lessons):
    complete_lesson(client, lessons[0])
    sign_in(client)
    client.post(reverse("logout"))
    sign_in(client)
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_attempts_at_the_same_quiz_in_both_are_all_kept_and_renumbered(client, learner, quiz):
    sign_in(client)
    own = take_quiz(client, quiz, right=True)
    client.post(reverse("logout"))
    anonymous = take_quiz(client, quiz, right=False)
    anonymous_key = anonymous.learner_key
    assert anonymous_key.startswith("anon:")
    sign_in(client)
    attempts = list(Attempt.objects.filter(quiz=quiz).order_by("number"))
    assert [(a.pk, a.number, a.user_id) for a in attempts] == [
        (own.pk, 1, learner.pk),
        (anonymous.pk, 2, learner.pk),
    ]
    assert not Attempt.objects.filter(learner_key=anonymous_key).exists()
    assert not Answer.objects.filter(learner_key=anonymous_key).exists()
    assert Answer.objects.filter(learner_key=f"user:{learner.pk}").count() == 4
    assert SESSION_LEARNER_KEY not in client.session


def test_merged_answers_count_once_in_mastery(client, learner, quiz):
    sign_in(client)
    take_quiz(client, quiz, right=True)
    client.post(reverse("logout"))
    take_quiz(client, quiz, right=False)
    sign_in(client)
    sign_in(client)  # a second sign-in finds nothing left to merge
    mastery = concept_mastery(user=learner)
    assert (mastery["C07"].answered, mastery["C07"].share) == (2, 0.5)
    assert (mastery["C04"].answered, mastery["C04"].share) == (2, 0.5)


def test_signing_in_as_someone_else_on_a_shared_browser_takes_nothing_of_the_first(
    client, learner, other_learner, lessons
):
    sign_in(client, "ada")
    complete_lesson(client, lessons[0])
    client.post(reverse("logout"))
    sign_in(client, "bob")
    assert completed_titles(other_learner) == []
    assert completed_titles(learner) == ["Leverage"]


def test_simulator_predictions_in_the_session_move_into_the_account(client, learner):
    session = client.session
    session["simulator_predictions"] = [PREDICTION, {**PREDICTION, "survivor_correct": False}]
    session.save()
    sign_in(client)
    assert list(
        Prediction.objects.filter(user=learner)
        .order_by("pk")
        .values_list("survivor_correct", flat=True)
    ) == [True, False]
    assert "simulator_predictions" not in client.session
    sign_in(client)
    assert Prediction.objects.filter(user=learner).count() == 2


def test_malformed_session_predictions_are_dropped_not_fatal(client, learner):
    session = client.session
    session["simulator_predictions"] = [
        "junk",
        {"concepts": "C06", "survivor_correct": True},
        {"concepts": ["C04"], "survivor_correct": "yes"},
        {"concepts": ["C06"], "survivor_correct": True, "price_error": "NaN"},
        {"concepts": ["C06"], "survivor_correct": True, "price_error": "not a number"},
        PREDICTION,
    ]
    session.save()
    sign_in(client)
    assert Prediction.objects.filter(user=learner).count() == 1
