"""Targets for benchmarks/http_bench.py: an answer POST (htmx) to a quiz question.

An answer can be saved once, so every request must answer a question nobody answered yet. Before
the load this prepares as many fresh attempts as the benchmark may need (one learner, one anonymous
session, like a browser's), each at its first question, and hands wrk one answer per attempt.
"""

import random

from django.db import transaction

from margin import ENGINE_VERSION
from quiz import services
from quiz.models import Attempt, AttemptItem, Question, Quiz

QUIZ_SLUG = "cross-margin"
BATCH = 2_000


def _fresh_attempts(quiz: Quiz, learner_key: str, count: int) -> list[tuple[str, int]]:
    """`count` new attempts at their first question (a single-choice one); returns each
    attempt's id and the choice to answer with."""
    question = (
        Question.objects.filter(is_published=True, kind=Question.Kind.SINGLE)
        .prefetch_related("choices")
        .order_by("pk")
        .first()
    )
    template = services._item_for(question, 0, random.Random(0))
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
                    question=question,
                    prompt=template.prompt,
                    choices=template.choices,
                )
                for attempt in attempts
            )
        answers += [(str(attempt.id), choice_id) for attempt in attempts]
    return answers


def bench_targets(Browser, base_url, env):
    from benchmarks.http_bench import Target

    quiz = Quiz.objects.get(slug=QUIZ_SLUG)
    browser = Browser(base_url)
    browser.get("/quiz/")  # the CSRF cookie
    # Starting an attempt over HTTP gives the browser its session and anonymous learner key.
    status, _ = browser.post(f"/quiz/{QUIZ_SLUG}/start/", "", browser.form_post_headers(htmx=False))
    if status != 200:
        raise RuntimeError(f"starting the quiz answered {status}")
    learner_key = (
        Attempt.objects.filter(quiz=quiz)
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
