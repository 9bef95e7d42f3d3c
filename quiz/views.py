from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import push_url

from core.concepts import CONCEPTS
from core.learners import learner_for
from core.links import concept_lesson_url, preset_url
from quiz import services
from quiz.forms import WRONG_QUESTION, AnswerForm
from quiz.generators import GENERATORS, explain_draw, fill_prompt, format_number
from quiz.mastery import learner_mastery
from quiz.models import Attempt, AttemptItem, Question, Quiz
from quiz.scoring import allowed_error

PARTIAL = "quiz/_question.html"
# Quizzes of the earlier course layout (kept unpublished) and the module quiz that replaced each:
# an old "start" form or bookmark is sent on rather than answered with a 404.
RETIRED_QUIZZES = {
    "margin-basics": "foundations",
    "isolated-vs-cross": "cross-margin",
    "managing-positions": "choosing-and-mixing",
    "when-markets-move": "liquidation",
}


def _owned_attempt(request, attempt_id) -> Attempt:
    """The attempt (with its number of answers) if it belongs to this learner; anybody else
    gets 404 (not 403: an attempt's existence is nobody else's business)."""
    attempt = get_object_or_404(
        # The annotation fills the attribute Attempt declares (django-stubs sees a clash).
        Attempt.objects.select_related("quiz").annotate(answered_count=Count("answers")),  # type: ignore[no-redef]
        pk=attempt_id,
    )
    if not services.learner_owns(learner_for(request), attempt):
        raise Http404("No such attempt.")
    return attempt


def _render(request, context, *, status=200, push=None):
    """The whole page, or for htmx only the question region (the one htmx branch)."""
    template = PARTIAL if request.htmx else "quiz/attempt.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if request.htmx and push:
        response = push_url(response, push)
    return response


def _reveals_now(attempt: Attempt) -> bool:
    reveal = attempt.quiz.reveal
    return reveal == Quiz.Reveal.AFTER_EACH or (
        reveal == Quiz.Reveal.AT_END and attempt.is_finished
    )


def _choice_rows(item: AttemptItem, answer, reveal: bool, form=None) -> list[dict]:
    # `reveal`: the caller decided the learner may now see what is right.
    """What the template may show of each choice. Before an answer (or when answers are not
    revealed) nothing about correctness leaves the server. A re-shown form keeps what was
    ticked."""
    picked = set(answer.selected) if answer else set()
    ticked = set(form.data.getlist("choice")) if form is not None and form.is_bound else set()
    rows = []
    for choice in item.choices:
        row = {
            "id": choice["id"],
            "text": choice["text"],
            "picked": choice["id"] in picked,
            "checked": str(choice["id"]) in ticked,
        }
        if reveal:
            row["correct"] = choice["correct"]
            if row["picked"] or choice["correct"]:
                row["feedback"] = choice["feedback"]
            if row["picked"] and not choice["correct"]:
                row["misconception"] = choice["misconception"]
                row["preset_url"] = preset_url(choice["preset"]) if choice["preset"] else ""
        rows.append(row)
    return rows


def _numeric_context(item: AttemptItem, answer, reveal: bool) -> dict:
    question = item.question
    if question.kind not in Question.NUMERIC_KINDS:
        return {}
    places = GENERATORS[question.generator].answer_places if question.generator else 2
    unit = question.unit or (GENERATORS[question.generator].unit if question.generator else "")
    context: dict[str, Any] = {
        "unit": unit,
        "tolerance_text": _tolerance_text(item, unit),
    }
    if reveal and question.generator and item.parameters:
        context["engine_steps"] = [
            {
                "label": step.label,
                "formula": step.formula,
                "substituted": step.substituted,
                "value": "" if step.value is None else format_number(step.value, 8),
            }
            for step in explain_draw(question.generator, item.parameters)
        ]
    if reveal:
        assert item.expected is not None  # a numeric item stores its answer
        context["expected_text"] = format_number(item.expected, places)
        context["allowed_text"] = format_number(
            allowed_error(item.expected, item.tolerance, item.tolerance_mode), places + 2
        )
    return context


def _tolerance_text(item: AttemptItem, unit: str) -> str:
    if item.tolerance_mode == Question.ToleranceMode.PERCENT:
        return f"Answers within {format_number(item.tolerance)}% of the correct value count."
    if item.tolerance == 0:
        return "Only the exact value counts."
    return f"Answers within {format_number(item.tolerance)} {unit} of the correct value count."


def _question_context(attempt, item, *, form=None, message="", answer=None):
    reveal = _reveals_now(attempt) and answer is not None
    question = item.question
    concept_ids = question.concepts
    last = item.position + 1 >= attempt.question_count
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "item": item,
        "question": question,
        "answer": answer,
        "reveal": reveal,
        "form": form,
        "message": message,
        "choices": _choice_rows(item, answer, reveal, form),
        "multiple": question.kind == Question.Kind.MULTIPLE,
        "is_numeric": question.kind in Question.NUMERIC_KINDS,
        "progress_percent": int(services.answered_count(attempt) * 100 / attempt.question_count),
        "next_url": (
            reverse("quiz:summary", args=[attempt.id])
            if last
            else reverse("quiz:question", args=[attempt.id, item.number + 1])
        ),
        "is_last": last,
    }
    if reveal:
        context["explanation"] = _explanation(item)
        context["lesson_url"] = concept_lesson_url(concept_ids[0]) if concept_ids else ""
        context["lesson_title"] = CONCEPTS[concept_ids[0]].title if concept_ids else ""
        context["preset_url"] = preset_url(question.preset_id) if question.preset_id else ""
    context.update(_numeric_context(item, answer, reveal))
    return context


def _explanation(item: AttemptItem) -> str:
    """The explanation, with a generated question's drawn numbers filled in."""
    if item.parameters:
        return fill_prompt(item.question.explanation, item.parameters)
    return item.question.explanation


def _item_at(attempt: Attempt, position: int) -> AttemptItem:
    return get_object_or_404(
        AttemptItem.objects.select_related("question", "answer"), attempt=attempt, position=position
    )


@require_safe
def index(request):
    learner = learner_for(request)
    quizzes = list(Quiz.objects.filter(is_published=True))
    used = {}
    in_progress = {}
    if learner:
        rows = (
            Attempt.objects.filter(learner_key=learner.key)
            .values("quiz_id")
            .annotate(
                used=Count("pk", filter=Q(counted=True)),
                open=Count("pk", filter=Q(finished_at=None)),
            )
        )
        used = {row["quiz_id"]: row for row in rows}
    for quiz in quizzes:
        row = used.get(quiz.pk, {"used": 0, "open": 0})
        quiz.attempts_used = row["used"]
        quiz.attempts_left = (
            None if quiz.max_attempts is None else max(0, quiz.max_attempts - row["used"])
        )
        in_progress[quiz.pk] = row["open"]
        quiz.has_open_attempt = bool(row["open"])
    mastery = services.concept_mastery(learner_key=learner.key) if learner else {}
    weakest = services.weakest_concepts(mastery, limit=services.WEAK_CONCEPTS_DRAWN)
    return render(
        request,
        "quiz/index.html",
        {
            "quizzes": quizzes,
            "weakest": [mastery[c] for c in weakest],
            "has_answers": any(m.answered for m in mastery.values()),
            "levels": learner_mastery(
                learner_key=learner.key if learner else None, now=timezone.now()
            ),
        },
    )


@require_POST
def start(request, slug):
    if slug in RETIRED_QUIZZES and not Quiz.objects.filter(slug=slug, is_published=True).exists():
        # 307 keeps the POST (and its CSRF token), so the learner starts the successor at once.
        response = HttpResponseRedirect(reverse("quiz:start", args=[RETIRED_QUIZZES[slug]]))
        response.status_code = 307
        return response
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True)
    learner = learner_for(request, create=True)
    try:
        attempt = services.attempt_start(quiz=quiz, learner=learner, session=request.session)
    except services.QuizError as error:
        messages.error(request, error.message)
        return redirect("quiz:index")
    return redirect("quiz:attempt", attempt.id)


@require_safe
def attempt_detail(request, attempt_id):
    """The current question of an attempt; a finished attempt shows its summary."""
    attempt = _owned_attempt(request, attempt_id)
    services.attempt_heal(attempt=attempt)
    if attempt.is_finished:
        return redirect("quiz:summary", attempt.id)
    item = _item_at(attempt, attempt.answered_count)
    form = AnswerForm(item=item, initial={"position": item.position})
    return _render(request, _question_context(attempt, item, form=form))


@require_safe
def question(request, attempt_id, number):
    """One question by number: answered ones show their feedback (as the reveal setting allows),
    the current one its form; later ones are not open yet."""
    attempt = _owned_attempt(request, attempt_id)
    services.attempt_heal(attempt=attempt)
    position = number - 1
    if position < 0 or position >= attempt.question_count:
        raise Http404("No such question in this attempt.")
    if position > attempt.answered_count or (
        attempt.is_finished and position >= attempt.answered_count
    ):
        return redirect("quiz:attempt", attempt.id)
    item = _item_at(attempt, position)
    answer = services.item_answer(item)
    form = None if answer else AnswerForm(item=item, initial={"position": item.position})
    push = reverse("quiz:question", args=[attempt.id, number])
    return _render(request, _question_context(attempt, item, form=form, answer=answer), push=push)


def _posted_position(request) -> int | None:
    try:
        return int(request.POST.get("position", ""))
    except ValueError:
        return None


@require_POST
def answer(request, attempt_id):
    """Score one answer. At most a handful of queries: the item comes with its attempt, quiz,
    question and any earlier answer in one select; then one insert and one update."""
    learner = learner_for(request)
    position = _posted_position(request)
    item = (
        AttemptItem.objects.select_related("attempt__quiz", "question", "answer")
        .annotate(answered_count=services.answered_count_subquery())
        .filter(attempt_id=attempt_id, position=position)
        .first()
        if position is not None
        else None
    )
    if item is None:
        attempt = _owned_attempt(request, attempt_id)
        return _refuse_unknown_position(request, attempt)
    attempt = item.attempt
    attempt.answered_count = item.answered_count
    if not services.learner_owns(learner, attempt):
        raise Http404("No such attempt.")
    try:
        services.check_answerable(attempt=attempt, item=item)
    except services.QuizError as error:
        return _refuse(request, attempt, item, error)
    form = AnswerForm(request.POST, item=item)
    if not form.is_valid():
        return _render(request, _question_context(attempt, item, form=form), status=422)
    try:
        recorded = services.attempt_answer(
            attempt=attempt,
            item=item,
            selected_ids=form.cleaned_data["selected_ids"],
            value=form.cleaned_data["value"],
            raw_value=request.POST.get("value", ""),
        )
    except services.QuizError as error:
        return _refuse(request, attempt, item, error)
    url = reverse("quiz:question", args=[attempt.id, item.number])
    if not request.htmx:
        response = redirect(url)
        patch_vary_headers(response, ["HX-Request"])
        return response
    return _render(request, _question_context(attempt, item, answer=recorded), push=url)


def _refuse(request, attempt, item, error):
    """A refused answer: the attempt is unchanged; show the question as it stands, with why."""
    if isinstance(error, services.AttemptFinished | services.TimeUp) and not request.htmx:
        messages.error(request, error.message)
        return redirect("quiz:summary", attempt.id)
    existing = services.item_answer(item)
    if existing is None:
        item = _item_at(attempt, item.position)  # the other tab's answer, if it just landed
        existing = services.item_answer(item)
    form = None
    if existing is None and not attempt.is_finished:
        current = _item_at(attempt, services.answered_count(attempt))
        item, form = current, AnswerForm(item=current, initial={"position": current.position})
    context = _question_context(attempt, item, form=form, answer=existing, message=error.message)
    return _render(request, context, status=error.status)


def _refuse_unknown_position(request, attempt):
    if attempt.is_finished:
        messages.error(request, services.ATTEMPT_FINISHED)
        return redirect("quiz:summary", attempt.id)
    item = _item_at(attempt, services.answered_count(attempt))
    form = AnswerForm(item=item, initial={"position": item.position})
    return _render(
        request, _question_context(attempt, item, form=form, message=WRONG_QUESTION), status=422
    )


@require_POST
def finish(request, attempt_id):
    attempt = _owned_attempt(request, attempt_id)
    services.attempt_finish(attempt=attempt)
    return redirect("quiz:summary", attempt.id)


@require_safe
def summary(request, attempt_id):
    attempt = _owned_attempt(request, attempt_id)
    services.attempt_heal(attempt=attempt)
    if not attempt.is_finished:
        return redirect("quiz:attempt", attempt.id)
    result = services.attempt_summary(attempt=attempt)
    reveal = attempt.quiz.reveal != Quiz.Reveal.NEVER
    review = [
        {
            "item": item,
            "answer": services.item_answer(item),
            "choices": _choice_rows(item, services.item_answer(item), reveal),
            "lesson_url": concept_lesson_url(item.question.concepts[0]),
            "explanation": _explanation(item),
            **_numeric_context(item, services.item_answer(item), reveal),
        }
        for item in result.items
    ]
    history = [
        a
        for a in services.learner_attempts(learner_for(request), limit=20)
        if a.quiz_id == attempt.quiz_id
    ]
    return render(
        request,
        "quiz/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "summary": result,
            "reveal": reveal,
            "review": review,
            "history": history,
            "percent": attempt.percent.quantize(Decimal("1"), rounding=ROUND_HALF_UP),
            "time_taken": _duration_text(result.time_taken),
        },
    )


def _duration_text(duration) -> str:
    if duration is None:
        return ""
    seconds = int(duration.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@require_POST
def retry(request, attempt_id):
    attempt = _owned_attempt(request, attempt_id)
    if not attempt.is_finished:
        messages.error(request, "Finish this attempt before retrying the questions you missed.")
        return redirect("quiz:attempt", attempt.id)
    learner = learner_for(request, create=True)
    try:
        new_attempt = services.attempt_retry_missed(
            attempt=attempt, learner=learner, session=request.session
        )
    except services.QuizError as error:
        messages.error(request, error.message)
        return redirect("quiz:summary", attempt.id)
    return redirect("quiz:attempt", new_attempt.id)


@require_safe
def progress(request):
    learner = learner_for(request)
    mastery = services.concept_mastery(learner_key=learner.key) if learner else {}
    return render(
        request,
        "quiz/progress.html",
        {
            "mastery": list(mastery.values()) or list(services.concept_mastery().values()),
            "attempts": services.learner_attempts(learner),
            "window": services.MASTERY_WINDOW,
        },
    )
