"""Practice inside a lesson: a few bank questions on the lesson's concepts, answered in place.

Nothing is stored until the learner answers. Each item travels as a signed token (the question,
the numbers drawn for it and the order its choices were shown in), so grading needs no session
and works on a page served from the first-visit cache. The answer is graded by the same scoring
rules as a quiz (numeric answers against the engine's value for the drawn numbers), recorded as
a `PracticeAnswer`, and counts towards mastery (quiz.mastery).

Without JavaScript, the answer form posts, the result is kept in the session for one page view,
and the learner is sent back to the lesson at the practice block (`practice_flash_*`). The form
also carries a signed `block` with every token shown, so the page shows the same items again.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.core import signing
from django.utils import timezone

from core.concepts import CONCEPTS
from core.learners import SESSION_LEARNER_KEY, Learner, learner_for
from core.links import preset_url
from quiz import actions, generators
from quiz.bank_cache import published_pool
from quiz.models import PracticeAnswer, Question
from quiz.scoring import NumberError, parse_number, score_multiple, score_numeric, score_single
from quiz.services import EXPECTED_PLACES, _pick_spread

ITEMS_PER_LESSON = 3
SALT = "quiz.practice.item"
ACTION_SALT = "quiz.practice.action"
BLOCK_SALT = "quiz.practice.block"
FLASH_KEY = "quiz.practice.flash"
PICK_ONE = "Pick an answer first."
PICK_SOME = "Pick at least one answer."
NOT_A_CHOICE = "That choice does not belong to this question; pick one of those shown."
TYPE_A_NUMBER = "Type your answer as a number."
STALE_ITEM = "This practice question has changed since the page was loaded; here is a fresh one."


class PracticeError(ValueError):
    """An answer that cannot be graded as sent; `message` is shown beside the field."""


@dataclass
class PracticeResult:
    correct: bool
    selected_ids: list[int] = field(default_factory=list)
    raw_value: str = ""
    expected_text: str = ""


@dataclass
class PracticeItem:
    is_action = False

    slot: int
    question: Question
    token: str
    prompt: str
    parameters: dict
    choice_order: list[int]
    result: PracticeResult | None = None
    error: str = ""
    raw_value: str = ""
    ticked: set[int] = field(default_factory=set)

    @property
    def dom_id(self) -> str:
        return f"practice-item-{self.slot}"

    @property
    def is_numeric(self) -> bool:
        return self.question.kind in Question.NUMERIC_KINDS

    @property
    def multiple(self) -> bool:
        return self.question.kind == Question.Kind.MULTIPLE

    @property
    def unit(self) -> str:
        if self.question.unit:
            return self.question.unit
        return (
            generators.GENERATORS[self.question.generator].unit if self.question.generator else ""
        )

    def choices(self) -> list[dict]:
        """Choices in shown order; what is right is told only once the item is answered."""
        by_id = {choice.pk: choice for choice in self.question.choices.all()}
        picked = set(self.result.selected_ids) if self.result else set()
        rows = []
        for choice_id in self.choice_order:
            choice = by_id.get(choice_id)
            if choice is None:
                continue
            row = {"id": choice.pk, "text": choice.text, "checked": choice.pk in self.ticked}
            if self.result is not None:
                row |= {"correct": choice.is_correct, "picked": choice.pk in picked}
                if choice.pk in picked or choice.is_correct:
                    row["feedback"] = choice.feedback
                if choice.pk in picked and not choice.is_correct:
                    row["misconception"] = choice.misconception
                    row["preset_url"] = preset_url(choice.preset_id) if choice.preset_id else ""
            rows.append(row)
        return rows

    def hints(self) -> list[str]:
        """Hints shown on request: the idea the question rests on, then for numbers drawn by
        the engine the formulas it uses (without the answer)."""
        hints = [
            f"{CONCEPTS[c].title}: {CONCEPTS[c].summary}"
            for c in self.question.concepts[:2]
            if c in CONCEPTS
        ]
        if self.question.generator and self.parameters:
            formulas = [
                f"{step.label}: {step.formula}"
                for step in generators.explain_draw(self.question.generator, self.parameters)
                if step.formula
            ]
            if formulas:
                hints.append("The engine works it out in these steps: " + "; ".join(formulas))
        return hints

    def explanation(self) -> str:
        if self.parameters:
            return generators.fill_prompt(self.question.explanation, self.parameters)
        return self.question.explanation

    def engine_steps(self) -> list[dict]:
        if not (self.question.generator and self.parameters):
            return []
        return [
            {
                "label": step.label,
                "formula": step.formula,
                "substituted": step.substituted,
                "value": "" if step.value is None else generators.format_number(step.value, 8),
            }
            for step in generators.explain_draw(self.question.generator, self.parameters)
        ]


@dataclass
class ActionItem:
    """A setup the learner acts on (quiz.actions), graded by the engine on what they set."""

    slot: int
    action: actions.Action
    token: str
    parameters: dict
    result: "ActionResult | None" = None
    error: str = ""
    posted: dict = field(default_factory=dict)

    is_action = True

    @property
    def dom_id(self) -> str:
        return f"practice-item-{self.slot}"

    @property
    def prompt(self) -> str:
        return self.action.prompt(self.parameters)

    @property
    def concept_ids(self) -> list[str]:
        return list(self.action.concepts)

    @property
    def position_ids(self) -> list[str]:
        return [symbol.removesuffix("USDT") for symbol in actions.ORDER_SYMBOLS]

    def hints(self) -> list[str]:
        return [
            f"{CONCEPTS[c].title}: {CONCEPTS[c].summary}"
            for c in self.action.concepts
            if c in CONCEPTS
        ]


@dataclass
class ActionResult:
    correct: bool
    lines: list[str]


# --- drawing ----------------------------------------------------------------------------------


def _item_from(question: Question, slot: int, rng: random.Random) -> PracticeItem:
    parameters: dict = {}
    prompt = question.prompt
    if question.kind == Question.Kind.GENERATED:
        draw = generators.draw_question(
            generator_name=question.generator,
            ranges=question.parameters,
            prompt=question.prompt,
            rng=rng,
        )
        parameters, prompt = draw.parameters, draw.prompt
    order = [choice.pk for choice in question.choices.all()]
    if question.kind != Question.Kind.TRUE_FALSE:
        rng.shuffle(order)
    token = signing.dumps({"q": question.slug, "p": parameters, "o": order, "s": slot}, salt=SALT)
    return PracticeItem(slot, question, token, prompt, parameters, order)


def practice_draw(
    concept_ids: list[str], *, count: int = ITEMS_PER_LESSON, rng: random.Random | None = None
) -> list[PracticeItem | ActionItem]:
    """Up to `count` items on these concepts: one with numbers to work out when the bank has
    one (drawn afresh by the engine each time), the rest spread over the concepts."""
    rng = rng or random.Random(secrets.randbits(64))
    pool = list(published_pool(concept_ids))
    numeric = [q for q in pool if q.kind in Question.NUMERIC_KINDS]
    rng.shuffle(numeric)
    # Prefer numbers the engine draws: a fresh exercise every visit.
    numeric.sort(key=lambda q: q.kind != Question.Kind.GENERATED)
    chosen = numeric[:1]
    others = [q for q in pool if q not in chosen]
    chosen += _pick_spread(others, concept_ids, count - len(chosen), rng)
    lesson_actions = actions.actions_for(concept_ids)
    if lesson_actions and len(chosen) >= count:
        chosen = chosen[: count - 1]  # room for one item answered by acting on a setup
    items: list = []
    for question in chosen:
        try:
            items.append(_item_from(question, len(items), rng))
        except generators.GeneratorError:
            continue
    if lesson_actions:
        items.append(action_item(rng.choice(lesson_actions).name, slot=len(items), rng=rng))
    return items


def action_item(name: str, *, slot: int, rng: random.Random) -> ActionItem:
    action = actions.ACTIONS[name]
    parameters = action.draw(rng)
    token = signing.dumps({"a": name, "p": parameters, "s": slot}, salt=ACTION_SALT)
    return ActionItem(slot, action, token, parameters)


def practice_item_from_token(token: str) -> "PracticeItem | ActionItem | None":
    """The item a token stands for, or None when it is forged or its question is gone."""
    try:
        data = signing.loads(token, salt=ACTION_SALT)
    except signing.BadSignature:
        pass
    else:
        if data.get("a") not in actions.ACTIONS:
            return None
        return ActionItem(int(data.get("s", 0)), actions.ACTIONS[data["a"]], token, data["p"])
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    question = (
        Question.objects.filter(slug=data.get("q"), is_published=True)
        .prefetch_related("choices")
        .first()
    )
    if question is None:
        return None
    parameters = data.get("p") or {}
    prompt = generators.fill_prompt(question.prompt, parameters) if parameters else question.prompt
    return PracticeItem(int(data.get("s", 0)), question, token, prompt, parameters, data["o"])


def block_token(items: list[PracticeItem | ActionItem]) -> str:
    return signing.dumps([item.token for item in items], salt=BLOCK_SALT)


def items_from_block(block: str) -> list[PracticeItem | ActionItem]:
    try:
        tokens = signing.loads(block, salt=BLOCK_SALT)
    except signing.BadSignature:
        return []
    items = [practice_item_from_token(token) for token in tokens if isinstance(token, str)]
    return [item for item in items if item is not None]


# --- grading ----------------------------------------------------------------------------------


def expected_value(item: PracticeItem) -> Decimal:
    question = item.question
    if question.kind == Question.Kind.NUMERIC:
        assert question.answer is not None  # a numeric question stores its answer
        return question.answer
    value = generators.compute_answer(question.generator, item.parameters)
    return value.quantize(EXPECTED_PLACES, rounding=ROUND_HALF_EVEN)


def practice_grade(item: PracticeItem, data) -> PracticeResult:
    """Grade the posted answer (a QueryDict: `choice` or `value`). Raises PracticeError."""
    question = item.question
    if item.is_numeric:
        raw = (data.get("value") or "").strip()
        item.raw_value = raw
        if not raw:
            raise PracticeError(TYPE_A_NUMBER)
        try:
            value = parse_number(raw)
        except NumberError as error:
            raise PracticeError(str(error)) from None
        expected = expected_value(item)
        outcome = score_numeric(
            expected=expected,
            tolerance=question.tolerance,
            tolerance_mode=question.tolerance_mode,
            value=value,
        )
        places = (
            generators.GENERATORS[question.generator].answer_places if question.generator else 2
        )
        return PracticeResult(
            outcome.is_correct,
            raw_value=raw,
            expected_text=generators.format_number(expected, places),
        )
    try:
        picked = sorted({int(pk) for pk in data.getlist("choice")})
    except ValueError:
        raise PracticeError(NOT_A_CHOICE) from None
    item.ticked = set(picked)
    if not picked:
        raise PracticeError(PICK_SOME if item.multiple else PICK_ONE)
    if not set(picked) <= set(item.choice_order) or (not item.multiple and len(picked) > 1):
        raise PracticeError(NOT_A_CHOICE)
    correct_ids = {c.pk for c in question.choices.all() if c.is_correct}
    score = score_multiple if item.multiple else score_single
    outcome = score(correct_ids=correct_ids, selected_ids=picked)
    return PracticeResult(outcome.is_correct, selected_ids=picked)


def practice_record(
    *, item: PracticeItem, result: PracticeResult, learner: Learner, now: datetime | None = None
) -> PracticeAnswer:
    return PracticeAnswer.objects.create(
        learner_key=learner.key,
        user_id=learner.user_id,
        question=item.question,
        item=f"question:{item.question.slug}",
        concept_ids=list(item.question.concept_ids),
        parameters=item.parameters,
        response={"selected": result.selected_ids, "value": result.raw_value},
        is_correct=result.correct,
        answered_at=now or timezone.now(),
    )


def action_grade(item: ActionItem, data) -> ActionResult:
    """Run what the learner set through the engine. Raises PracticeError."""
    item.posted = {name: data.get(name, "") for name in item.action.fields}
    try:
        outcome = actions.grade(item.action.name, item.parameters, item.posted)
    except actions.ActionError as error:
        raise PracticeError(str(error)) from None
    return ActionResult(outcome.correct, outcome.lines)


def action_record(
    *, item: ActionItem, result: ActionResult, learner: Learner, now: datetime | None = None
) -> PracticeAnswer:
    return PracticeAnswer.objects.create(
        learner_key=learner.key,
        user_id=learner.user_id,
        item=f"action:{item.action.name}",
        concept_ids=item.concept_ids,
        parameters=item.parameters,
        response=item.posted,
        is_correct=result.correct,
        answered_at=now or timezone.now(),
    )


def grade_any(item, data):
    return (
        action_grade(item, data)
        if getattr(item, "is_action", False)
        else practice_grade(item, data)
    )


def practice_answer(*, request, item) -> "PracticeResult | ActionResult":
    """Grade and record a posted answer for whoever is asking. Raises PracticeError."""
    result = grade_any(item, request.POST)
    learner = learner_for(request, create=True)
    assert learner is not None  # create=True always gives one
    if getattr(item, "is_action", False):
        action_record(item=item, result=result, learner=learner)
    else:
        practice_record(item=item, result=result, learner=learner)
    item.result = result
    return result


# --- the page without JavaScript ------------------------------------------------------------


def practice_flash_store(session, *, page: str, block: str, slot: int, data) -> None:
    """Keep one answer for the next view of `page` (the no-JS round trip)."""
    flash = session.get(FLASH_KEY) or {}
    entry = flash.get(page) if flash.get(page, {}).get("block") == block else None
    entry = entry or {"block": block, "answers": {}}
    fields = ("value", *{name for action in actions.ACTIONS.values() for name in action.fields})
    answer = {name: data.get(name, "") for name in fields}
    entry["answers"][str(slot)] = answer | {"choice": data.getlist("choice")}
    session[FLASH_KEY] = {page: entry}


def practice_flash_take(session, *, page: str) -> tuple[str, dict] | None:
    flash = session.get(FLASH_KEY) or {}
    if page not in flash:
        return None
    entry = flash.pop(page)
    session[FLASH_KEY] = flash
    return entry["block"], entry["answers"]


class _Posted(dict):
    """Just enough of a QueryDict for practice_grade, from a stored answer."""

    def getlist(self, name):
        value = self.get(name, [])
        return value if isinstance(value, list) else [value]


def practice_block_for(*, request, concept_ids: list[str], page: str) -> tuple[list, str]:
    """The items a lesson page shows, and their block token. After a no-JS answer the same items
    come back, each answered one with its result."""
    session = getattr(request, "session", None)
    flashed = practice_flash_take(session, page=page) if session is not None else None
    if flashed is not None:
        block, answers = flashed
        items = items_from_block(block)
        for item in items:
            posted = answers.get(str(item.slot))
            if posted is None:
                continue
            try:
                item.result = grade_any(item, _Posted(posted))
            except PracticeError as error:
                item.error = str(error)
        if items:
            return items, block
    items = practice_draw(concept_ids)
    return items, block_token(items)


def practice_claim(*, user, session) -> int:
    """Move the session's anonymous practice answers to `user` (at sign-in)."""
    anonymous_key = session.get(SESSION_LEARNER_KEY)
    if not anonymous_key or not user.is_authenticated:
        return 0
    return PracticeAnswer.objects.filter(learner_key=anonymous_key).update(
        learner_key=f"user:{user.pk}", user=user
    )
