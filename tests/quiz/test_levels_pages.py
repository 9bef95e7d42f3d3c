"""Mastery levels on /me/ and the Learn index, the "Continue" button, the daily review, and the
merge of anonymous levels and reviews into an account at sign-up."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from lessons.loading import load_course
from quiz.loader import load_bank
from quiz.mastery import Level, learner_levels
from quiz.models import Attempt, PracticeAnswer
from quiz.practice import practice_draw
from quiz.services import SESSION_LEARNER_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-2026"


@pytest.fixture
def course_and_bank():
    load_course()
    load_bank()


def practise(client, concept_id="C04", *, days_ago=2, right=True):
    """Answer one practice item on the concept in a lesson, then date it `days_ago` back."""
    item = next(i for i in practice_draw([concept_id], count=4) if not i.is_numeric)
    question = item.question
    choice = next(c for c in question.choices.all() if c.is_correct == right)
    client.post(
        reverse("quiz:practice_answer"),
        {"token": item.token, "block": "", "page": "/learn/", "choice": [choice.pk]},
    )
    answer = PracticeAnswer.objects.latest("pk")
    answer.answered_at = timezone.now() - timedelta(days=days_ago)
    answer.save(update_fields=["answered_at"])
    return answer


def test_the_learn_index_offers_the_next_lesson_before_anything_is_due(client, course_and_bank):
    content = client.get(reverse("lessons:index")).content.decode()
    assert "Continue: " in content
    assert "today's review" not in content
    assert 'id="mastery-levels"' not in content


def test_a_due_review_is_the_continue_button_on_the_learn_index_and_on_me(client, course_and_bank):
    answer = practise(client)
    concepts = answer.concepts
    for url in (reverse("lessons:index"), reverse("me:progress")):
        content = client.get(url).content.decode()
        assert "Continue: today's review" in content
        assert 'id="mastery-levels"' in content
        assert "Familiar" in content
        assert "review due" in content
    client.post(reverse("quiz:start", args=["daily-review"]))
    attempt = Attempt.objects.get(quiz__slug="daily-review")
    drawn = {c for item in attempt.items.select_related("question") for c in item.question.concepts}
    assert drawn & set(concepts)


def test_the_daily_review_says_when_nothing_is_due(client, course_and_bank):
    practise(client, days_ago=0)
    response = client.post(reverse("quiz:start", args=["daily-review"]), follow=True)
    assert "Nothing is due for review right now" in response.content.decode()
    assert not Attempt.objects.exists()


def test_levels_and_reviews_move_into_the_account_at_sign_up(client, course_and_bank):
    answer = practise(client, days_ago=2)
    anonymous_key = client.session[SESSION_LEARNER_KEY]
    before = learner_levels(anonymous_key, timezone.now())
    client.post(
        reverse("signup"),
        {"username": "grace", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = get_user_model().objects.get(username="grace")
    after = learner_levels(f"user:{user.pk}", timezone.now())
    for concept_id in answer.concepts:
        assert before[concept_id].level == Level.FAMILIAR
        assert after[concept_id] == before[concept_id]  # same level, same review date
    assert learner_levels(anonymous_key, timezone.now())[answer.concepts[0]].answered == 0
    assert PracticeAnswer.objects.get().user == user
