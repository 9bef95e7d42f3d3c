import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.loading import CONTENT_DIR, KEPT, UNCHANGED, load_course
from lessons.models import Course, GlossaryTerm, Lesson, Module

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_loading_creates_the_whole_course():
    report = load_course()
    assert Course.objects.count() == 1
    assert Module.objects.count() == 7
    assert 30 <= Lesson.objects.count() <= 60
    assert GlossaryTerm.objects.count() >= 20
    assert report.counts["created"] == (
        1 + Module.objects.count() + Lesson.objects.count() + GlossaryTerm.objects.count()
    )


def test_loading_twice_changes_nothing():
    load_course()
    before = {lesson.pk: lesson.updated_at for lesson in Lesson.objects.all()}
    report = load_course()
    assert set(report.counts) == {UNCHANGED}
    assert {lesson.pk: lesson.updated_at for lesson in Lesson.objects.all()} == before
    assert Lesson.history.count() == Lesson.objects.count()


def test_an_admin_edit_is_never_overwritten_without_force(content_copy):
    load_course(content_copy)
    lesson = Lesson.objects.get(slug="initial-margin")
    lesson.title = "Initial margin (edited by an instructor)"
    lesson.save()
    path = content_copy / "01-foundations" / "02-initial-margin.md"
    path.write_text(path.read_text().replace("title: Initial margin", "title: From the file"))

    report = load_course(content_copy)
    lesson.refresh_from_db()
    assert lesson.title == "Initial margin (edited by an instructor)"
    assert report.counts[KEPT] == 1
    assert report.kept == ["lesson foundations/initial-margin"]

    load_course(content_copy, force=True)
    lesson.refresh_from_db()
    assert lesson.title == "From the file"
    assert not lesson.edited_since_load


def test_a_changed_file_updates_an_unedited_lesson(content_copy):
    load_course(content_copy)
    path = content_copy / "04-liquidation" / "04-gap-risk.md"
    path.write_text(path.read_text() + "\nA new closing line.\n")
    report = load_course(content_copy)
    assert report.counts["updated"] == 1
    assert "A new closing line." in Lesson.objects.get(slug="gap-risk").body_html


def test_a_lesson_created_in_the_admin_with_a_file_slug_is_kept(module):
    foundations = Module.objects.create(
        course=module.course, slug="foundations", title="Mine", order=9
    )
    Lesson.objects.create(module=foundations, slug="initial-margin", title="Mine", body="mine")
    load_course()
    assert Lesson.objects.get(slug="initial-margin").title == "Mine"
    assert Module.objects.get(slug="foundations").title == "Mine"


def test_glossary_edits_are_kept_too():
    load_course()
    term = GlossaryTerm.objects.get(slug="margin")
    term.definition = "Instructor's wording."
    term.save()
    load_course()
    term.refresh_from_db()
    assert term.definition == "Instructor's wording."


def test_the_command_reports_and_names_kept_lessons():
    out = StringIO()
    call_command("load_lessons", stdout=out)
    assert "created" in out.getvalue()
    lesson = Lesson.objects.get(slug="gap-risk")
    lesson.body += "\nMore."
    lesson.save()
    out = StringIO()
    call_command("load_lessons", stdout=out)
    assert "kept lesson liquidation/gap-risk; use --force" in out.getvalue()


def test_the_command_fails_clearly_on_a_broken_file(content_copy):
    (content_copy / "01-foundations" / "09-broken.md").write_text("no front matter")
    with pytest.raises(CommandError, match="09-broken.md: no front matter"):
        call_command("load_lessons", path=content_copy, stdout=StringIO())
    assert Lesson.objects.count() == 0  # all or nothing


def test_seed_loads_the_course_and_puts_the_instructor_in_the_group(settings):
    settings.DEBUG = True
    call_command("seed", stdout=StringIO())
    assert Lesson.objects.published().count() == Lesson.objects.count() > 0
    from django.contrib.auth import get_user_model

    instructor = get_user_model().objects.get(username="instructor")
    assert list(instructor.groups.values_list("name", flat=True)) == ["Instructors"]


def test_loading_refreshes_stored_html_of_unchanged_lessons():
    load_course()
    Lesson.objects.filter(slug="gap-risk").update(body_html="stale", reading_minutes=99)
    load_course()
    lesson = Lesson.objects.get(slug="gap-risk")
    assert "$1,076.92" in lesson.body_html
    assert lesson.reading_minutes < 99
