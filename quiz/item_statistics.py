"""Per-item statistics for instructors: how often each choice is picked, distractors included.

Counts every answer that picked choices: quiz answers and in-lesson practice answers (their
`response["selected"]`). A distractor nobody picks is doing no work; one picked more often than
the right answer points at a misleading prompt or a misconception worth a lesson; a right answer
that is also the longest option can be guessed without knowing anything.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from quiz.models import Answer, Choice, PracticeAnswer, Question


@dataclass(frozen=True)
class ChoiceRow:
    choice: Choice
    picks: int
    share: Decimal | None  # of the answers to the question; None before any answer

    @property
    def is_unpicked_distractor(self) -> bool:
        return not self.choice.is_correct and self.share is not None and self.picks == 0


@dataclass
class ItemStatistics:
    question: Question
    answered: int = 0
    right: int = 0
    picks: Counter = field(default_factory=Counter)

    @property
    def share_right(self) -> Decimal | None:
        return Decimal(self.right) / self.answered if self.answered else None

    def choice_rows(self) -> list[ChoiceRow]:
        return [
            ChoiceRow(
                choice,
                self.picks[choice.pk],
                Decimal(self.picks[choice.pk]) / self.answered if self.answered else None,
            )
            for choice in self.question.choices.all()
        ]

    @property
    def right_is_longest(self) -> bool:
        choices = list(self.question.choices.all())
        right = [len(c.text) for c in choices if c.is_correct]
        wrong = [len(c.text) for c in choices if not c.is_correct]
        return bool(right and wrong) and max(right) > max(wrong)

    @property
    def top_distractor_beats_the_key(self) -> bool:
        rows = self.choice_rows()
        right = max((r.picks for r in rows if r.choice.is_correct), default=0)
        return any(r.picks > right for r in rows if not r.choice.is_correct)


def item_statistics(question_ids=None) -> list[ItemStatistics]:
    """Statistics of the choice questions (all, or these ids), each with its choices' picks."""
    questions = Question.objects.filter(kind__in=Question.CHOICE_KINDS).prefetch_related("choices")
    answers = Answer.objects.all()
    practice = PracticeAnswer.objects.filter(question__isnull=False)
    if question_ids is not None:
        ids = list(question_ids)
        questions, answers = questions.filter(pk__in=ids), answers.filter(question_id__in=ids)
        practice = practice.filter(question_id__in=ids)
    stats = {q.pk: ItemStatistics(q) for q in questions.order_by("slug")}
    rows: dict[int, list] = defaultdict(list)
    for question_id, correct, selected in answers.values_list(
        "question_id", "is_correct", "selected"
    ):
        rows[question_id].append((correct, selected or []))
    for question_id, correct, response in practice.values_list(
        "question_id", "is_correct", "response"
    ):
        rows[question_id].append((correct, (response or {}).get("selected") or []))
    for question_id, answered in rows.items():
        entry = stats.get(question_id)
        if entry is None:
            continue
        for correct, selected in answered:
            entry.answered += 1
            entry.right += bool(correct)
            entry.picks.update(selected)
    return list(stats.values())
