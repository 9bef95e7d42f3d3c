"""A learner's progress across the academy: lessons, mastery (quiz answers and simulator
predictions), recent attempts, and the next step suggested from them.

Works for signed-in learners (the database) and anonymous ones (their session), so the progress
page shows the same thing before and after signing up.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from core.display import display
from core.learners import learner_for
from lessons.models import Course, Lesson
from lessons.page_cache import MarkedMarkup, content_cached, content_version
from lessons.progress import progress_completed_ids
from quiz import mastery as quiz_mastery_levels
from quiz import services as quiz_services
from quiz.mastery import LearnerAnswers, LearnerMastery
from quiz.models import Quiz
from simulator.predictions import recent_prediction_scores

RECENT_ATTEMPTS = 5
WEAK_CONCEPTS_SHOWN = 3


@dataclass(frozen=True)
class MasteryRow:
    """Mastery of one concept: quiz answers and simulator predictions together.

    `mastery.share` is the average over both kinds of evidence (each the last few of its kind),
    weighted by how many of each there are; `mastery.answered` counts both.
    """

    mastery: quiz_services.ConceptMastery
    answers: int
    predictions: int


@dataclass(frozen=True)
class CourseLesson:
    """A published lesson as the progress page links it: the same for every learner."""

    pk: int
    title: str
    url: str
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class CourseModule:
    """A module's title, its lessons' ids in order, and its lesson list's markup with a mark per
    lesson for the learner's completion (lessons.page_cache.MarkedMarkup)."""

    title: str
    lesson_ids: tuple[int, ...]
    lessons: MarkedMarkup


@dataclass
class ModuleProgress:
    title: str
    total: int
    completed: int
    lessons_html: str  # the lesson list with this learner's marks

    @property
    def percent(self) -> int:
        return self.completed * 100 // self.total if self.total else 0

    # Ready to print: the page shows each module's figures several times.
    @property
    def fraction(self) -> str:
        return f"{display(self.completed, 'count')}/{display(self.total, 'count')}"

    @property
    def bar_label(self) -> str:
        completed, total = display(self.completed, "count"), display(self.total, "count")
        return f"{self.title}: {completed} of {total} lessons"

    @property
    def percent_text(self) -> str:
        return display(self.percent, "count")

    @property
    def bar_class(self) -> str:
        return "progress-bar bg-success" if self.percent == 100 else "progress-bar"


@dataclass(frozen=True)
class NextStep:
    """What to do next: a sentence, a lesson to read, and whether to offer weak-concept practice."""

    kind: str  # "review", "weak-concept", "continue", "quiz" or "done"
    text: str
    concept: quiz_services.ConceptMastery | None = None
    lesson: CourseLesson | None = None
    practice_quiz: Quiz | None = None


@dataclass
class Progress:
    modules: list[ModuleProgress]
    mastery: list[MasteryRow]
    attempts: list
    next_step: NextStep
    weak: list[MasteryRow] = field(default_factory=list)
    levels: LearnerMastery | None = None

    @property
    def lesson_count(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def completed_count(self) -> int:
        return sum(module.completed for module in self.modules)

    @property
    def percent(self) -> int:
        total = self.lesson_count
        return self.completed_count * 100 // total if total else 0

    @property
    def has_evidence(self) -> bool:
        return any(row.mastery.answered for row in self.mastery)


def learner_mastery(
    *, user=None, session=None, answers: LearnerAnswers | None = None
) -> list[MasteryRow]:
    """Every concept C01-C20 in course order, from quiz answers and predictions. Two queries;
    one given the learner's `answers` (quiz.mastery.learner_answers), read once a request."""
    quiz_mastery = (
        quiz_services.concept_mastery(user=user, session=session)
        if answers is None
        else _quiz_mastery(answers)
    )
    predicted = recent_prediction_scores(user=user, session=session)
    rows = []
    for concept_id, from_quiz in quiz_mastery.items():
        scores = predicted.get(concept_id, [])
        answered = from_quiz.answered + len(scores)
        share = (
            (from_quiz.share * from_quiz.answered + sum(scores, Decimal(0))) / answered
            if answered
            else Decimal(0)
        )
        combined = quiz_services.ConceptMastery(concept_id, from_quiz.title, answered, share)
        rows.append(MasteryRow(combined, from_quiz.answered, len(scores)))
    return rows


def _quiz_mastery(answers: LearnerAnswers) -> dict[str, quiz_services.ConceptMastery]:
    """quiz.services.concept_mastery from answers already read (newest first, as it reads them)."""
    newest = answers.quiz[: quiz_services.MASTERY_SCAN]
    return quiz_services.mastery_from_answers((ids, score) for ids, _, _, score in newest)


def _course() -> tuple[list[CourseLesson], list[CourseModule]]:
    """The first course's published lessons in course order, and its modules with their lesson
    lists' markup: the same for every learner, so built once per content version
    (lessons.page_cache); each request only chooses the completion marks."""
    return content_cached("progress:course", content_version(), _published_course)


def _published_course() -> tuple[list[CourseLesson], list[CourseModule]]:
    course = Course.objects.order_by("id").only("id").first()
    if course is None:
        return [], []
    rows = list(
        Lesson.objects.published()
        .filter(module__course=course)
        .in_course_order()
        .select_related("module")
        .only("id", "slug", "title", "concepts", "module__slug", "module__title")
    )
    lessons = [
        CourseLesson(row.pk, row.title, row.get_absolute_url(), tuple(row.concepts)) for row in rows
    ]
    by_module: dict[int, tuple[str, list[CourseLesson]]] = {}
    for row, lesson in zip(rows, lessons, strict=True):
        by_module.setdefault(row.module_id, (row.module.title, []))[1].append(lesson)
    modules = [
        CourseModule(
            title,
            tuple(lesson.pk for lesson in members),
            MarkedMarkup.parse(
                render_to_string("accounts/_module_lessons.html", {"lessons": members})
            ),
        )
        for title, members in by_module.values()
    ]
    return lessons, modules


def _modules(modules: list[CourseModule], completed_ids: set[int]) -> list[ModuleProgress]:
    return [
        ModuleProgress(
            module.title,
            len(module.lesson_ids),
            sum(pk in completed_ids for pk in module.lesson_ids),
            module.lessons.for_learner(completed_ids),
        )
        for module in modules
    ]


def lesson_for_concept(lessons: list[CourseLesson], concept_id: str) -> CourseLesson | None:
    """The lesson that teaches a concept: the first naming it first, else the first naming it
    (the same choice as the lessons app's /learn/concepts/<id>/ redirect)."""
    naming = [lesson for lesson in lessons if concept_id in lesson.concepts]
    return next((lesson for lesson in naming if lesson.concepts[0] == concept_id), None) or (
        naming[0] if naming else None
    )


def suggest_next_step(
    *,
    lessons: list[CourseLesson],
    completed_ids: set[int],
    weak: list[MasteryRow],
    has_attempts: bool,
    levels: LearnerMastery | None = None,
) -> NextStep:
    """The most useful next thing, in this order: the review that is due; fix the weakest
    concept tried; carry on with the course; take a quiz; keep practising; or say the course
    is done."""
    if levels is not None and levels.due:
        titles = ", ".join(state.title for state in levels.due[:3])
        more = f" and {len(levels.due) - 3} more" if len(levels.due) > 3 else ""
        review = Quiz.objects.filter(slug=levels.review_quiz_slug, is_published=True).first()
        if review is not None:
            return NextStep(
                "review",
                f"Today's review is due: {titles}{more}. Answer on time to raise their level.",
                practice_quiz=review,
            )
    practice = None
    if weak:
        practice = Quiz.objects.filter(kind=Quiz.Kind.WEAK, is_published=True).first()
        concept = weak[0].mastery
        lesson = lesson_for_concept(lessons, concept.concept_id)
        title = concept.title  # learners read names; the id stays in the link
        if lesson is not None:
            text = (
                f"You keep missing {title} ({concept.percent}%): "
                f"read “{lesson.title}”, then practise."
            )
        else:
            text = f"You keep missing {title} ({concept.percent}%): practise it again."
        return NextStep("weak-concept", text, concept, lesson, practice)
    upcoming = next((lesson for lesson in lessons if lesson.pk not in completed_ids), None)
    if upcoming is not None:
        if not any(lesson.pk in completed_ids for lesson in lessons):
            return NextStep(
                "continue", f"Start the course with “{upcoming.title}”.", lesson=upcoming
            )
        return NextStep("continue", f"Carry on with “{upcoming.title}”.", lesson=upcoming)
    if not lessons:
        return NextStep("done", "The course has no published lessons yet.")
    if not has_attempts:
        return NextStep("quiz", "You have read every lesson: prove it in a quiz.")
    return NextStep(
        "done",
        "Every lesson read and no weak concept right now. Try predicting a setup in the "
        "simulator before revealing the engine's answer.",
    )


def progress_for(*, request) -> Progress:
    """The progress page's data for whoever is asking (account or session): the completion,
    the quiz and practice answers (read once for both kinds of mastery), predictions, attempts,
    and the quiz a next step offers; the course's lessons once per content version."""
    user, session = request.user, request.session
    lessons, course_modules = _course()
    completed_ids = progress_completed_ids(request=request)
    modules = _modules(course_modules, completed_ids)
    learner = learner_for(request)
    learner_key = learner.key if learner else None
    answers = quiz_mastery_levels.learner_answers(learner_key)
    mastery = learner_mastery(user=user, session=session, answers=answers)
    by_concept = {row.mastery.concept_id: row for row in mastery}
    weak_ids = quiz_services.weakest_concepts(
        {row.mastery.concept_id: row.mastery for row in mastery}, limit=WEAK_CONCEPTS_SHOWN
    )
    weak = [by_concept[concept_id] for concept_id in weak_ids]
    attempts = quiz_services.learner_attempts(learner, limit=RECENT_ATTEMPTS)
    levels = quiz_mastery_levels.learner_mastery(
        learner_key=learner_key, now=timezone.now(), answers=answers
    )
    return Progress(
        modules=modules,
        mastery=mastery,
        attempts=attempts,
        weak=weak,
        levels=levels,
        next_step=suggest_next_step(
            lessons=lessons,
            completed_ids=completed_ids,
            weak=weak,
            has_attempts=bool(attempts),
            levels=levels,
        ),
    )


# The mastery chart: one bar per concept, 0-100 %, with the "mastered" line at 80 %. Each bar is
# labelled with its concept's name (learners never read the ids), slanted so names fit under bars.
CHART_BAR_WIDTH = 16
CHART_GAP = 8
CHART_HEIGHT = 120
CHART_TOP = 8
CHART_LEFT = 34
LABEL_ANGLE = 60  # degrees above the horizontal; the name ends under its bar
LABEL_CHAR_WIDTH = 4.6  # px, the average advance of the 9 px label font
LABEL_GAP = 6  # px between the axis and the labels


@dataclass(frozen=True)
class ChartBar:
    row: MasteryRow
    x: int
    y: int
    height: int
    label_x: int


def _label_extent(title: str) -> tuple[int, int]:
    """How far a slanted name reaches left of and below its anchor, in px."""
    length = len(title) * LABEL_CHAR_WIDTH
    angle = math.radians(LABEL_ANGLE)
    return math.ceil(length * math.cos(angle)), math.ceil(length * math.sin(angle))


def mastery_chart(rows: list[MasteryRow]) -> dict:
    """Geometry of a server-rendered SVG bar chart (the page also has the numbers as a table)."""
    pitch = CHART_BAR_WIDTH + CHART_GAP
    extents = [_label_extent(row.mastery.title) for row in rows]
    # Room on the left for the first names' slant, at least the axis ticks' 34 px.
    left = max(
        [CHART_LEFT]
        + [reach - index * pitch - CHART_BAR_WIDTH // 2 for index, (reach, _) in enumerate(extents)]
    )
    bars = []
    for index, row in enumerate(rows):
        x = left + index * pitch
        height = row.mastery.percent * CHART_HEIGHT // 100 if row.mastery.answered else 0
        bars.append(
            ChartBar(row, x, CHART_TOP + CHART_HEIGHT - height, height, x + CHART_BAR_WIDTH // 2)
        )
    width = left + len(rows) * pitch
    baseline = CHART_TOP + CHART_HEIGHT
    label_y = baseline + LABEL_GAP
    return {
        "bars": bars,
        "width": width,
        "height": label_y + max((drop for _, drop in extents), default=0) + LABEL_GAP,
        "label_y": label_y,
        "label_angle": -LABEL_ANGLE,
        "bar_width": CHART_BAR_WIDTH,
        "baseline": baseline,
        "top": CHART_TOP,
        "middle": CHART_TOP + CHART_HEIGHT // 2,
        "mastered_y": CHART_TOP + CHART_HEIGHT - CHART_HEIGHT * 80 // 100,
        "left": left,
    }
