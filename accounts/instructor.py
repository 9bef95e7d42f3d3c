"""The instructor dashboard's figures: how far learners got, which questions and concepts are
hardest. A fixed number of aggregate queries, however many learners and answers there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q, Sum

from core.concepts import CONCEPTS
from lessons.models import Course, Lesson, LessonCompletion
from quiz.models import Answer, Attempt
from quiz.services import question_statistics

HARDEST_SHOWN = 10
# Fewer answers than this say more about luck than about the question.
MIN_ANSWERS = 3
COMPLETION_BANDS = (
    (0, 0, "none yet"),
    (1, 49, "under half"),
    (50, 99, "half or more"),
    (100, 100, "all"),
)


@dataclass
class ModuleStats:
    title: str
    lessons: int
    completions: int = 0
    learners: int = 0

    @property
    def percent(self) -> int:
        """Share of all possible completions (learners x lessons) that happened."""
        possible = self.lessons * self.learners
        return self.completions * 100 // possible if possible else 0


@dataclass
class ConceptStats:
    concept_id: str
    title: str
    answered: int = 0
    score: Decimal = Decimal(0)

    @property
    def percent(self) -> int:
        return int(self.score * 100 / self.answered) if self.answered else 0


@dataclass
class Dashboard:
    learners: int
    active_learners: int
    lesson_count: int
    modules: list[ModuleStats]
    bands: list[tuple[str, int]]
    quizzes: list[dict]
    hardest_questions: list[dict]
    hardest_concepts: list[ConceptStats]
    answers: int
    untried_concepts: list[str] = field(default_factory=list)


def _learner_progress(learner_count: int):
    course = Course.objects.order_by("id").only("id").first()
    lessons = (
        list(
            Lesson.objects.published()
            .filter(module__course=course)
            .in_course_order()
            .values("pk", "module_id", "module__title")
        )
        if course
        else []
    )
    modules: dict[int, ModuleStats] = {}
    module_of = {}
    for lesson in lessons:
        module = modules.setdefault(
            lesson["module_id"], ModuleStats(lesson["module__title"], 0, learners=learner_count)
        )
        module.lessons += 1
        module_of[lesson["pk"]] = module
    per_learner: dict[int, int] = defaultdict(int)
    rows = (
        LessonCompletion.objects.filter(
            user__is_staff=False, user__is_active=True, lesson_id__in=list(module_of)
        )
        .values_list("user_id", "lesson_id")
        .order_by()
    )
    for user_id, lesson_id in rows:
        module_of[lesson_id].completions += 1
        per_learner[user_id] += 1
    total = len(lessons)
    counts = dict.fromkeys((label for *_, label in COMPLETION_BANDS), 0)
    shares = [done * 100 // total for done in per_learner.values()] if total else []
    shares += [0] * (learner_count - len(shares))
    for share in shares:
        label = next(label for low, high, label in COMPLETION_BANDS if low <= share <= high)
        counts[label] += 1
    return total, list(modules.values()), list(counts.items()), len(per_learner)


def _quizzes() -> list[dict]:
    """Finished attempts per quiz: how many, average score, how many passed."""
    passed = Q(score__gte=F("question_count") * F("quiz__pass_mark") / Decimal(100))
    rows = (
        Attempt.objects.filter(finished_at__isnull=False)
        .values("quiz__title", "quiz__position")
        .annotate(
            attempts=Count("pk"),
            total_score=Sum("score"),
            total_questions=Sum("question_count"),
            passed_count=Count("pk", filter=passed),
        )
        .order_by("quiz__position", "quiz__title")
    )
    return [
        {
            "title": row["quiz__title"],
            "attempts": row["attempts"],
            "percent": (
                int(row["total_score"] * 100 / row["total_questions"])
                if row["total_questions"]
                else 0
            ),
            "passed": row["passed_count"],
        }
        for row in rows
    ]


def _hardest_questions() -> list[dict]:
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Answer.objects.values("question_id", "question__slug", "question__prompt")
        .annotate(
            answered=Count("pk"), right=Count("pk", filter=Q(is_correct=True)), mean=Avg("score")
        )
        .filter(answered__gte=MIN_ANSWERS)
        .order_by("mean", "-answered", "question_id")[:HARDEST_SHOWN]
    ]
    # The most-picked wrong choice, for the few questions shown only (two more queries).
    wrong = question_statistics([row["question_id"] for row in rows]) if rows else {}
    for row in rows:
        row["percent"] = int(Decimal(row["mean"]) * 100)
        stats = wrong.get(row["question_id"])
        row["most_picked_wrong"] = stats.most_picked_wrong if stats else ""
        row["most_picked_wrong_count"] = stats.most_picked_wrong_count if stats else 0
    return rows


def _concepts() -> tuple[list[ConceptStats], int]:
    """Average score per concept over every answer (a question counts for each of its concepts)."""
    stats = {cid: ConceptStats(cid, concept.title) for cid, concept in CONCEPTS.items()}
    total = 0
    rows = (
        Answer.objects.values("question__concept_ids")
        .annotate(n=Count("pk"), total_score=Sum("score"))
        .order_by()
    )
    for concept_ids, answered, score in (
        (row["question__concept_ids"], row["n"], row["total_score"]) for row in rows
    ):
        total += answered
        for concept_id in concept_ids:
            if concept_id in stats:
                stats[concept_id].answered += answered
                stats[concept_id].score += score
    return list(stats.values()), total


def instructor_dashboard() -> Dashboard:
    learner_count = get_user_model().objects.filter(is_staff=False, is_active=True).count()
    lesson_count, modules, bands, active = _learner_progress(learner_count)
    concepts, answers = _concepts()
    tried = [c for c in concepts if c.answered >= MIN_ANSWERS]
    return Dashboard(
        learners=learner_count,
        active_learners=active,
        lesson_count=lesson_count,
        modules=modules,
        bands=bands,
        quizzes=_quizzes(),
        hardest_questions=_hardest_questions(),
        hardest_concepts=sorted(tried, key=lambda c: (c.percent, -c.answered, c.concept_id))[
            :HARDEST_SHOWN
        ],
        answers=answers,
        # Titles first: the id is what instructors type in the admin, so it stays beside the name.
        untried_concepts=[
            f"{c.title} ({c.concept_id})" for c in concepts if c.answered < MIN_ANSWERS
        ],
    )
