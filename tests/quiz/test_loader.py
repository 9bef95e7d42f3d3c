from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.concepts import CONCEPTS, ERRATA, WORKED_EXAMPLES
from quiz import generators
from quiz.loader import (
    LoadError,
    export_questions,
    load_bank,
    load_question_entries,
    read_yaml,
)
from quiz.models import Choice, Question, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    load_bank()


def test_the_bank_loads_and_a_second_run_writes_nothing(bank):
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("load_questions", stdout=out)
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert "0 created, 0 updated" in out.getvalue()
    assert Question.objects.count() >= 60


def test_seed_loads_the_question_bank():
    call_command("seed", stdout=StringIO())
    assert Question.objects.filter(is_published=True).count() >= 60
    assert Quiz.objects.filter(slug="full-course").exists()


def test_every_concept_has_at_least_three_published_questions(bank):
    counts = Counter(
        concept_id
        for question in Question.objects.filter(is_published=True)
        for concept_id in question.concepts
    )
    assert {c: counts[c] for c in CONCEPTS if counts[c] < 3} == {}


def test_every_erratum_is_the_subject_of_a_question(bank):
    covered = set(Question.objects.exclude(erratum_id="").values_list("erratum_id", flat=True))
    assert covered == set(ERRATA)


def test_the_bank_has_every_question_type(bank):
    kinds = set(Question.objects.values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)


def test_every_choice_has_feedback_and_every_wrong_choice_names_its_misconception(bank):
    missing_feedback = list(Choice.objects.filter(feedback="").values_list("question__slug", "key"))
    unlabeled = list(
        Choice.objects.filter(is_correct=False, misconception="").values_list(
            "question__slug", "key"
        )
    )
    assert missing_feedback == []
    assert unlabeled == []


def test_presets_and_concepts_named_in_the_bank_exist(bank):
    presets = set(Question.objects.exclude(preset_id="").values_list("preset_id", flat=True))
    presets |= set(Choice.objects.exclude(preset_id="").values_list("preset_id", flat=True))
    assert presets <= set(WORKED_EXAMPLES)
    for question in Question.objects.all():
        assert question.concepts, question.slug
        assert set(question.concepts) <= set(CONCEPTS), question.slug
        assert question.explanation, question.slug


@pytest.mark.parametrize(
    ("slug", "generator", "params"),
    [
        (
            "n-c06-w6-binance",
            "isolated_liquidation_price",
            {"entry_price": "65000", "leverage": "10", "isolated_margin": "1000"},
        ),
        (
            "n-c06-w6-textbook",
            "isolated_liquidation_price",
            {
                "entry_price": "65000",
                "leverage": "10",
                "isolated_margin": "1000",
                "venue": "textbook",
            },
        ),
        (
            "n-c15-w6-bankruptcy",
            "bankruptcy_price",
            {"entry_price": "65000", "leverage": "10", "isolated_margin": "1000"},
        ),
        (
            "n-c06-short-r12",
            "isolated_liquidation_price",
            {
                "side": "short",
                "entry_price": "60000",
                "leverage": "20",
                "isolated_margin": "1500",
                "maintenance_margin_rate": "0.004",
            },
        ),
        (
            "n-c05-cross-liquidation-r13",
            "cross_liquidation_price",
            {
                "entry_price": "60000",
                "leverage": "10",
                "quantity": "0.5",
                "wallet_balance": "5000",
                "maintenance_margin_rate": "0.004",
            },
        ),
    ],
)
def test_fixed_numeric_answers_match_the_engine(bank, slug, generator, params):
    question = Question.objects.get(slug=slug)
    defaults = {"symbol": "BTCUSDT", "side": "long", "maintenance_margin_rate": "0.005"}
    engine_answer = generators.compute_answer(generator, {**defaults, **params})
    assert abs(question.answer - engine_answer) <= question.tolerance
    assert abs(question.answer - engine_answer) < Decimal("0.005")


def test_an_instructors_admin_edit_survives_a_reload_unless_forced(bank):
    question = Question.objects.get(slug="c04-isolated-caps-the-loss")
    question.prompt = "Edited by an instructor"
    question.edited_in_admin = True
    question.save()
    out = StringIO()
    call_command("load_questions", stdout=out)
    question.refresh_from_db()
    assert question.prompt == "Edited by an instructor"
    assert "kept admin edit: c04-isolated-caps-the-loss" in out.getvalue()
    call_command("load_questions", "--force", stdout=StringIO())
    question.refresh_from_db()
    assert question.prompt.startswith("Your account holds $5,000")
    assert question.edited_in_admin is False


def test_a_changed_entry_updates_the_row_and_its_choices():
    entry = {
        "id": "sample",
        "kind": "single",
        "concepts": ["C04"],
        "prompt": "Old?",
        "explanation": "Because.",
        "choices": [
            {"key": "a", "text": "Yes", "correct": True},
            {"key": "b", "text": "No", "misconception": "m"},
        ],
    }
    load_question_entries([entry])
    entry = {
        **entry,
        "prompt": "New?",
        "choices": [entry["choices"][0], {"key": "c", "text": "Maybe"}],
    }
    report = load_question_entries([entry])
    question = Question.objects.get(slug="sample")
    assert report.updated == ["sample"]
    assert question.prompt == "New?"
    assert list(question.choices.values_list("key", flat=True)) == ["a", "c"]


@pytest.mark.parametrize("concepts", [["C04", "C09"], "C04 C09", "C04, C09", ["c04", "C09", "C04"]])
def test_a_bank_entry_s_concepts_are_stored_as_one_list_whatever_the_file_wrote(concepts):
    entry = {
        "id": "spelled",
        "kind": "numeric",
        "concepts": concepts,
        "prompt": "?",
        "explanation": ".",
        "answer": "1",
    }
    load_question_entries([entry])
    assert Question.objects.get(slug="spelled").concept_ids == ["C04", "C09"]


def test_a_bank_entry_whose_concepts_are_not_ids_is_refused_with_the_validator_s_message():
    entry = {"id": "odd", "kind": "numeric", "concepts": {"C04": 1}, "prompt": "?"}
    with pytest.raises(LoadError, match="odd: .*Concepts are a list of ids such as C04 C09"):
        load_question_entries([{**entry, "explanation": ".", "answer": "1"}])
    assert not Question.objects.filter(slug="odd").exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "single"}, "has no id"),
        ({"id": "x", "kind": "single", "choices": [{"key": "a", "text": "A"}]}, "at least two"),
        (
            {"id": "x", "choices": [{"key": "a", "text": "A"}, {"key": "b", "text": "B"}]},
            "exactly one correct",
        ),
        ({"id": "x", "colour": "red"}, "unknown key"),
        (
            {"id": "x", "kind": "numeric", "concepts": ["C01"], "prompt": "?", "explanation": "."},
            "needs its correct value",
        ),
        (
            {
                "id": "x",
                "kind": "numeric",
                "concepts": ["C99"],
                "prompt": "?",
                "explanation": ".",
                "answer": "1",
            },
            "C99 is not a concept of the course; known: C01–C28",
        ),
        (
            {
                "id": "x",
                "kind": "generated",
                "concepts": ["C06"],
                "prompt": "?",
                "explanation": ".",
                "generator": "nope",
            },
            "Choose one of",
        ),
    ],
)
def test_bad_entries_are_refused_with_their_id_and_leave_the_database_alone(entry, message):
    with pytest.raises(LoadError, match=message):
        load_question_entries([entry])
    assert Question.objects.count() == 0


def test_the_command_reports_bad_yaml_as_a_command_error(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "broken.yaml").write_text("- id: x\n  prompt: a: b\n")
    with pytest.raises(CommandError, match="broken.yaml: not valid YAML"):
        call_command("load_questions", "--directory", str(tmp_path), stdout=StringIO())


def test_export_then_import_round_trips_a_question(bank):
    original = Question.objects.filter(slug__in=["c09-top-up-long", "g-top-up-liquidation"])
    text = export_questions(original)
    entries = read_yaml(text, "export")
    assert [e["id"] for e in entries] == ["c09-top-up-long", "g-top-up-liquidation"]
    Question.objects.filter(slug="c09-top-up-long").update(prompt="changed")
    load_question_entries(entries, force=True)
    question = Question.objects.get(slug="c09-top-up-long")
    assert question.prompt.startswith("You add margin to an isolated BTC long")
    assert question.choices.filter(is_correct=True).count() == 1
