"""Mastery levels per concept, with reviews spaced over days (in the spirit of Khan Academy).

The rules, for one concept, replaying the learner's answers on it in time order:

- Levels: not started, attempted, familiar, proficient, mastered.
- Any answer on a concept not started makes it *attempted* at least.
- A right answer on a concept below familiar makes it *familiar* at once.
- From familiar up, a right answer raises the level by one only when the concept is *due*, that
  is when its review interval has passed since the last change: one day at familiar, three days
  at proficient. Right answers in between are welcome practice but do not raise it, so the
  level grows with answers spread over days, not with many in one sitting.
- A wrong answer lowers the level by one (never below attempted).
- Every change (and every wrong answer) schedules the next review one interval later:
  attempted and familiar 1 day, proficient 3 days, mastered 7 days.
- A review missed fades the level: once a concept has been due for a further whole interval
  with no answer, it drops one level (never below familiar), and is due again at once. Each
  further interval missed drops one more.

Everything is computed from the answers themselves (quiz answers revealed to the learner, and
practice answers in lessons and the simulator), so moving a learner's answers to their account
at sign-in carries their levels and reviews with it. The rules take `now` as an argument: tests
pass fixed datetimes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import IntEnum

from django.db.models import Q

from core.concepts import CONCEPTS
from core.links import concept_lesson_url


class Level(IntEnum):
    NOT_STARTED = 0
    ATTEMPTED = 1
    FAMILIAR = 2
    PROFICIENT = 3
    MASTERED = 4

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()

    @property
    def css_class(self) -> str:
        return "level-" + self.name.replace("_", "-").lower()

    @property
    def badge_class(self) -> str:
        """The Bootstrap classes of the level's badge on the pages."""
        return LEVEL_BADGE[self]


LEVEL_BADGE = {
    Level.NOT_STARTED: "text-bg-light border",
    Level.ATTEMPTED: "text-bg-secondary",
    Level.FAMILIAR: "text-bg-info",
    Level.PROFICIENT: "text-bg-primary",
    Level.MASTERED: "text-bg-success",
}


REVIEW_INTERVAL = {
    Level.ATTEMPTED: timedelta(days=1),
    Level.FAMILIAR: timedelta(days=1),
    Level.PROFICIENT: timedelta(days=3),
    Level.MASTERED: timedelta(days=7),
}
FADE_FLOOR = Level.FAMILIAR
EVENTS_READ = 5000  # most recent answers of each kind read for one learner


@dataclass(frozen=True)
class Event:
    """One answer on one concept."""

    concept_id: str
    correct: bool
    at: datetime


@dataclass(frozen=True)
class ConceptLevel:
    concept_id: str
    level: Level = Level.NOT_STARTED
    due_at: datetime | None = None  # when the next review is due (None: not started)
    answered: int = 0
    right: int = 0

    @property
    def title(self) -> str:
        return CONCEPTS[self.concept_id].title if self.concept_id in CONCEPTS else self.concept_id

    @property
    def label(self) -> str:
        return self.level.label

    @property
    def lesson_url(self) -> str:
        return concept_lesson_url(self.concept_id)

    def is_due(self, now: datetime) -> bool:
        return self.due_at is not None and now >= self.due_at


def faded(state: ConceptLevel, now: datetime) -> ConceptLevel:
    """The state at `now` once missed reviews have taken their toll (see the module's rules)."""
    level, due_at = state.level, state.due_at
    while due_at is not None and level > FADE_FLOOR:
        missed_at = due_at + REVIEW_INTERVAL[level]
        if now < missed_at:
            break
        level = Level(level - 1)
        due_at = missed_at
    if level == state.level:
        return state
    return replace(state, level=level, due_at=due_at)


def after_answer(state: ConceptLevel, *, correct: bool, at: datetime) -> ConceptLevel:
    """The state after one answer at `at` (missed reviews before it are applied first)."""
    state = faded(state, at)
    level = state.level
    if correct:
        if level < Level.FAMILIAR:
            level = Level.FAMILIAR
        elif state.is_due(at) and level < Level.MASTERED:
            level = Level(level + 1)
        elif state.is_due(at):
            pass  # a mastered concept reviewed on time: schedule the next review
        else:
            return replace(state, answered=state.answered + 1, right=state.right + 1)
    else:
        level = Level(max(Level.ATTEMPTED, level - 1))
    return ConceptLevel(
        state.concept_id,
        level,
        at + REVIEW_INTERVAL[level],
        state.answered + 1,
        state.right + int(correct),
    )


def levels_from(events: Iterable[Event], now: datetime) -> dict[str, ConceptLevel]:
    """Every concept's level at `now`, in course order, from answers in any order."""
    states = {concept_id: ConceptLevel(concept_id) for concept_id in CONCEPTS}
    for event in sorted(events, key=lambda e: e.at):
        if event.concept_id in states and event.at <= now:
            states[event.concept_id] = after_answer(
                states[event.concept_id], correct=event.correct, at=event.at
            )
    return {concept_id: faded(state, now) for concept_id, state in states.items()}


def due_concepts(levels: dict[str, ConceptLevel], now: datetime) -> list[str]:
    """Concepts whose review is due, the most overdue first."""
    due = [state for state in levels.values() if state.is_due(now)]
    due.sort(key=lambda state: (state.due_at, state.concept_id))
    return [state.concept_id for state in due]


def next_review_at(levels: dict[str, ConceptLevel]) -> datetime | None:
    dates = [state.due_at for state in levels.values() if state.due_at is not None]
    return min(dates) if dates else None


# --- the learner's answers --------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerAnswers:
    """One learner's answers, newest first: the quiz answers already revealed to them as
    (concept ids, right, when, score), and the practice answers as (concept ids, right, when).
    Read once a request and handed to every service that needs them (the levels here, the
    progress page's concept mastery)."""

    quiz: list[tuple[list[str], bool, datetime, Decimal]]
    practice: list[tuple[list[str], bool, datetime]]

    def events(self) -> list[Event]:
        return [
            Event(concept_id, correct, at)
            for concept_ids, correct, at, _ in self.quiz
            for concept_id in concept_ids
        ] + [
            Event(concept_id, correct, at)
            for concept_ids, correct, at in self.practice
            for concept_id in concept_ids
        ]


def learner_answers(learner_key: str | None) -> LearnerAnswers:
    """The learner's revealed quiz answers and practice answers. Two queries."""
    from quiz.models import Answer, PracticeAnswer, Quiz

    if not learner_key:
        return LearnerAnswers([], [])
    # An unfinished attempt that reveals answers only at the end must not leak them here.
    revealed = Q(attempt__finished_at__isnull=False) | Q(
        attempt__quiz__reveal=Quiz.Reveal.AFTER_EACH
    )
    quiz_rows = (
        Answer.objects.filter(revealed, learner_key=learner_key)
        .order_by("-answered_at", "-pk")  # quiz.services.concept_mastery's order
        .values_list("question__concept_ids", "is_correct", "answered_at", "score")[:EVENTS_READ]
    )
    practice_rows = (
        PracticeAnswer.objects.filter(learner_key=learner_key)
        .order_by("-answered_at")
        .values_list("concept_ids", "is_correct", "answered_at")[:EVENTS_READ]
    )
    return LearnerAnswers(list(quiz_rows), list(practice_rows))


def learner_levels(
    learner_key: str | None, now: datetime, answers: LearnerAnswers | None = None
) -> dict[str, ConceptLevel]:
    """Every concept's level for one learner at `now`. Two queries, none given `answers`."""
    if answers is None:
        answers = learner_answers(learner_key)
    return levels_from(answers.events(), now)


NOTHING_DUE = (
    "Nothing is due for review right now: concepts come back here a day or more after you "
    "practise them. {next}"
)


def review_concepts(*, learner_key: str | None, now: datetime) -> tuple[list[str], str]:
    """The concepts a daily review draws from, and when none is due, the message that says when
    the next one is (the quiz refuses to start with it)."""
    levels = learner_levels(learner_key, now)
    due = due_concepts(levels, now)
    if due:
        return due, ""
    upcoming = next_review_at(levels)
    when = f"The next one is due on {upcoming:%d %B at %H:%M} UTC." if upcoming else ""
    return [], NOTHING_DUE.format(next=when).strip()


# --- what the pages show --------------------------------------------------------------------

REVIEW_QUIZ_SLUG = "daily-review"


@dataclass(frozen=True)
class LearnerMastery:
    """One learner's levels in course order, what is due for review, and when the next is."""

    levels: list[ConceptLevel]
    due: list[ConceptLevel]
    next_review_at: datetime | None

    @property
    def started(self) -> bool:
        return any(state.level > Level.NOT_STARTED for state in self.levels)

    @property
    def review_quiz_slug(self) -> str:
        return REVIEW_QUIZ_SLUG

    def count(self, level: Level) -> int:
        return sum(state.level == level for state in self.levels)

    @property
    def mastered_count(self) -> int:
        return self.count(Level.MASTERED)


def learner_mastery(
    *, learner_key: str | None, now: datetime, answers: LearnerAnswers | None = None
) -> LearnerMastery:
    levels = learner_levels(learner_key, now, answers)
    due_ids = due_concepts(levels, now)
    return LearnerMastery(
        list(levels.values()), [levels[c] for c in due_ids], next_review_at(levels)
    )
