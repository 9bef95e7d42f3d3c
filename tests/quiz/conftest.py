from decimal import Decimal

import pytest

from quiz.models import Choice, Question, Quiz


@pytest.fixture
def make_question():
    """A published question; choice kinds get choices from (text, correct) pairs."""
    counter = iter(range(1, 10_000))

    def make(
        kind=Question.Kind.SINGLE,
        *,
        concepts=("C04",),
        choices=(("Right", True), ("Wrong", False), ("Also wrong", False)),
        **fields,
    ) -> Question:
        number = next(counter)
        question = Question.objects.create(
            slug=fields.pop("slug", f"q-{kind}-{number}"),
            kind=kind,
            prompt=fields.pop("prompt", f"Question {number}?"),
            concept_ids=list(concepts),
            explanation=fields.pop("explanation", f"Explanation {number}."),
            **fields,
        )
        if kind in Question.CHOICE_KINDS:
            for position, (text, correct) in enumerate(choices):
                Choice.objects.create(
                    question=question,
                    key=chr(ord("a") + position),
                    text=text,
                    is_correct=correct,
                    feedback=f"Feedback on {text}.",
                    misconception="" if correct else f"belief behind {text}",
                    preset_id="" if correct else "W4",
                    position=position,
                )
        return question

    return make


@pytest.fixture
def make_quiz():
    def make(**fields) -> Quiz:
        fields.setdefault("slug", "practice")
        fields.setdefault("title", "Practice")
        fields.setdefault("kind", Quiz.Kind.COURSE)
        fields.setdefault("question_count", 3)
        return Quiz.objects.create(**fields)

    return make


@pytest.fixture
def numeric_question(make_question):
    return make_question(
        Question.Kind.NUMERIC,
        concepts=["C06"],
        answer=Decimal("58825"),
        tolerance=Decimal("0.5"),
        unit="USDT",
        prompt="Textbook liquidation price of W6?",
    )
