"""The quizzes follow the course: one per module with exactly its concepts, the final exam, the
weak-concepts practice; the quizzes of the earlier layout still answer their old links."""

import pytest
from django.urls import reverse

from quiz.loader import load_bank
from quiz.models import Attempt, Quiz

pytestmark = pytest.mark.django_db

COURSE_MODULES = {
    "foundations": {"C01", "C02", "C03", "C19", "C22", "C23"},
    "isolated-margin": {"C04", "C08", "C09", "C20", "C21"},
    "cross-margin": {"C05", "C07", "C11", "C12"},
    "liquidation": {"C06", "C14", "C15", "C16", "C24", "C25"},
    "choosing-and-mixing": {"C10", "C13", "C17", "C26", "C27"},
    "risk-practice": {"C18", "C28"},
    "playbooks": {"C13", "C17", "C18", "C28"},
}


@pytest.fixture
def bank():
    load_bank()


def test_each_course_module_has_a_published_quiz_with_exactly_its_concepts(bank):
    modules = {
        quiz.slug: set(quiz.concepts)
        for quiz in Quiz.objects.filter(is_published=True, kind=Quiz.Kind.MODULE)
    }
    assert modules == COURSE_MODULES


def test_the_final_exam_draws_from_every_concept_and_weak_practice_exists(bank):
    exam = Quiz.objects.get(slug="final-exam", is_published=True)
    assert exam.kind == Quiz.Kind.COURSE
    assert exam.concepts == []
    assert Quiz.objects.get(slug="weak-concepts", is_published=True).kind == Quiz.Kind.WEAK


def test_every_module_quiz_can_draw_its_full_question_count(client, bank):
    for slug in COURSE_MODULES:
        response = client.post(reverse("quiz:start", args=[slug]))
        attempt = Attempt.objects.get(quiz__slug=slug)
        assert response.url == attempt.get_absolute_url()
        assert attempt.question_count == attempt.quiz.question_count


def test_a_retired_quiz_start_is_sent_on_to_its_successor_keeping_the_post(client, bank):
    response = client.post(reverse("quiz:start", args=["margin-basics"]))
    assert response.status_code == 307
    assert response.url == reverse("quiz:start", args=["foundations"])
    followed = client.post(reverse("quiz:start", args=["margin-basics"]), follow=True)
    assert followed.status_code == 200
    assert Attempt.objects.filter(quiz__slug="foundations").exists()


def test_a_retired_quiz_is_kept_unpublished_and_not_listed(client, bank):
    retired = Quiz.objects.get(slug="isolated-vs-cross")
    assert not retired.is_published
    assert "Isolated vs cross" not in client.get(reverse("quiz:index")).content.decode()
