"""The question bank as data: load it from YAML (idempotent) and export it back.

Files: `quiz/content/quizzes.yaml` (the quizzes and their settings) and
`quiz/content/questions/*.yaml` (questions, one list per file). A question entry:

    - id: c04-isolated-caps-the-loss        # Question.slug, stable
      kind: single                          # single | multiple | true_false | numeric | generated
      concepts: [C04]                       # a list; "C04 C09" or "C04, C09" also load
      difficulty: 1                         # 1 easy, 2 medium, 3 hard
      erratum: E3                           # optional
      preset: W3                            # optional simulator preset
      prompt: ...
      explanation: ...
      choices:                              # choice kinds
        - {key: a, text: ..., correct: true, feedback: ...}
        - {key: b, text: ..., feedback: ..., misconception: ..., preset: W4}
      answer: "58825"                       # numeric
      tolerance: "0.5"                      # numeric and generated
      tolerance_mode: absolute              # absolute | percent
      unit: USDT
      generator: isolated_liquidation_price # generated
      parameters: {leverage: {choices: [5, 10]}}
      published: true

Loading never overwrites a row an instructor saved in the admin unless `force`; an entry whose
text has not changed since the last load is left alone (so a re-run writes nothing).
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from core.concepts import parse_concept_ids
from quiz.models import Choice, Question, Quiz

CONTENT_DIR = Path(__file__).resolve().parent / "content"
QUESTION_KEYS = {
    "id", "kind", "concepts", "difficulty", "erratum", "preset", "prompt", "explanation",
    "choices", "answer", "tolerance", "tolerance_mode", "unit", "generator", "parameters",
    "published",
}  # fmt: skip
CHOICE_KEYS = {"key", "text", "correct", "feedback", "misconception", "preset"}
QUIZ_KEYS = {
    "slug", "title", "description", "kind", "concepts", "question_count", "pass_mark",
    "time_limit_minutes", "max_attempts", "reveal", "published", "position",
}  # fmt: skip


class LoadError(ValueError):
    pass


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_admin_edits: list[str] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (
            f"{what}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept_admin_edits)} kept as edited in "
            "the admin"
        )


def bank_concepts(value: object) -> object:
    """A bank file's `concepts` as the stored list: [C04, C09], "C04 C09" and "C04, C09" all
    give ["C04", "C09"]. Anything else is passed on for the model's validator to name."""
    if value is None:
        return []
    if isinstance(value, str | list):
        return parse_concept_ids(value)
    return value


def checksum(entry: dict) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True, default=str).encode()).hexdigest()


def read_yaml(text: str, source: str) -> list[dict]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LoadError(f"{source}: not valid YAML: {error}") from None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise LoadError(f"{source}: expected a list of entries.")
    return data


def _decimal(value, name: str, entry_id: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise LoadError(f"{entry_id}: {name} {value!r} is not a number.") from None


def _check_question(entry: dict, source: str) -> str:
    entry_id = entry.get("id")
    if not entry_id:
        raise LoadError(f"{source}: a question has no id.")
    unknown = set(entry) - QUESTION_KEYS
    if unknown:
        raise LoadError(f"{entry_id}: unknown key(s) {sorted(unknown)}.")
    kind = entry.get("kind", "single")
    if kind in Question.CHOICE_KINDS:
        choices = entry.get("choices") or []
        if len(choices) < 2:
            raise LoadError(f"{entry_id}: a {kind} question needs at least two choices.")
        for choice in choices:
            if set(choice) - CHOICE_KEYS:
                raise LoadError(f"{entry_id}: unknown choice key(s) {set(choice) - CHOICE_KEYS}.")
        keys = [str(choice.get("key", "")) for choice in choices]
        if "" in keys or len(set(keys)) != len(keys):
            raise LoadError(f"{entry_id}: every choice needs a distinct key.")
        correct = sum(bool(choice.get("correct")) for choice in choices)
        if kind != Question.Kind.MULTIPLE and correct != 1:
            raise LoadError(f"{entry_id}: a {kind} question needs exactly one correct choice.")
        if correct < 1:
            raise LoadError(f"{entry_id}: mark at least one choice correct.")
    elif entry.get("choices"):
        raise LoadError(f"{entry_id}: a {kind} question has no choices.")
    return entry_id


def _question_fields(entry: dict) -> dict:
    entry_id = entry["id"]
    return {
        "kind": entry.get("kind", "single"),
        "concept_ids": bank_concepts(entry.get("concepts")),
        "difficulty": entry.get("difficulty", Question.Difficulty.MEDIUM),
        "erratum_id": entry.get("erratum", "") or "",
        "preset_id": entry.get("preset", "") or "",
        "prompt": str(entry.get("prompt", "")).strip(),
        "explanation": str(entry.get("explanation", "")).strip(),
        "answer": _decimal(entry.get("answer"), "answer", entry_id),
        "tolerance": _decimal(entry.get("tolerance"), "tolerance", entry_id) or Decimal(0),
        "tolerance_mode": entry.get("tolerance_mode", Question.ToleranceMode.ABSOLUTE),
        "unit": entry.get("unit", "") or "",
        "generator": entry.get("generator", "") or "",
        "parameters": entry.get("parameters") or {},
        "is_published": entry.get("published", True),
    }


def _save_question(entry: dict, report: LoadReport, *, force: bool) -> None:
    entry_id = entry["id"]
    digest = checksum(entry)
    question = Question.objects.filter(slug=entry_id).first()
    if question is not None:
        if question.edited_in_admin and not force:
            report.kept_admin_edits.append(entry_id)
            return
        if question.source_checksum == digest and not force:
            report.unchanged.append(entry_id)
            return
    created = question is None
    question = question or Question(slug=entry_id)
    for name, value in _question_fields(entry).items():
        setattr(question, name, value)
    question.edited_in_admin = False
    question.source_checksum = digest
    try:
        question.full_clean()
    except ValidationError as error:
        raise LoadError(f"{entry_id}: {error.message_dict}") from None
    question.save()
    keep = []
    for position, data in enumerate(entry.get("choices") or []):
        choice, _ = Choice.objects.update_or_create(
            question=question,
            key=str(data["key"]),
            defaults={
                "text": str(data.get("text", "")).strip(),
                "is_correct": bool(data.get("correct", False)),
                "feedback": str(data.get("feedback", "") or "").strip(),
                "misconception": str(data.get("misconception", "") or "").strip(),
                "preset_id": data.get("preset", "") or "",
                "position": position,
            },
        )
        keep.append(choice.pk)
    question.choices.exclude(pk__in=keep).delete()
    (report.created if created else report.updated).append(entry_id)


def load_question_entries(entries: list[dict], *, force: bool = False, source="data") -> LoadReport:
    report = LoadReport()
    seen = set()
    for entry in entries:
        entry_id = _check_question(entry, source)
        if entry_id in seen:
            raise LoadError(f"{source}: question id {entry_id} appears twice.")
        seen.add(entry_id)
    with transaction.atomic():
        for entry in entries:
            _save_question(entry, report, force=force)
    return report


def _save_quiz(entry: dict, report: LoadReport, *, force: bool) -> None:
    slug = entry.get("slug")
    if not slug:
        raise LoadError("quizzes: a quiz has no slug.")
    if set(entry) - QUIZ_KEYS:
        raise LoadError(f"{slug}: unknown key(s) {sorted(set(entry) - QUIZ_KEYS)}.")
    digest = checksum(entry)
    quiz = Quiz.objects.filter(slug=slug).first()
    if quiz is not None and not force:
        if quiz.edited_in_admin:
            report.kept_admin_edits.append(slug)
            return
        if quiz.source_checksum == digest:
            report.unchanged.append(slug)
            return
    created = quiz is None
    quiz = quiz or Quiz(slug=slug)
    quiz.title = entry.get("title", slug)
    quiz.description = str(entry.get("description", "")).strip()
    quiz.kind = entry.get("kind", Quiz.Kind.MODULE)
    quiz.concept_ids = bank_concepts(entry.get("concepts"))
    quiz.question_count = entry.get("question_count", 10)
    quiz.pass_mark = entry.get("pass_mark", 70)
    quiz.time_limit_minutes = entry.get("time_limit_minutes")
    quiz.max_attempts = entry.get("max_attempts")
    quiz.reveal = entry.get("reveal", Quiz.Reveal.AFTER_EACH)
    quiz.is_published = entry.get("published", True)
    quiz.position = entry.get("position", 0)
    quiz.edited_in_admin = False
    quiz.source_checksum = digest
    try:
        quiz.full_clean()
    except ValidationError as error:
        raise LoadError(f"{slug}: {error.message_dict}") from None
    quiz.save()
    (report.created if created else report.updated).append(slug)


def load_quiz_entries(entries: list[dict], *, force: bool = False) -> LoadReport:
    report = LoadReport()
    with transaction.atomic():
        for entry in entries:
            _save_quiz(entry, report, force=force)
    return report


def load_bank(directory: Path = CONTENT_DIR, *, force: bool = False):
    """Load every question file, then the quizzes. Returns (questions report, quizzes report)."""
    entries = []
    for path in sorted((directory / "questions").glob("*.yaml")):
        entries.extend(read_yaml(path.read_text(encoding="utf-8"), path.name))
    quizzes_path = directory / "quizzes.yaml"
    quiz_entries = (
        read_yaml(quizzes_path.read_text(encoding="utf-8"), quizzes_path.name)
        if quizzes_path.exists()
        else []
    )
    with transaction.atomic():
        questions = load_question_entries(entries, force=force, source=str(directory))
        quizzes = load_quiz_entries(quiz_entries, force=force)
    return questions, quizzes


def question_entry(question: Question) -> dict:
    """A question as a YAML entry (the inverse of loading; used by the admin export)."""
    entry: dict = {
        "id": question.slug,
        "kind": question.kind,
        "concepts": question.concepts,
        "difficulty": question.difficulty,
    }
    if question.erratum_id:
        entry["erratum"] = question.erratum_id
    if question.preset_id:
        entry["preset"] = question.preset_id
    entry["prompt"] = question.prompt
    entry["explanation"] = question.explanation
    if question.is_choice_kind:
        entry["choices"] = []
        for choice in question.choices.all():
            data: dict[str, Any] = {"key": choice.key, "text": choice.text}
            if choice.is_correct:
                data["correct"] = True
            for name, value in (
                ("feedback", choice.feedback),
                ("misconception", choice.misconception),
                ("preset", choice.preset_id),
            ):
                if value:
                    data[name] = value
            entry["choices"].append(data)
    else:
        if question.answer is not None:
            entry["answer"] = _plain(question.answer)
        entry["tolerance"] = _plain(question.tolerance)
        entry["tolerance_mode"] = question.tolerance_mode
        if question.unit:
            entry["unit"] = question.unit
        if question.generator:
            entry["generator"] = question.generator
            entry["parameters"] = question.parameters
    if not question.is_published:
        entry["published"] = False
    return entry


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def export_questions(questions) -> str:
    entries = [question_entry(q) for q in questions.prefetch_related("choices")]
    return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
