"""A learner's own data: everything we hold about them as JSON, and deleting all of it."""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from core.learners import learner_key_for
from lessons.models import LessonCompletion
from quiz.models import Attempt, AttemptItem, PracticeAnswer
from quiz.services import item_answer
from simulator.models import Prediction

EXPORT_FORMAT = "margin-academy-export/1"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _attempts(user):
    """The account's attempts: by user, and by learner key in case an old row lacks the user."""
    return Attempt.objects.filter(Q(user=user) | Q(learner_key=learner_key_for(user=user)))


def _choice_texts(choices: list[dict], ids) -> list[str]:
    picked = set(ids or [])
    return [choice["text"] for choice in choices if choice["id"] in picked]


def account_export(*, user) -> dict:
    """Everything kept about `user`, in plain JSON types. Five queries, whatever the history."""
    completions = (
        LessonCompletion.objects.filter(user=user)
        .select_related("lesson__module")
        .order_by("completed_at", "pk")
    )
    items = AttemptItem.objects.select_related("answer", "question").order_by("position")
    attempts = (
        _attempts(user)
        .select_related("quiz")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("started_at")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(timezone.now()),
        "profile": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_staff": user.is_staff,
        },
        "completed_lessons": [
            {
                "module": completion.lesson.module.slug,
                "lesson": completion.lesson.slug,
                "title": completion.lesson.title,
                "completed_at": _iso(completion.completed_at),
            }
            for completion in completions
        ],
        "quiz_attempts": [_attempt_export(attempt) for attempt in attempts],
        "simulator_predictions": [
            {
                "concepts": prediction.concepts,
                "survivor_correct": prediction.survivor_correct,
                "price_error": None
                if prediction.price_error is None
                else str(prediction.price_error),
                "made_at": _iso(prediction.made_at),
            }
            for prediction in Prediction.objects.filter(user=user).order_by("made_at", "pk")
        ],
        "practice_answers": [
            {
                "item": practice.item,
                "concepts": practice.concepts,
                "numbers": practice.parameters,
                "answer": practice.response,
                "correct": practice.is_correct,
                "answered_at": _iso(practice.answered_at),
            }
            for practice in _practice(user).order_by("answered_at", "pk")
        ],
    }


def _practice(user):
    return PracticeAnswer.objects.filter(Q(user=user) | Q(learner_key=learner_key_for(user=user)))


def _attempt_export(attempt: Attempt) -> dict:
    return {
        "quiz": attempt.quiz.slug,
        "quiz_title": attempt.quiz.title,
        "number": attempt.number,
        "started_at": _iso(attempt.started_at),
        "finished_at": _iso(attempt.finished_at),
        "score": str(attempt.score),
        "question_count": attempt.question_count,
        "percent": str(round(attempt.percent, 1)) if attempt.is_finished else None,
        "questions": [_item_export(item) for item in attempt.items.all()],
    }


def _item_export(item: AttemptItem) -> dict:
    answer = item_answer(item)
    return {
        "number": item.number,
        "question": item.question.slug,
        "prompt": item.prompt,
        "concepts": item.question.concepts,
        "answer": None
        if answer is None
        else {
            "chosen": _choice_texts(item.choices, answer.selected),
            "value": answer.raw_value or (None if answer.value is None else str(answer.value)),
            "score": str(answer.score),
            "correct": answer.is_correct,
            "answered_at": _iso(answer.answered_at),
        },
    }


def account_delete(*, user) -> dict[str, int]:
    """Delete the account and everything that names it; returns what was deleted, by kind.

    Lesson completions, predictions, quiz attempts with their questions and answers go with it
    (cascades, plus attempts matched by learner key); so do django-axes' login records, which
    hold the username. Nothing is kept about the person.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    username = user.get_username()
    with transaction.atomic():
        _, attempt_rows = _attempts(user).delete()
        _, practice_rows = _practice(user).delete()
        _, account_rows = user.delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=username).delete()
    deleted: dict[str, int] = {}
    for rows in (attempt_rows, practice_rows, account_rows):
        for label, count in rows.items():
            deleted[label] = deleted.get(label, 0) + count
    return deleted
