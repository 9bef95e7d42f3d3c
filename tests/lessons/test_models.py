import pytest
from django.core.exceptions import ValidationError

from lessons.models import GlossaryTerm, Lesson, validate_module_slug

pytestmark = pytest.mark.django_db


def test_saving_a_lesson_stores_its_rendered_sanitized_html(make_lesson):
    lesson = make_lesson(body="## Title\n\nHello <script>x()</script>\n")
    lesson.refresh_from_db()
    assert '<h2 id="sec-title">Title</h2>' in lesson.body_html
    assert "<script" not in lesson.body_html
    assert lesson.toc == [{"level": 2, "id": "sec-title", "title": "Title"}]


def test_reading_time_rounds_up_at_two_hundred_words_a_minute(make_lesson):
    assert make_lesson("short", body="word " * 10).reading_minutes == 1
    assert make_lesson("long", body="word " * 401).reading_minutes == 3


def test_body_is_normalized_so_an_unchanged_admin_save_is_not_an_edit(make_lesson):
    lesson = make_lesson(body="  line one\r\nline two  \r\n\r\n")
    assert lesson.body == "line one\nline two\n"


def test_update_fields_saves_also_refresh_the_rendered_fields(make_lesson):
    lesson = make_lesson(body="old")
    lesson.body = "**new**"
    lesson.save(update_fields=["body"])
    lesson.refresh_from_db()
    assert "<strong>new</strong>" in lesson.body_html


@pytest.mark.parametrize("value", [["C01", "W6", "E1"], []])
def test_known_concept_ids_are_valid(make_lesson, value):
    lesson = make_lesson()
    lesson.concepts = value
    lesson.full_clean()
    GlossaryTerm(slug="t", term="T", definition="D.", concepts=value).full_clean()


@pytest.mark.parametrize("value", [["C99"], ["c01"], "C01", [1]])
def test_unknown_concept_ids_are_rejected(make_lesson, value):
    lesson = make_lesson()
    lesson.concepts = value
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "concepts" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        GlossaryTerm(slug="t", term="T", definition="D.", concepts=value).full_clean()
    assert "concepts" in refused.value.message_dict


def test_module_slugs_cannot_shadow_fixed_paths():
    with pytest.raises(ValidationError):
        validate_module_slug("search")
    validate_module_slug("foundations")


def test_a_lesson_edited_after_loading_reports_it(make_lesson):
    lesson = make_lesson()
    assert not lesson.edited_since_load  # never loaded from a file
    lesson.loaded_fingerprint = lesson.current_fingerprint()
    assert not lesson.edited_since_load
    lesson.title = "Changed"
    assert lesson.edited_since_load


def test_saving_a_glossary_term_rerenders_the_lessons_that_link_it(make_lesson, glossary_term):
    lesson = make_lesson(body="See [[liquidation-price]] and [[bankruptcy-price]].")
    assert lesson.terms[0]["definition"] == "Where it is closed."
    assert lesson.render_problems  # bankruptcy-price is not in the glossary yet
    glossary_term.definition = "The mark price where it is closed."
    glossary_term.save()
    lesson.refresh_from_db()
    assert lesson.terms[0]["definition"] == "The mark price where it is closed."
    glossary_term.delete()
    lesson.refresh_from_db()
    assert lesson.terms == []
    assert "Unknown glossary term “liquidation-price”" in lesson.body_html


def test_lessons_keep_an_edit_history(make_lesson):
    lesson = make_lesson(title="First")
    lesson.title = "Second"
    lesson.save()
    assert [h.title for h in lesson.history.order_by("history_date")] == ["First", "Second"]


def test_published_queryset_and_course_order(make_lesson, module):
    later = make_lesson("b", order=2)
    first = make_lesson("a", order=1)
    make_lesson("draft", published=False, order=0)
    assert list(Lesson.objects.published().in_course_order()) == [first, later]
