"""Attempt limits and the attempt lifecycle under the security review's probes (F4, F5): the
maximum holds across sign-in merges and double submits; an answer after the finish is refused;
a finished score is the sum of its answers. (The concurrent forms of these races run against a
real server in tests/security/test_live_faults.py.)"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from quiz import services
from quiz.loader import load_bank
from quiz.models import Answer, Attempt, Question, Quiz
from quiz.services import Learner

pytestmark = pytest.mark.django_db

ANNE = Learner("anon:anne")


@pytest.fixture
def bank():
    load_bank()


@pytest.fixture
def quiz(bank):
    quiz = Quiz.objects.get(slug="foundations")
    quiz.max_attempts = 2
    quiz.save()
    return quiz


@pytest.fixture
def user():
    return get_user_model().objects.create_user("anne", password="x-Zq81-long-enough")


def account(user) -> Learner:
    return Learner(f"user:{user.pk}", user.pk)


def finished_with(quiz, learner, score: str) -> Attempt:
    attempt = services.attempt_start(quiz=quiz, learner=learner)
    services.attempt_finish(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(score=Decimal(score))
    return attempt


def anonymous_session() -> SessionStore:
    session = SessionStore()
    session[services.SESSION_LEARNER_KEY] = ANNE.key
    return session


def counted(user) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, counted=True))


def test_a_sign_in_merge_cannot_take_an_account_past_its_maximum(quiz, user):
    """Review F4: 2 attempts signed in, 2 more anonymous, sign in again: the account had 4."""
    for _ in range(2):
        finished_with(quiz, account(user), "1")
    finished_with(quiz, ANNE, "5")
    services.attempt_start(quiz=quiz, learner=ANNE)  # left open
    assert services.attempts_claim(user=user, session=anonymous_session()) == 2
    assert len(counted(user)) == 2
    # Nothing is lost: the anonymous attempts are the account's, marked not counted, closed.
    moved = Attempt.objects.filter(user=user, counted=False)
    assert moved.count() == 2
    assert all(attempt.is_finished for attempt in moved)
    numbers = Attempt.objects.filter(user=user).values_list("number", flat=True)
    assert sorted(numbers) == [1, 2, 3, 4]
    with pytest.raises(services.NoAttemptsLeft, match="all 2 attempts"):
        services.attempt_start(quiz=quiz, learner=account(user))


def test_the_free_places_go_to_the_best_finished_attempts(quiz, user):
    quiz.max_attempts = None
    for score in ("1", "3", "2"):
        finished_with(quiz, ANNE, score)
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=2)  # lowered since, or another browser
    services.attempts_claim(user=user, session=anonymous_session())
    assert sorted(a.score for a in counted(user)) == [Decimal(2), Decimal(3)]
    assert Attempt.objects.get(user=user, counted=False).score == Decimal(1)


def test_an_open_anonymous_attempt_beside_the_accounts_open_one_is_closed(bank, user):
    quiz = Quiz.objects.get(slug="foundations")
    own = services.attempt_start(quiz=quiz, learner=account(user))
    anonymous = services.attempt_start(quiz=quiz, learner=ANNE)
    services.attempts_claim(user=user, session=anonymous_session())
    own.refresh_from_db()
    anonymous.refresh_from_db()
    assert not own.is_finished
    assert anonymous.is_finished
    assert anonymous.counted  # no maximum: it still counts
    assert services.attempt_in_progress(quiz=quiz, learner=account(user)) == own


def test_the_database_refuses_a_second_open_attempt(bank):
    quiz = Quiz.objects.get(slug="foundations")
    services.attempt_start(quiz=quiz, learner=ANNE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, learner_key=ANNE.key, number=2, seed=1, question_count=1)


def test_the_index_counts_only_counted_attempts(client, quiz, user):
    finished_with(quiz, account(user), "1")
    moved = finished_with(quiz, ANNE, "1")
    Attempt.objects.filter(pk=moved.pk).update(
        learner_key=f"user:{user.pk}", user=user, number=2, counted=False
    )
    client.force_login(user)
    html = client.get(reverse("quiz:index")).content.decode()
    assert "1 of 2 attempts left" in html


def answer_first(attempt: Attempt):
    item = attempt.items.select_related("question").get(position=0)
    if item.question.kind in Question.NUMERIC_KINDS:
        return services.attempt_answer(attempt=attempt, item=item, value=Decimal(1), raw_value="1")
    return services.attempt_answer(attempt=attempt, item=item, selected_ids=[item.choices[0]["id"]])


def test_an_answer_to_an_attempt_finished_meanwhile_is_refused_and_not_stored(bank):
    """Review F5: the answer had checked "not finished" before the finish landed."""
    quiz = Quiz.objects.get(slug="foundations")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    stale = Attempt.objects.get(pk=attempt.pk)  # read before the finish, as the racing request
    stale.answered_count = 0
    services.attempt_finish(attempt=attempt)
    with pytest.raises(services.AttemptFinished) as refused:
        answer_first(stale)
    assert refused.value.status == 409
    assert not Answer.objects.exists()


def test_a_finished_score_is_the_sum_of_its_answers(bank):
    quiz = Quiz.objects.get(slug="foundations")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    answer_first(attempt)
    services.attempt_finish(attempt=attempt)
    attempt.refresh_from_db()
    total = Answer.objects.filter(attempt=attempt).aggregate(s=Sum("score"))["s"]
    assert attempt.score == total


def test_the_answer_view_refuses_a_finished_attempt_with_409(client, bank):
    quiz = Quiz.objects.get(slug="foundations")
    client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    item = attempt.items.get(position=0)
    client.post(reverse("quiz:finish", args=[attempt.id]))
    data = {"position": 0, "value": "1"}
    if item.choices:
        data = {"position": 0, "choice": item.choices[0]["id"]}
    response = client.post(
        reverse("quiz:answer", args=[attempt.id]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "This attempt is finished" in response.content.decode()
    assert not Answer.objects.exists()
