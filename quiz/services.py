"""What the quiz does with the database: start, answer and finish attempts, mastery, statistics.

Learner identity. A signed-in learner is `user:<pk>`. An anonymous learner gets a random key in
the session under `quiz_learner_key` (`anon:<hex>`), and the ids of their attempts are listed in the
session under `quiz_attempt_ids` (strings, oldest first). Both survive the session-key change at
sign-in, so `attempts_claim(user=..., session=...)` can move anonymous attempts to the account.
"""

import random
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.concepts import CONCEPTS
from core.learners import SESSION_LEARNER_KEY, Learner, learner_key_for
from core.links import concept_lesson_url, preset_url
from margin import ENGINE_VERSION
from quiz import generators
from quiz.mastery import review_concepts
from quiz.models import Answer, Attempt, AttemptItem, Choice, Question, Quiz
from quiz.scoring import Outcome, score_multiple, score_numeric, score_single

SESSION_ATTEMPT_IDS = "quiz_attempt_ids"
SESSION_ATTEMPT_IDS_KEPT = 200
MASTERY_WINDOW = 5  # mastery of a concept = average score of its last N answers
MASTERY_SCAN = 2000  # most recent answers read to compute it
MASTERED = Decimal("0.8")
WEAK_CONCEPTS_DRAWN = 4
# Answers a few seconds late still count: the request may have been sent in time.
TIME_LIMIT_GRACE = timedelta(seconds=5)
EXPECTED_PLACES = Decimal("1e-8")


class QuizError(Exception):
    """A refusal the learner should read; `message` is shown as it is."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoAttemptsLeft(QuizError):
    status = 403


class NothingToDraw(QuizError):
    status = 409


class AlreadyAnswered(QuizError):
    pass


class AttemptFinished(QuizError):
    pass


class TimeUp(QuizError):
    pass


ALREADY_ANSWERED = "You already answered this question; your first answer is the one that counts."
ATTEMPT_FINISHED = "This attempt is finished; its answers can no longer change."
TIME_IS_UP = "Time is up for this attempt, so this answer was not recorded."
OUT_OF_ORDER = "Answer the questions in order: this is not the current question."
NO_ATTEMPTS_LEFT = "You have used all {max} attempts at this quiz."
NO_QUESTIONS = "This quiz has no published questions yet."
NO_WEAK_CONCEPTS_YET = (
    "Answer a few questions first (any quiz): this practice draws from the concepts you "
    "found hardest."
)
NO_WEAK_CONCEPTS = "No weak concepts right now: every concept you have tried is at 80% or better."
STARTED_IN_ANOTHER_TAB = (
    "Another attempt at this quiz was started at the same moment (another tab?); open the quiz "
    "page and try again."
)


def _remember_attempt(session, attempt: Attempt) -> None:
    ids = session.get(SESSION_ATTEMPT_IDS, [])
    ids.append(str(attempt.id))
    session[SESSION_ATTEMPT_IDS] = ids[-SESSION_ATTEMPT_IDS_KEPT:]


def learner_owns(learner: Learner | None, attempt: Attempt) -> bool:
    return learner is not None and attempt.learner_key == learner.key


# --- starting -------------------------------------------------------------------------------


def _pick_spread(pool: list[Question], concepts: list[str], count: int, rng) -> list[Question]:
    """Up to `count` questions, taken concept by concept in turns so that a short quiz still
    spreads over as many concepts as it can."""
    rng.shuffle(pool)
    order = list(concepts)
    rng.shuffle(order)
    by_concept = {c: [q for q in pool if c in q.concepts] for c in order}
    chosen: list[Question] = []
    taken: set[int] = set()
    while len(chosen) < count:
        progressed = False
        for concept_id in order:
            candidates = by_concept[concept_id]
            while candidates and candidates[0].pk in taken:
                candidates.pop(0)
            if candidates and len(chosen) < count:
                question = candidates.pop(0)
                chosen.append(question)
                taken.add(question.pk)
                progressed = True
        if not progressed:
            break
    rng.shuffle(chosen)
    return chosen


def _quiz_concepts(quiz: Quiz, learner: Learner) -> list[str]:
    if quiz.kind == Quiz.Kind.REVIEW:
        due, nothing_due = review_concepts(learner_key=learner.key, now=timezone.now())
        if not due:
            raise NothingToDraw(nothing_due)
        return due
    if quiz.kind == Quiz.Kind.WEAK:
        mastery = concept_mastery(learner_key=learner.key)
        if not any(m.answered for m in mastery.values()):
            raise NothingToDraw(NO_WEAK_CONCEPTS_YET)
        weakest = weakest_concepts(mastery, limit=WEAK_CONCEPTS_DRAWN)
        if not weakest:
            raise NothingToDraw(NO_WEAK_CONCEPTS)
        return weakest
    return quiz.concepts or list(CONCEPTS)


def _snapshot_choices(question: Question, rng) -> list[dict]:
    choices = [
        {
            "id": choice.pk,
            "text": choice.text,
            "correct": choice.is_correct,
            "feedback": choice.feedback,
            "misconception": choice.misconception,
            "preset": choice.preset_id,
        }
        for choice in question.choices.all()
    ]
    if question.kind != Question.Kind.TRUE_FALSE:  # "True" stays above "False"
        rng.shuffle(choices)
    return choices


def _item_for(question: Question, position: int, rng) -> AttemptItem:
    item = AttemptItem(
        position=position,
        question=question,
        prompt=question.prompt,
        tolerance=question.tolerance,
        tolerance_mode=question.tolerance_mode,
    )
    if question.is_choice_kind:
        item.choices = _snapshot_choices(question, rng)
    elif question.kind == Question.Kind.NUMERIC:
        item.expected = question.answer
    else:
        draw = generators.draw_question(
            generator_name=question.generator,
            ranges=question.parameters,
            prompt=question.prompt,
            rng=rng,
        )
        item.prompt = draw.prompt
        item.parameters = draw.parameters
        item.expected = draw.expected.quantize(EXPECTED_PLACES, rounding=ROUND_HALF_EVEN)
        item.engine_version = draw.engine_version
    return item


def attempt_in_progress(*, quiz: Quiz, learner: Learner) -> Attempt | None:
    attempt = (
        Attempt.objects.filter(quiz=quiz, learner_key=learner.key, finished_at=None)
        .order_by("-started_at")
        .first()
    )
    if attempt and attempt_expire_if_due(attempt=attempt):
        return None
    return attempt


def attempt_start(
    *,
    quiz: Quiz,
    learner: Learner,
    session=None,
    seed: int | None = None,
    question_ids: list[int] | None = None,
    retry_of: Attempt | None = None,
) -> Attempt:
    """Draw a new attempt (or return the one in progress for this quiz and learner).

    Raises NoAttemptsLeft or NothingToDraw with a message for the learner.
    """
    current = attempt_in_progress(quiz=quiz, learner=learner)
    if current is not None:
        return current
    seed = secrets.randbits(62) if seed is None else seed
    rng = random.Random(seed)
    pool = Question.objects.filter(is_published=True).prefetch_related("choices")
    if question_ids is not None:
        questions = list(pool.filter(pk__in=question_ids))
        rng.shuffle(questions)
    else:
        concepts = _quiz_concepts(quiz, learner)
        candidates = [q for q in pool if set(q.concepts) & set(concepts)]
        questions = _pick_spread(candidates, concepts, quiz.question_count, rng)
    items: list[AttemptItem] = []
    for question in questions:
        try:
            items.append(_item_for(question, len(items), rng))
        except generators.GeneratorError:
            continue  # a generated question whose ranges give no usable draw is left out
    if not items:
        raise NothingToDraw(NO_QUESTIONS)
    now = timezone.now()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            # Looked up again inside the transaction that creates the attempt: a double click
            # sends several Starts at once, and each must find the attempt the first created.
            # SQLite runs write transactions one at a time (IMMEDIATE); on PostgreSQL the unique
            # open attempt per quiz and learner (quiz_one_open_attempt) refuses the second.
            current = attempt_in_progress(quiz=quiz, learner=learner)
            if current is not None:
                return current
            earlier = Attempt.objects.filter(quiz=quiz, learner_key=learner.key).aggregate(
                count=Count("pk", filter=Q(counted=True)), last=Max("number")
            )
            if quiz.max_attempts is not None and earlier["count"] >= quiz.max_attempts:
                raise NoAttemptsLeft(NO_ATTEMPTS_LEFT.format(max=quiz.max_attempts))
            attempt = Attempt.objects.create(
                quiz=quiz,
                user_id=learner.user_id,
                learner_key=learner.key,
                number=(earlier["last"] or 0) + 1,
                seed=seed,
                retry_of=retry_of,
                deadline=deadline,
                question_count=len(items),
                engine_version=ENGINE_VERSION,
            )
            for item in items:
                item.attempt = attempt
            AttemptItem.objects.bulk_create(items)
    except IntegrityError:
        # Another tab took this attempt number a moment ago: that attempt is the learner's.
        current = attempt_in_progress(quiz=quiz, learner=learner)
        if current is None:
            raise NoAttemptsLeft(STARTED_IN_ANOTHER_TAB) from None
        return current
    if session is not None:
        _remember_attempt(session, attempt)
    return attempt


def attempt_retry_missed(*, attempt: Attempt, learner: Learner, session=None) -> Attempt:
    missed = [
        item.question_id
        for item in attempt.items.select_related("answer")
        if not (answer := item_answer(item)) or not answer.is_correct
    ]
    if not missed:
        raise NothingToDraw("Nothing to retry: you got every question right.")
    in_progress = attempt_in_progress(quiz=attempt.quiz, learner=learner)
    if in_progress is not None:
        return in_progress
    return attempt_start(
        quiz=attempt.quiz,
        learner=learner,
        session=session,
        question_ids=missed,
        retry_of=attempt,
    )


# --- answering ------------------------------------------------------------------------------


def score_item(item: AttemptItem, *, selected_ids: list[int], value: Decimal | None) -> Outcome:
    kind = item.question.kind
    if kind in Question.NUMERIC_KINDS:
        assert item.expected is not None  # a numeric item stores its answer
        assert value is not None  # and the form sent a number
        return score_numeric(
            expected=item.expected,
            tolerance=item.tolerance,
            tolerance_mode=item.tolerance_mode,
            value=value,
        )
    correct_ids = {choice["id"] for choice in item.choices if choice["correct"]}
    if kind == Question.Kind.MULTIPLE:
        return score_multiple(correct_ids=correct_ids, selected_ids=selected_ids)
    return score_single(correct_ids=correct_ids, selected_ids=selected_ids)


def attempt_is_overdue(attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + TIME_LIMIT_GRACE


def attempt_expire_if_due(*, attempt: Attempt) -> bool:
    """Finish an unfinished attempt whose time is up; True if it is (now) finished by time."""
    if attempt.is_finished or not attempt_is_overdue(attempt):
        return False
    attempt_finish(attempt=attempt, at=attempt.deadline)
    return True


def _lock_open_attempt(attempt: Attempt) -> bool:
    """Inside a transaction: lock the attempt's row (PostgreSQL; SQLite's IMMEDIATE transaction
    already holds the database's write lock) and say whether it is still open. An answer and
    the finish of one attempt take this lock, so they happen one after the other: no answer is
    stored after the finish, and the finish sums every answer stored before it."""
    rows = list(
        Attempt.objects.select_for_update()
        .filter(pk=attempt.pk)
        .order_by()
        .values_list("finished_at", flat=True)
    )
    return bool(rows) and rows[0] is None


def _close(attempt: Attempt, at) -> None:
    """Fix the score of an attempt whose row the caller has locked open (see above)."""
    total = (
        Answer.objects.filter(attempt_id=OuterRef("pk"))
        .values("attempt_id")
        .annotate(total=Sum("score"))
        .values("total")
    )
    Attempt.objects.filter(pk=attempt.pk, finished_at=None).update(
        finished_at=at, score=Coalesce(Subquery(total), Decimal(0))
    )
    # Reload both lazily, on first use (the last answer's feedback needs neither).
    attempt.__dict__.pop("finished_at", None)
    attempt.__dict__.pop("score", None)


def attempt_finish(*, attempt: Attempt, at=None) -> None:
    """Close an attempt and fix its score (the sum of its answers; unanswered questions score 0).
    Finishing twice keeps the first time and score."""
    with transaction.atomic():
        if _lock_open_attempt(attempt):
            _close(attempt, at or timezone.now())
        else:
            attempt.__dict__.pop("finished_at", None)
            attempt.__dict__.pop("score", None)


def answered_count(attempt: Attempt) -> int:
    """How many questions of the attempt are answered (the current one is at this position)."""
    if getattr(attempt, "answered_count", None) is None:
        attempt.answered_count = attempt.answers.count()
    return attempt.answered_count


def answered_count_subquery():
    """For annotating items or attempts with their attempt's number of answers, in one query."""
    return Coalesce(
        Subquery(
            Answer.objects.filter(attempt_id=OuterRef("attempt_id"))
            .values("attempt_id")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )


def item_answer(item: AttemptItem) -> Answer | None:
    try:
        return item.answer
    except Answer.DoesNotExist:
        return None


def check_answerable(*, attempt: Attempt, item: AttemptItem) -> None:
    """Raise the QuizError that refuses an answer to `item` now, if any (no input needed)."""
    if attempt.is_finished:
        raise AttemptFinished(ATTEMPT_FINISHED)
    if attempt_expire_if_due(attempt=attempt):
        raise TimeUp(TIME_IS_UP)
    answered = answered_count(attempt)
    if item_answer(item) is not None or item.position < answered:
        raise AlreadyAnswered(ALREADY_ANSWERED)
    if item.position != answered:
        raise AlreadyAnswered(OUT_OF_ORDER)


def attempt_answer(
    *,
    attempt: Attempt,
    item: AttemptItem,
    selected_ids: list[int] | None = None,
    value: Decimal | None = None,
    raw_value: str = "",
) -> Answer:
    """Score and record one answer. The caller has validated the input against the item.

    Refusals (QuizError): the attempt is finished (also when "Finish" lands at the same
    moment: both lock the attempt, see _lock_open_attempt), its time is up, the item is already
    answered (also when two tabs race: the unique answer per item decides), or it is not the
    current item. Recording is one INSERT under that lock; the last answer also closes the
    attempt in the same transaction (and an attempt left with every answer but no finish is
    closed when next opened).
    """
    check_answerable(attempt=attempt, item=item)
    answered = answered_count(attempt)
    selected_ids = selected_ids or []
    outcome = score_item(item, selected_ids=selected_ids, value=value)
    try:
        with transaction.atomic():
            if not _lock_open_attempt(attempt):
                attempt.__dict__.pop("finished_at", None)
                raise AttemptFinished(ATTEMPT_FINISHED)
            answer = Answer.objects.create(
                item=item,
                attempt=attempt,
                question_id=item.question_id,
                learner_key=attempt.learner_key,
                selected=selected_ids,
                value=None
                if value is None
                else value.quantize(EXPECTED_PLACES, rounding=ROUND_HALF_EVEN),
                raw_value=raw_value[:40],
                score=outcome.score,
                is_correct=outcome.is_correct,
                engine_version=item.engine_version,
            )
            if answered + 1 >= attempt.question_count:
                _close(attempt, answer.answered_at)
    except IntegrityError:
        raise AlreadyAnswered(ALREADY_ANSWERED) from None
    item.answer = answer
    attempt.answered_count = answered + 1
    return answer


def attempt_heal(*, attempt: Attempt) -> None:
    """Finish an attempt whose time is up, or whose every question is answered."""
    if attempt.is_finished:
        return
    if (
        not attempt_expire_if_due(attempt=attempt)
        and answered_count(attempt) >= attempt.question_count
    ):
        attempt_finish(attempt=attempt)


# --- summaries and mastery ------------------------------------------------------------------


@dataclass
class ConceptResult:
    concept_id: str
    title: str
    lesson_url: str
    score: Decimal = Decimal(0)
    total: int = 0

    @property
    def percent(self) -> Decimal:
        return self.score * 100 / self.total if self.total else Decimal(0)


@dataclass
class MisconceptionGroup:
    label: str
    count: int = 0
    presets: list[tuple[str, str]] = field(default_factory=list)  # (id, url)
    questions: list[int] = field(default_factory=list)  # item numbers


@dataclass
class Summary:
    attempt: Attempt
    items: list[AttemptItem]
    concepts: list[ConceptResult]
    misconceptions: list[MisconceptionGroup]
    missed: list[AttemptItem]
    time_taken: timedelta | None


def selected_choices(item: AttemptItem) -> list[dict]:
    answer = item_answer(item)
    picked = set(answer.selected) if answer else set()
    return [choice for choice in item.choices if choice["id"] in picked]


def attempt_summary(*, attempt: Attempt) -> Summary:
    items = list(attempt.items.select_related("question", "answer"))
    concepts: dict[str, ConceptResult] = {}
    groups: dict[str, MisconceptionGroup] = {}
    missed = []
    for item in items:
        answer = item_answer(item)
        score = answer.score if answer else Decimal(0)
        if not answer or not answer.is_correct:
            missed.append(item)
        for concept_id in item.question.concepts:
            result = concepts.setdefault(
                concept_id,
                ConceptResult(
                    concept_id,
                    CONCEPTS[concept_id].title if concept_id in CONCEPTS else concept_id,
                    concept_lesson_url(concept_id),
                ),
            )
            result.score += score
            result.total += 1
        for choice in selected_choices(item):
            if choice["correct"] or not choice["misconception"]:
                continue
            group = groups.setdefault(
                choice["misconception"], MisconceptionGroup(choice["misconception"])
            )
            group.count += 1
            group.questions.append(item.number)
            if choice["preset"] and choice["preset"] not in dict(group.presets):
                group.presets.append((choice["preset"], preset_url(choice["preset"])))
    ordered = sorted(concepts.values(), key=lambda r: (r.percent, r.concept_id))
    end = attempt.finished_at or timezone.now()
    return Summary(
        attempt=attempt,
        items=items,
        concepts=ordered,
        misconceptions=sorted(groups.values(), key=lambda g: (-g.count, g.label)),
        missed=missed,
        time_taken=end - attempt.started_at if attempt.started_at else None,
    )


@dataclass(frozen=True)
class ConceptMastery:
    concept_id: str
    title: str
    answered: int
    share: Decimal  # 0..1, average score of the last answers

    @property
    def percent(self) -> int:
        return int(self.share * 100)

    @property
    def level(self) -> str:
        if not self.answered:
            return "not tried"
        if self.share >= MASTERED and self.answered >= 3:
            return "mastered"
        if self.share >= MASTERED:
            return "promising"
        if self.share >= Decimal("0.5"):
            return "learning"
        return "weak"

    @property
    def lesson_url(self) -> str:
        return concept_lesson_url(self.concept_id)


def concept_mastery(
    *,
    user: Any = None,
    session: Any = None,
    learner_key: str | None = None,
    last_n: int = MASTERY_WINDOW,
) -> dict[str, ConceptMastery]:
    """Mastery of every concept C01-C28 for one learner, from their last `last_n` answers on it.

    Call it with `user=request.user, session=request.session` (or a `learner_key`). Returns every
    concept in course order; `answered` is 0 for concepts the learner has not met. One query.
    """
    key = learner_key or learner_key_for(user=user, session=session)
    if not key:
        return mastery_from_answers((), last_n=last_n)
    # An unfinished attempt that reveals answers only at the end must not leak them here.
    revealed = Q(attempt__finished_at__isnull=False) | Q(
        attempt__quiz__reveal=Quiz.Reveal.AFTER_EACH
    )
    rows = (
        Answer.objects.filter(revealed, learner_key=key)
        .order_by("-answered_at", "-pk")
        .values_list("question__concept_ids", "score")[:MASTERY_SCAN]
    )
    return mastery_from_answers(rows, last_n=last_n)


def mastery_from_answers(
    answers: Iterable[tuple[list[str], Decimal]], *, last_n: int = MASTERY_WINDOW
) -> dict[str, ConceptMastery]:
    """Each concept's mastery from (concept ids, score) answers read newest first: the average
    score of its last `last_n`. Callers that already hold a learner's answers (the progress page)
    pass them here instead of reading them again."""
    recent: dict[str, list[Decimal]] = defaultdict(list)
    for concept_ids, score in answers:
        for concept_id in concept_ids:
            if len(recent[concept_id]) < last_n:
                recent[concept_id].append(score)
    return {
        concept_id: ConceptMastery(
            concept_id,
            concept.title,
            len(scores := recent[concept_id]),
            sum(scores, Decimal(0)) / len(scores) if scores else Decimal(0),
        )
        for concept_id, concept in CONCEPTS.items()
    }


def weakest_concepts(mastery: dict[str, ConceptMastery], *, limit: int) -> list[str]:
    tried = [m for m in mastery.values() if m.answered and m.share < MASTERED]
    tried.sort(key=lambda m: (m.share, -m.answered, m.concept_id))
    return [m.concept_id for m in tried[:limit]]


def learner_attempts(learner: Learner | None, *, limit: int = 50) -> list[Attempt]:
    if learner is None:
        return []
    return list(Attempt.objects.filter(learner_key=learner.key).select_related("quiz")[:limit])


def _claim_order(attempt: Attempt):
    """Which anonymous attempts take the account's free places first: finished ones, best score
    first (then the most recent), and an open one last."""
    return (not attempt.is_finished, -attempt.score, -attempt.started_at.timestamp())


def attempts_claim(*, user, session) -> int:
    """Move the session's anonymous attempts and answers to `user` (call it right after sign-in).

    Attempts are renumbered after the user's own, so per-quiz numbering stays unique. Returns how
    many attempts moved.

    A quiz's `max_attempts` holds for the account: the account's own attempts keep their
    places; the anonymous ones fill what is left, finished ones with the best score first.
    Those beyond the limit still move (a finished record is never lost) but are marked not
    counted: they do not count as attempts used, show as "not counted" in the history, and an
    open one among them is finished as it stands, so the account cannot go on with it. An
    account has at most one open attempt per quiz: an anonymous one that would be a second is
    finished as it stands too.
    """
    anonymous_key = session.get(SESSION_LEARNER_KEY)
    if not anonymous_key or not user.is_authenticated:
        return 0
    user_key = f"user:{user.pk}"
    moved = 0
    with transaction.atomic():
        attempts = list(
            Attempt.objects.select_for_update(of=("self",))
            .filter(learner_key=anonymous_key)
            .select_related("quiz")
            .order_by("started_at")
        )
        own = (
            Attempt.objects.filter(learner_key=user_key)
            .values("quiz_id")
            .annotate(
                last=Max("number"),
                used=Count("pk", filter=Q(counted=True)),
                open=Count("pk", filter=Q(finished_at=None)),
            )
        )
        last_numbers = {row["quiz_id"]: row["last"] for row in own}
        used = {row["quiz_id"]: row["used"] for row in own}
        has_open = {row["quiz_id"] for row in own if row["open"]}
        counted = set()
        by_quiz: dict[int, list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            by_quiz[attempt.quiz_id].append(attempt)
        for quiz_id, group in by_quiz.items():
            limit = group[0].quiz.max_attempts
            places = None if limit is None else max(0, limit - used.get(quiz_id, 0))
            ranked = sorted((a for a in group if a.counted), key=_claim_order)
            counted |= {a.pk for a in (ranked if places is None else ranked[:places])}
        for attempt in attempts:
            number = last_numbers.get(attempt.quiz_id, 0) + 1
            last_numbers[attempt.quiz_id] = number
            is_counted = attempt.pk in counted
            if not attempt.is_finished and (not is_counted or attempt.quiz_id in has_open):
                attempt_finish(attempt=attempt)
            elif not attempt.is_finished:
                has_open.add(attempt.quiz_id)
            Attempt.objects.filter(pk=attempt.pk).update(
                learner_key=user_key, user=user, number=number, counted=is_counted
            )
            moved += 1
        Answer.objects.filter(learner_key=anonymous_key).update(learner_key=user_key)
    session.pop(SESSION_LEARNER_KEY, None)
    return moved


# --- instructor statistics ------------------------------------------------------------------


@dataclass
class QuestionStats:
    answered: int = 0
    right: int = 0
    wrong_picks: Counter = field(default_factory=Counter)
    most_picked_wrong: str = ""
    most_picked_wrong_count: int = 0

    @property
    def share_right(self) -> Decimal | None:
        return Decimal(self.right) / self.answered if self.answered else None


def question_statistics(question_ids=None) -> dict[int, QuestionStats]:
    """For each question: answers, share answered right, and the most-picked wrong choice."""
    answers = Answer.objects.all()
    if question_ids is not None:
        answers = answers.filter(question_id__in=list(question_ids))
    stats: dict[int, QuestionStats] = defaultdict(QuestionStats)
    wrong_ids = set(
        Choice.objects.filter(is_correct=False).values_list("pk", flat=True)
        if question_ids is None
        else Choice.objects.filter(
            is_correct=False, question_id__in=list(question_ids)
        ).values_list("pk", flat=True)
    )
    for question_id, is_correct, selected in answers.values_list(
        "question_id", "is_correct", "selected"
    ):
        entry = stats[question_id]
        entry.answered += 1
        entry.right += bool(is_correct)
        entry.wrong_picks.update(pk for pk in selected or [] if pk in wrong_ids)
    texts = dict(
        Choice.objects.filter(
            pk__in={pk for entry in stats.values() for pk in entry.wrong_picks}
        ).values_list("pk", "text")
    )
    for entry in stats.values():
        if entry.wrong_picks:
            pk, count = entry.wrong_picks.most_common(1)[0]
            entry.most_picked_wrong = texts.get(pk, f"(deleted choice {pk})")
            entry.most_picked_wrong_count = count
    return dict(stats)
