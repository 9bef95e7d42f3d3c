import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lessons.models import Course, Lesson, Module
from quiz.models import Attempt, Choice, Question, Quiz

PASSWORD = "a-Strong-pass-2026"


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)


@pytest.fixture
def other_learner(db):
    return get_user_model().objects.create_user("bob", "bob@example.com", PASSWORD)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("ines", password=PASSWORD, is_staff=True)


@pytest.fixture
def lessons(db):
    """Two modules, four published lessons (and a draft that never counts), in course order."""
    course = Course.objects.create(slug="margin", title="Margin")
    basics = Module.objects.create(course=course, slug="basics", title="Basics", order=1)
    cross = Module.objects.create(course=course, slug="cross", title="Cross margin", order=2)
    made = [
        Lesson.objects.create(
            module=module,
            slug=slug,
            title=title,
            body="Text.",
            concepts=concepts,
            order=order,
            published=True,
        )  # fmt: skip
        for module, slug, title, concepts, order in (
            (basics, "leverage", "Leverage", ["C01"], 1),
            (basics, "isolated", "Isolated margin", ["C04", "C07"], 2),
            (cross, "cross", "Cross margin", ["C05"], 1),
            (cross, "cross-order", "Cross liquidation order", ["C07"], 2),
        )
    ]
    Lesson.objects.create(module=cross, slug="draft", title="Draft", body="x", order=3)
    return made


def make_question(slug, concepts):
    question = Question.objects.create(
        slug=slug, prompt=f"{slug}?", concept_ids=concepts, explanation="Because."
    )
    for position, (text, correct) in enumerate((("Right", True), ("Wrong", False))):
        Choice.objects.create(
            question=question, key="ab"[position], text=text, is_correct=correct,
            misconception="" if correct else f"{slug} trap", position=position,
        )  # fmt: skip
    return question


@pytest.fixture
def quiz(db):
    """A two-question course quiz on C07 and C04, and the weak-concepts practice quiz."""
    make_question("cross-order", ["C07"])
    make_question("isolated-cap", ["C04"])
    Quiz.objects.create(slug="weak-concepts", title="Weak concepts", kind=Quiz.Kind.WEAK)
    return Quiz.objects.create(
        slug="basics", title="Basics quiz", kind=Quiz.Kind.COURSE, question_count=2
    )


def complete_lesson(client, lesson):
    response = client.post(reverse("lessons:complete", args=[lesson.module.slug, lesson.slug]))
    assert response.status_code == 302


def take_quiz(client, quiz, *, right: bool) -> Attempt:
    """Start `quiz` through the site and answer every question right or wrong; returns the
    finished attempt."""
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(pk=response["Location"].split("/")[-2])
    for item in attempt.items.order_by("position"):
        choice = next(c for c in item.choices if c["correct"] == right)
        response = client.post(
            reverse("quiz:answer", args=[attempt.pk]),
            {"position": item.position, "choice": choice["id"]},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    attempt.refresh_from_db()
    assert attempt.is_finished
    return attempt


def sign_in(client, username="ada"):
    """Through the login view (so the sign-in signals run, as for a real learner)."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


PREDICTION = {"concepts": ["C06", "C04", "C05"], "survivor_correct": True, "price_error": "0.001"}
