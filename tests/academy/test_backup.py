"""Backups: `manage.py backup` and `manage.py restore`, tested by round trips."""

import datetime
import json
import os
import stat
import zipfile

import pytest
from django.core.management import CommandError, call_command

from academy import exact_json
from academy.management.commands.backup import content_models
from benchmarks.load_mixed import ThrowAwayDatabase, manage, marked_json, production_env
from lessons.models import GlossaryTerm, Lesson
from quiz.models import Question, Quiz


def content_snapshot() -> list[dict]:
    """Every content row, every field exact (times to the microsecond)."""
    return json.loads(
        exact_json.serialize(
            obj for model in content_models() for obj in model._default_manager.order_by("pk")
        )
    )


# In the first millisecond of a second: Django's JSON encoder writes milliseconds only, so this
# came back as 12:00:00 (about one CI run in seven had such a row).
SUB_MILLISECOND = datetime.datetime(2026, 11, 30, 12, 0, 0, 456, tzinfo=datetime.UTC)


@pytest.fixture
def course(db):
    call_command("load_lessons", verbosity=0)
    call_command("load_questions", verbosity=0)


def test_content_survives_a_round_trip_through_a_content_backup(course, tmp_path):
    Lesson.objects.filter(pk=Lesson.objects.order_by("pk").first().pk).update(
        updated_at=SUB_MILLISECOND
    )
    Question.objects.filter(pk=Question.objects.order_by("pk").first().pk).update(
        updated_at=SUB_MILLISECOND.replace(microsecond=999_999)
    )
    before = content_snapshot()
    assert SUB_MILLISECOND.isoformat() in json.dumps(before)
    backup = tmp_path / "content.zip"
    call_command("backup", output=str(backup), content_only=True, verbosity=0)

    lesson = Lesson.objects.order_by("pk").first()
    lesson.title = "Vandalised"
    lesson.save()
    GlossaryTerm.objects.order_by("pk").first().delete()
    question = Question.objects.order_by("pk").first()
    question.choices.all().delete()

    call_command("restore", input=str(backup), content_only=True, verbosity=0)
    assert content_snapshot() == before


def test_a_content_backup_from_before_concept_id_lists_restores_them_as_lists(course, tmp_path):
    """Backups made before quiz 0005 wrote a question's concepts as "C04 C09"."""
    backup = tmp_path / "content.zip"
    call_command("backup", output=str(backup), content_only=True, verbosity=0)
    with zipfile.ZipFile(backup) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    records = json.loads(files["content.json"])
    questions = [r for r in records if r["model"] == "quiz.question"]
    quizzes = [r for r in records if r["model"] == "quiz.quiz" and r["fields"]["concept_ids"]]
    assert questions
    assert quizzes
    expected = {(r["model"], r["pk"]): r["fields"]["concept_ids"] for r in questions + quizzes}
    for record in questions + quizzes:
        record["fields"]["concept_ids"] = " ".join(record["fields"]["concept_ids"])
    files["content.json"] = json.dumps(records).encode()
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(old, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    Question.objects.update(concept_ids=["C01"])

    call_command("restore", input=str(old), content_only=True, verbosity=0)
    restored = {
        (model._meta.label_lower, pk): ids
        for model in (Question, Quiz)
        for pk, ids in model.objects.values_list("pk", "concept_ids")
    }
    assert {key: restored[key] for key in expected} == expected


def test_the_backup_lists_what_it_holds(course, tmp_path):
    backup = tmp_path / "content.zip"
    call_command("backup", output=str(backup), content_only=True, verbosity=0)
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert set(archive.namelist()) == {"manifest.json", "content.json"}
    assert manifest["content_rows"]["lessons.Lesson"] == Lesson.objects.count() > 10
    assert manifest["content_rows"]["quiz.Question"] == Question.objects.count() > 50
    assert manifest["whole_database"] is None


def test_a_backup_is_readable_by_its_owner_only(course, tmp_path):
    """Review F12: the zip was 0644 under the usual umask, with password hashes inside."""
    backup = tmp_path / "content.zip"
    backup.write_text("an older, world-readable file of the same name")
    backup.chmod(0o644)
    previous = os.umask(0o022)
    try:
        call_command("backup", output=str(backup), content_only=True, verbosity=0)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert zipfile.is_zipfile(backup)


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_text("hello")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", input=str(not_a_zip))
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", input=str(tmp_path / "missing.zip"))
    backup = tmp_path / "content.zip"
    call_command("backup", output=str(backup), content_only=True, verbosity=0)
    with pytest.raises(CommandError, match="holds only content"):
        call_command("restore", input=str(backup))


COUNT_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from lessons.models import Lesson
print("COUNTS " + json.dumps({
    "lessons": Lesson.objects.count(),
    "late_user": get_user_model().objects.filter(username="after-backup").exists(),
    "sessions": Session.objects.count(),
}))
"""
SESSION_SCRIPT = """
from django.contrib.sessions.backends.db import SessionStore
store = SessionStore()
store["signed_in"] = True
store.create()
"""
VANDAL_SCRIPT = """
from django.contrib.auth import get_user_model
from lessons.models import Lesson
Lesson.objects.all().delete()
get_user_model().objects.create_user("after-backup", password="x-Zq81-long-enough")
"""


def database_kinds() -> list[str]:
    kinds = [""]  # SQLite always
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        kinds.append(os.environ["DATABASE_URL"])
    return kinds


@pytest.mark.parametrize(
    "base_url", database_kinds(), ids=lambda url: url.split(":")[0] or "sqlite"
)
def test_the_whole_database_survives_a_round_trip(base_url, tmp_path):
    with ThrowAwayDatabase(base_url, tmp_path) as database:
        env = production_env(database.url)
        manage(env, "migrate", "--no-input")
        manage(env, "seed")
        manage(env, "shell", "-c", SESSION_SCRIPT)
        original = marked_json(manage(env, "shell", "-c", COUNT_SCRIPT), "COUNTS")
        backup = tmp_path / "backups" / "whole.zip"
        manage(env, "backup", "--output", str(backup))

        manage(env, "shell", "-c", VANDAL_SCRIPT)
        vandalised = marked_json(manage(env, "shell", "-c", COUNT_SCRIPT), "COUNTS")
        assert vandalised == {"lessons": 0, "late_user": True, "sessions": 1}

        manage(env, "restore", "--input", str(backup))
        restored = marked_json(manage(env, "shell", "-c", COUNT_SCRIPT), "COUNTS")
    assert original["lessons"] > 10
    assert original["sessions"] == 1
    # Everything as it was, but nobody is signed in: review F12, session keys in a backup are
    # live sign-in cookies, so backups leave them out.
    assert restored == {"lessons": original["lessons"], "late_user": False, "sessions": 0}
