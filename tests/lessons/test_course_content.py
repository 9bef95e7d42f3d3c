"""The shipped course covers the whole concept map with correct figures."""

import re

import pytest

from core.concepts import CONCEPTS, ERRATA, PLAYBOOK_SETUPS, WORKED_EXAMPLES
from core.links import preset_url
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(course):
    return list(Lesson.objects.published().select_related("module"))


def test_every_concept_is_taught_by_a_published_lesson(published):
    taught = {concept for lesson in published for concept in lesson.concepts}
    assert set(CONCEPTS) <= taught, sorted(set(CONCEPTS) - taught)


def test_every_worked_example_and_erratum_is_covered(published):
    tagged = {concept for lesson in published for concept in lesson.concepts}
    assert set(WORKED_EXAMPLES) | set(ERRATA) <= tagged


def test_every_worked_example_links_to_its_simulator_preset(published):
    html = "".join(lesson.body_html for lesson in published)
    for example in WORKED_EXAMPLES:
        assert f'href="{preset_url(example)}"' in html, example


def test_every_playbook_setup_is_a_card_in_the_playbooks_module(published):
    playbooks = [lesson for lesson in published if lesson.module.slug == "playbooks"]
    html = "".join(lesson.body_html for lesson in playbooks)
    for setup in PLAYBOOK_SETUPS:
        assert f'data-preset="{setup}"' in html, setup
        assert f'href="{preset_url(setup)}"' in html, setup


def test_every_lesson_ends_with_try_it_and_check_yourself(published):
    assert 30 <= len(published) <= 60
    for lesson in published:
        headings = [entry["title"] for entry in lesson.toc]
        assert headings[-2:] == ["Try it", "Check yourself"], lesson.slug
        assert 'href="/quiz/"' in lesson.body_html, lesson.slug
        assert 'href="/simulator/' in lesson.body_html, lesson.slug


def test_shipped_lessons_render_without_problems(published):
    assert {
        lesson.slug: lesson.render_problems for lesson in published if lesson.render_problems
    } == {}


def test_each_lesson_fits_one_sitting(published):
    # Lessons work one account through step by step: long enough to teach, short enough to finish.
    for lesson in published:
        assert 2 <= lesson.reading_minutes <= 6, lesson.slug


def test_the_first_three_modules_teach_at_length(published):
    words = sum(
        len(lesson.search_text.split())
        for lesson in published
        if lesson.module.slug in {"foundations", "isolated-margin", "cross-margin"}
    )
    assert words >= 8000


def test_the_liquidation_lesson_uses_the_engine_figures_and_corrects_the_seed(published):
    lesson = next(item for item in published if "E1" in item.concepts)
    for figure in ("$58,793.97", "$58,825.00", "$58,500.00", "9.5%", "$58,465"):
        assert figure in lesson.search_text, figure
    assert "wrong" in lesson.search_text


@pytest.mark.parametrize(
    ("erratum", "phrase"),
    [
        ("E2", "away from the market"),
        ("E3", "$100"),
        ("E4", "not"),
        ("E5", "9.5%"),
    ],
)
def test_each_erratum_lesson_states_the_correction(published, erratum, phrase):
    lessons = [lesson for lesson in published if erratum in lesson.concepts]
    assert lessons
    assert any(
        "correct" in lesson.search_text.lower() and phrase in lesson.search_text
        for lesson in lessons
    )


def test_no_lesson_repeats_the_seeds_wrong_liquidation_claim_as_fact(published):
    for lesson in published:
        for match in re.finditer(r"58,465", lesson.search_text):
            context = lesson.search_text[max(0, match.start() - 200) : match.end() + 200]
            assert "wrong" in context
