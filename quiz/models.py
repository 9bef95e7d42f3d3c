"""The question bank, the quizzes drawn from it, and the learners' attempts.

An attempt freezes what it drew (question order, choice order, generated parameters, the correct
answer and the engine version) on its items, so an old score stays explainable after an instructor
edits a question or the engine changes.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.concept_fields import ConceptIdsField
from core.concepts import ERRATA, WORKED_EXAMPLES

PRESET_CHOICES = [(key, f"{key}: {label}") for key, label in WORKED_EXAMPLES.items()]
ERRATUM_CHOICES = [(key, f"{key}: {label}") for key, label in ERRATA.items()]


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice (all that apply)"
        TRUE_FALSE = "true_false", "True or false"
        NUMERIC = "numeric", "Numeric answer"
        GENERATED = "generated", "Generated numeric (engine computes the answer)"

    class ToleranceMode(models.TextChoices):
        ABSOLUTE = "absolute", "Absolute (same unit as the answer)"
        PERCENT = "percent", "Percent of the correct answer"

    class Difficulty(models.IntegerChoices):
        EASY = 1, "Easy"
        MEDIUM = 2, "Medium"
        HARD = 3, "Hard"

    CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE})
    NUMERIC_KINDS = frozenset({Kind.NUMERIC, Kind.GENERATED})

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable id; the YAML bank uses it to find the row."
    )
    kind = models.CharField(
        max_length=12,
        choices=Kind.choices,
        default=Kind.SINGLE,
        help_text="Scoring: single and true/false 1 or 0; multiple choice gives partial credit "
        "max(0, (right picks - wrong picks) / right choices), full marks only for exactly the "
        "right set; numeric answers count within the tolerance (edges included).",
    )
    prompt = models.TextField(
        help_text="For generated questions, placeholders such as {entry_price} are filled from "
        "the draw; the preview on this page shows a sample."
    )
    concept_ids = ConceptIdsField(
        "concepts",
        course_only=True,
        help_text="Concept ids from the course map (C01-C28), e.g. C04 C09 or C04, C09. The "
        "first one picks the lesson linked after answering.",
    )
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    erratum_id = models.CharField(
        "erratum", max_length=3, choices=ERRATUM_CHOICES, blank=True,
        help_text="Set when the question corrects a claim of the source material.",
    )  # fmt: skip
    preset_id = models.CharField(
        "simulator preset", max_length=3, choices=PRESET_CHOICES, blank=True,
        help_text="Linked from the explanation, to try the setup in the simulator.",
    )  # fmt: skip
    explanation = models.TextField(help_text="Shown once the learner has answered.")
    answer = models.DecimalField(
        max_digits=24, decimal_places=8, null=True, blank=True,
        help_text="Numeric questions only: the correct value.",
    )  # fmt: skip
    tolerance = models.DecimalField(
        max_digits=24, decimal_places=8, default=0,
        help_text="Numeric and generated questions: how far an answer may be from the correct "
        "value and still count (inclusive).",
    )  # fmt: skip
    tolerance_mode = models.CharField(
        max_length=8, choices=ToleranceMode.choices, default=ToleranceMode.ABSOLUTE
    )
    unit = models.CharField(max_length=12, blank=True, help_text="e.g. USDT, %, BTC")
    generator = models.CharField(
        max_length=40, blank=True, help_text="Generated questions only: what the engine computes."
    )
    parameters = models.JSONField(
        default=dict, blank=True,
        help_text='Generated questions only: ranges to draw from, e.g. {"leverage": {"choices": '
        '[5, 10, 20]}, "entry_price": {"min": "60000", "max": "70000", "step": "50"}}.',
    )  # fmt: skip
    is_published = models.BooleanField(default=True)
    edited_in_admin = models.BooleanField(
        default=False,
        editable=False,
        help_text="Set when an instructor saves it in the admin; load_questions then leaves it "
        "alone unless run with --force.",
    )
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["concept_ids", "slug"]

    def __str__(self):
        return self.slug

    @property
    def concepts(self) -> list[str]:
        return list(self.concept_ids)

    @property
    def is_choice_kind(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    def clean(self):
        from quiz.generators import (
            GENERATORS,
            GeneratorError,
            check_parameter_ranges,
            check_template,
        )

        errors = {}
        if self.kind == self.Kind.NUMERIC and self.answer is None:
            errors["answer"] = "A numeric question needs its correct value."
        if self.kind == self.Kind.GENERATED:
            if self.generator not in GENERATORS:
                errors["generator"] = f"Choose one of: {', '.join(sorted(GENERATORS))}."
            else:
                try:
                    check_parameter_ranges(self.generator, self.parameters)
                except GeneratorError as error:
                    errors["parameters"] = str(error)
                else:
                    # Filled with each draw's numbers: only the names a draw has, as typed.
                    for name in ("prompt", "explanation"):
                        try:
                            check_template(self.generator, self.parameters, getattr(self, name))
                        except GeneratorError as error:
                            errors[name] = str(error)
        if self.tolerance is not None and self.tolerance < 0:
            errors["tolerance"] = "A tolerance cannot be negative."
        if errors:
            raise ValidationError(errors)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.SlugField(max_length=20, help_text="Stable id within the question (a, b, ...).")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True, help_text="Shown when the learner picked this choice.")
    misconception = models.CharField(
        max_length=120,
        blank=True,
        help_text="Wrong choices: the mistaken belief it stands for; the summary groups by it.",
    )
    preset_id = models.CharField(
        "simulator preset",
        max_length=3,
        choices=PRESET_CHOICES,
        blank=True,
        help_text="A preset that disproves the misconception.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="quiz_choice_key_unique")
        ]

    def __str__(self):
        return self.text


class Quiz(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Full course"
        MODULE = "module", "Module (a group of concepts)"
        WEAK = "weak", "Practise my weak concepts"
        REVIEW = "review", "Daily review of the concepts due (spaced repetition)"

    class Reveal(models.TextChoices):
        AFTER_EACH = "after_each", "After each question"
        AT_END = "at_end", "At the end of the attempt"
        NEVER = "never", "Never (score only)"

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MODULE)
    concept_ids = ConceptIdsField(
        "concepts",
        course_only=True,
        blank=True,
        help_text="Module quizzes: the concepts it draws from, e.g. C04 C05 (C01-C28). Empty "
        "means every concept.",
    )
    question_count = models.PositiveSmallIntegerField(
        "questions drawn", default=10, help_text="Fewer are drawn if the pool is smaller."
    )
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)", default=70, help_text="Score in per cent needed to pass."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Optional; enforced on the server."
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Optional; enforced on the server, across tabs. Retries of missed questions "
        "count as attempts.",
    )
    reveal = models.CharField(
        "reveal answers", max_length=12, choices=Reveal.choices, default=Reveal.AFTER_EACH
    )
    is_published = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    edited_in_admin = models.BooleanField(default=False, editable=False)
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    # Not stored: the quiz list sets these for the learner looking at it (quiz.views).
    attempts_used: int
    attempts_left: int | None
    has_open_attempt: bool

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "quizzes"

    def __str__(self):
        return self.title

    @property
    def concepts(self) -> list[str]:
        return list(self.concept_ids)

    def clean(self):
        if self.pass_mark > 100:
            raise ValidationError({"pass_mark": "A pass mark is a percentage: 0 to 100."})
        if self.question_count < 1:
            raise ValidationError({"question_count": "Draw at least one question."})


class Attempt(models.Model):
    """One learner's run through a quiz.

    `learner_key` identifies the learner: `user:<pk>` when signed in, else the anonymous key kept
    in the session (see quiz.services). Attempts are numbered per quiz and learner; the unique
    constraint on the number is what makes `max_attempts` hold across tabs.

    Progress is not stored: the answers are the record (one per item, unique), and how many there
    are says which question is current. So an answer is a single INSERT, and nothing can drift.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    learner_key = models.CharField(max_length=64, db_index=True)
    number = models.PositiveIntegerField()
    seed = models.BigIntegerField(help_text="Drives the draw, so it can be reproduced.")
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField()
    score = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=0,
        help_text="Sum of the answers' scores, set at finish.",
    )
    engine_version = models.CharField(
        max_length=40, blank=True, help_text="The margin engine that computed generated answers."
    )
    # Not stored: quiz.services.answered_count caches the count here (absent until then).
    answered_count: int
    counted = models.BooleanField(
        default=True,
        help_text="Counts towards the quiz's maximum attempts. False for attempts made before "
        "signing in that the account had no attempts left for (kept, shown as not counted).",
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "learner_key", "number"], name="quiz_attempt_number_unique"
            ),
            # A double click on Start (several requests at once) cannot open two attempts.
            models.UniqueConstraint(
                fields=["quiz", "learner_key"],
                condition=models.Q(finished_at__isnull=True),
                name="quiz_one_open_attempt",
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number} ({self.learner_key})"

    def get_absolute_url(self):
        return reverse("quiz:attempt", args=[self.id])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def percent(self):
        if not self.question_count:
            return 0
        return self.score * 100 / self.question_count

    @property
    def passed(self) -> bool:
        return self.percent >= self.quiz.pass_mark


class AttemptItem(models.Model):
    """A question as drawn for one attempt: its place, its choices in shown order, and for
    numeric questions the expected value (computed by the engine for generated ones)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(help_text="0-based order within the attempt.")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="items")
    prompt = models.TextField(help_text="As shown, with generated parameters filled in.")
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text="Choices in shown order, as they were when drawn (id, text, correct, feedback, "
        "misconception, preset). Never rendered before the learner answers.",
    )
    parameters = models.JSONField(default=dict, blank=True, help_text="The generated draw.")
    # 8 places: exact to far below a cent, and within the ~15 significant digits SQLite keeps.
    expected = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    tolerance = models.DecimalField(max_digits=24, decimal_places=8, default=0)
    tolerance_mode = models.CharField(max_length=8, default=Question.ToleranceMode.ABSOLUTE)
    engine_version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quiz_item_position_unique"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position + 1}: {self.question_id}"

    @property
    def number(self) -> int:
        return self.position + 1


class Answer(models.Model):
    """A learner's answer to one item. One per item (unique): a second answer is refused."""

    item = models.OneToOneField(AttemptItem, on_delete=models.CASCADE, related_name="answer")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    learner_key = models.CharField(max_length=64, db_index=True)
    selected = models.JSONField(default=list, blank=True, help_text="Ids of the picked choices.")
    value = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    raw_value = models.CharField(max_length=40, blank=True, help_text="As typed.")
    score = models.DecimalField(max_digits=5, decimal_places=4)
    is_correct = models.BooleanField()
    engine_version = models.CharField(max_length=40, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["learner_key", "-answered_at"])]

    def __str__(self):
        return f"{self.item}: {self.score}"


class PracticeAnswer(models.Model):
    """An answer given outside a quiz attempt: a practice item inside a lesson, or an item
    answered by acting in the simulator. It counts towards mastery like a quiz answer.

    `item` names what was answered (`question:<slug>` or `action:<name>`); `concept_ids` is
    copied from it when answered, so a later re-tagging does not rewrite history.
    """

    learner_key = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="practice_answers",
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="practice_answers"
    )
    item = models.CharField(max_length=100)
    # Not validated against today's catalogue: it is the record of what was answered.
    concept_ids = models.JSONField(default=list, blank=True)
    parameters = models.JSONField(default=dict, blank=True, help_text="The numbers drawn.")
    response = models.JSONField(default=dict, blank=True, help_text="What the learner gave.")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["learner_key", "-answered_at"])]

    def __str__(self):
        return f"{self.item} ({self.learner_key}): {'right' if self.is_correct else 'wrong'}"

    @property
    def concepts(self) -> list[str]:
        return list(self.concept_ids)
