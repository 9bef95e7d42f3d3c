"""The quiz's target under wrk: an answer POST (htmx) to a quiz question.

An answer can be saved once, so every request must answer a question nobody answered yet. Before
the load this prepares as many fresh attempts as the benchmark may need (one learner, one anonymous
session, like a browser's), each at its first question, and hands wrk one answer per attempt. The
first question and its shuffled choices come from one attempt the quiz service starts for a
throw-away learner; the rest are copies of it, made in bulk.
"""

from django.db import transaction

from benchmarks.target import Target
from core.learners import Learner
from margin import ENGINE_VERSION
from quiz import services
from quiz.models import Attempt, AttemptItem, Question, Quiz

QUIZ_SLUG = "cross-margin"
BATCH = 2_000
TEMPLATE_LEARNER = Learner("anon:benchmark-template")


def _template_item(quiz: Quiz) -> AttemptItem:
    """A first item at a single-choice question, drawn by the service as for any learner."""
    question = (
        Question.objects.filter(is_published=True, kind=Question.Kind.SINGLE).order_by("pk").first()
    )
    assert question is not None, "the seeded bank has single-choice questions"
    attempt = services.attempt_start(
        quiz=quiz, learner=TEMPLATE_LEARNER, seed=0, question_ids=[question.pk]
    )
    return attempt.items.get(position=0)


def _fresh_attempts(quiz: Quiz, learner_key: str, count: int) -> list[tuple[str, int]]:
    """`count` new attempts at their first question; returns each attempt's id and the choice
    to answer with."""
    template = _template_item(quiz)
    choice_id = template.choices[0]["id"]
    first_number = Attempt.objects.filter(quiz=quiz, learner_key=learner_key).count() + 1
    answers = []
    for start in range(0, count, BATCH):
        attempts = [
            Attempt(
                quiz=quiz,
                learner_key=learner_key,
                number=first_number + start + offset,
                seed=start + offset,
                question_count=quiz.question_count,
                engine_version=ENGINE_VERSION,
            )
            for offset in range(min(BATCH, count - start))
        ]
        with transaction.atomic():
            Attempt.objects.bulk_create(attempts)
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt=attempt,
                    position=0,
                    question_id=template.question_id,
                    prompt=template.prompt,
                    choices=template.choices,
                )
                for attempt in attempts
            )
        answers += [(str(attempt.id), choice_id) for attempt in attempts]
    return answers


def targets(Browser, base_url, env):
    quiz = Quiz.objects.get(slug=QUIZ_SLUG)
    browser = Browser(base_url)
    browser.get("/quiz/")  # the CSRF cookie
    # Starting an attempt over HTTP gives the browser its session and anonymous learner key.
    status, _ = browser.post(f"/quiz/{QUIZ_SLUG}/start/", "", browser.form_post_headers(htmx=False))
    if status != 200:
        raise RuntimeError(f"starting the quiz answered {status}")
    learner_key = (
        Attempt.objects.filter(quiz=quiz)
        .exclude(learner_key=TEMPLATE_LEARNER.key)
        .order_by("-started_at")
        .values_list("learner_key", flat=True)[0]
    )
    answers = _fresh_attempts(quiz, learner_key, int(env.get("BENCH_UNIQUE_REQUESTS", 20_000)))
    return [
        Target(
            "quiz answer POST (htmx)",
            "/quiz/",
            method="POST",
            headers=browser.form_post_headers(htmx=True),
            requests=[
                (f"/quiz/attempts/{attempt_id}/answer/", f"position=0&choice={choice_id}")
                for attempt_id, choice_id in answers
            ],
            expect="your answer",
            refuse="<html",
        )
    ]
