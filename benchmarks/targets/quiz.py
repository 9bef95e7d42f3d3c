"""The quiz's target under wrk: an answer POST (htmx) to a quiz question.

An answer can be saved once, so every request must answer a question nobody answered yet. Before
the load this prepares as many quiz takers as the benchmark may need, each as a browser is after
pressing Start: its own anonymous session (a session row holding its learner key, as
core.learners gives one) and its one open attempt at the first question. wrk sends each request
with its taker's session cookie, so every answer goes through the real ownership check, and the
database's one-open-attempt-per-learner constraint holds as it does for real takers. The first
question and its shuffled choices come from one attempt the quiz service starts for a throw-away
learner; the rest are copies of it, made in bulk.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from benchmarks.target import Target
from core.learners import SESSION_LEARNER_KEY, Learner
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


def _fresh_takers(quiz: Quiz, count: int) -> list[tuple[str, str, int]]:
    """`count` new anonymous takers, each with its session and one open attempt at its first
    question; returns each one's session key, attempt id and the choice to answer with."""
    template = _template_item(quiz)
    choice_id = template.choices[0]["id"]
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    encoder = SessionStore()
    takers = []
    for start in range(0, count, BATCH):
        learner_keys = [f"anon:{secrets.token_hex(16)}" for _ in range(min(BATCH, count - start))]
        sessions = [
            Session(
                session_key=secrets.token_hex(16),
                session_data=encoder.encode({SESSION_LEARNER_KEY: key}),
                expire_date=expires,
            )
            for key in learner_keys
        ]
        attempts = [
            Attempt(
                quiz=quiz,
                learner_key=key,
                number=1,
                seed=start + offset,
                question_count=quiz.question_count,
                engine_version=ENGINE_VERSION,
            )
            for offset, key in enumerate(learner_keys)
        ]
        with transaction.atomic():
            Session.objects.bulk_create(sessions)
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
        takers += [
            (session.session_key, str(attempt.id), choice_id)
            for session, attempt in zip(sessions, attempts, strict=True)
        ]
    return takers


def targets(Browser, base_url: str, env: dict[str, str]) -> list[Target]:
    quiz = Quiz.objects.get(slug=QUIZ_SLUG)
    browser = Browser(base_url)
    browser.get("/quiz/")  # the CSRF cookie, which every taker's request sends
    csrf_cookie = f"{settings.CSRF_COOKIE_NAME}={browser.cookie(settings.CSRF_COOKIE_NAME)}"
    takers = _fresh_takers(quiz, int(env.get("BENCH_UNIQUE_REQUESTS", 20_000)))
    return [
        Target(
            "quiz answer POST (htmx)",
            "/quiz/",
            method="POST",
            headers=browser.form_post_headers(htmx=True),
            requests=[
                (f"/quiz/attempts/{attempt_id}/answer/", f"position=0&choice={choice_id}")
                for _, attempt_id, choice_id in takers
            ],
            cookies=[
                f"{csrf_cookie}; {settings.SESSION_COOKIE_NAME}={session_key}"
                for session_key, _, _ in takers
            ],
            expect="your answer",
            refuse="<html",
        )
    ]
