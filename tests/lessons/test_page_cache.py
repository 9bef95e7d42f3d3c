"""Lesson pages are cached per content version: every kind of content change shows at once."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.loading import CONTENT_DIR
from lessons.models import GlossaryTerm, Lesson

pytestmark = pytest.mark.django_db


def page(client, lesson) -> str:
    return client.get(lesson.get_absolute_url()).content.decode()


def admin_post(client, lesson, **changes):
    data = {
        "module": lesson.module.pk,
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "order": lesson.order,
        "published": "on" if lesson.published else "",
        "concepts": " ".join(lesson.concepts),
        "body": lesson.body,
    } | changes
    return client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)


def test_a_second_reader_is_served_without_queries_for_the_lesson(
    client, make_lesson, django_assert_num_queries
):
    lesson = make_lesson(body="Cached body.")
    assert "Cached body." in page(client, lesson)
    with django_assert_num_queries(0):
        assert "Cached body." in page(client, lesson)


def test_an_admin_edit_shows_on_the_next_request(client, instructor, make_lesson):
    lesson = make_lesson(body="Old words.")
    neighbour = make_lesson("second", title="Second lesson", order=2)
    assert "Old words." in page(client, lesson)
    assert "Second lesson" in page(client, lesson)
    client.force_login(instructor)
    admin_post(client, lesson, title="Renamed lesson", body="New words.")
    admin_post(client, neighbour, title="Neighbour renamed")
    client.logout()
    html = page(client, Lesson.objects.get(pk=lesson.pk))
    assert "New words." in html
    assert "Old words." not in html
    assert "Renamed lesson" in html
    assert "Neighbour renamed" in html  # the outline and the pager, not just the lesson


def test_unpublishing_a_lesson_takes_it_off_the_site_at_once(client, make_lesson):
    lesson = make_lesson()
    assert client.get(lesson.get_absolute_url()).status_code == 200
    lesson.published = False
    lesson.save()
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_a_glossary_change_shows_in_the_key_terms(client, make_lesson, glossary_term):
    lesson = make_lesson(body="The [[liquidation-price]] matters.")
    assert "Where it is closed." in page(client, lesson)
    glossary_term.definition = "Where the exchange takes over."
    glossary_term.save()
    assert "Where the exchange takes over." in page(client, lesson)
    GlossaryTerm.objects.all().delete()
    assert "Where the exchange takes over." not in page(client, Lesson.objects.get(pk=lesson.pk))


def test_load_lessons_shows_a_changed_file(client, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    call_command("load_lessons", path=content, stdout=StringIO())
    lesson = Lesson.objects.select_related("module").get(slug="gap-risk")
    assert "A sentence only the reloaded file has." not in page(client, lesson)
    source = next(content.rglob("*gap-risk.md"))
    source.write_text(source.read_text() + "\nA sentence only the reloaded file has.\n")
    call_command("load_lessons", path=content, stdout=StringIO())
    assert "A sentence only the reloaded file has." in page(client, lesson)


def test_completion_and_the_csrf_token_are_per_reader(client, make_lesson):
    lesson = make_lesson()
    make_lesson("second", order=2)
    assert "Not completed yet." in page(client, lesson)
    client.post(lesson.get_absolute_url() + "complete/")
    html = page(client, lesson)
    assert "You completed this lesson." in html
    assert "(completed)" in html  # the outline's mark
    other = type(client)()
    other_html = page(other, lesson)
    assert "Not completed yet." in other_html
    assert "(completed)" not in other_html
    token = 'name="csrfmiddlewaretoken" value="'
    assert html.split(token)[1][:20] != other_html.split(token)[1][:20]


def test_staff_see_drafts_in_the_outline_that_readers_do_not(client, instructor, make_lesson):
    lesson = make_lesson()
    make_lesson("draft-lesson", title="Unpublished draft", order=2, published=False)
    assert "Unpublished draft" not in page(client, lesson)
    client.force_login(instructor)
    assert "Unpublished draft" in page(client, lesson)
    client.logout()
    assert "Unpublished draft" not in page(client, lesson)
