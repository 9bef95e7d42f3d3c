"""Pages built from markup every reader shares (rendered once per content version) with each
learner's completion marks chosen per request (lessons.page_cache.MarkedMarkup, issue 20)."""

import pytest
from django.template import engines

from lessons.models import Lesson, LessonCompletion
from lessons.page_cache import MarkedMarkup, content_changed

pytestmark = pytest.mark.django_db

DONE = '<span class="badge text-bg-success">✓ done</span>'
NAV_DONE = '<span class="visually-hidden">(completed)</span>'


def test_marked_markup_keeps_one_branch_per_mark_for_the_learner():
    marked = MarkedMarkup.parse(
        "<ul><li>A <!--if-done:1-->done<!--else-->to do<!--end--></li>"
        "<li>B <!--if-done:2-->done<!--else--><!--end--></li></ul>"
    )
    assert marked.for_learner({1}) == "<ul><li>A done</li><li>B </li></ul>"
    assert marked.for_learner({2}) == "<ul><li>A to do</li><li>B done</li></ul>"
    assert marked.for_learner(set()) == "<ul><li>A to do</li><li>B </li></ul>"


def test_text_from_the_database_cannot_forge_a_mark():
    html = engines["django"].from_string("{{ title }} <!--if-done:1-->yes<!--else-->no<!--end-->")
    marked = MarkedMarkup.parse(html.render({"title": "<!--if-done:7-->x<!--else-->y<!--end-->"}))
    assert [pk for pk, _, _ in marked.marks] == [1]
    assert "&lt;!--if-done:7--&gt;" in marked.for_learner({7})


@pytest.fixture
def two_lessons(make_lesson):
    return make_lesson("first", order=1), make_lesson("second", order=2)


def test_two_learners_served_the_same_cached_outline_see_their_own_marks(
    client, two_lessons, django_user_model
):
    first, second = two_lessons
    ada = django_user_model.objects.create_user("ada", password="pw-ada-2026")
    bob = django_user_model.objects.create_user("bob", password="pw-bob-2026")
    LessonCompletion.objects.create(user=ada, lesson=first)
    LessonCompletion.objects.create(user=bob, lesson=first)
    LessonCompletion.objects.create(user=bob, lesson=second)
    client.force_login(ada)
    html = client.get("/learn/").content.decode()
    assert html.count(DONE) == 1
    assert "You have completed 1 of 2 lessons." in html
    assert f'href="{second.get_absolute_url()}">Continue: Second</a>' in html
    client.force_login(bob)
    html = client.get("/learn/").content.decode()  # the outline is cached now
    assert html.count(DONE) == 2
    assert "You have completed 2 of 2 lessons." in html
    client.logout()
    assert DONE not in client.get("/learn/").content.decode()


def test_the_lesson_aside_marks_each_learners_completion(client, two_lessons, django_user_model):
    first, second = two_lessons
    ada = django_user_model.objects.create_user("ada", password="pw-ada-2026")
    bob = django_user_model.objects.create_user("bob", password="pw-bob-2026")
    LessonCompletion.objects.create(user=bob, lesson=second)
    client.force_login(ada)
    assert NAV_DONE not in client.get(first.get_absolute_url()).content.decode()
    client.force_login(bob)
    html = client.get(first.get_absolute_url()).content.decode()  # the page is cached now
    assert html.count(NAV_DONE) == 1
    assert '<strong aria-current="page">First</strong>' in html
    assert f'<a href="{second.get_absolute_url()}">Second</a>' in html


def test_an_edited_title_shows_in_the_cached_outline_at_once(client, learner, two_lessons):
    first, _ = two_lessons
    client.force_login(learner)
    assert ">First</a>" in client.get("/learn/").content.decode()
    first.title = "Leverage, renamed"
    first.save()  # a save replaces the content version
    html = client.get("/learn/").content.decode()
    assert ">Leverage, renamed</a>" in html
    assert ">First</a>" not in html
    # A bulk update sends no signal; a new content version is what shows it.
    Lesson.objects.filter(pk=first.pk).update(title="Bulk renamed")
    assert ">Leverage, renamed</a>" in client.get("/learn/").content.decode()
    content_changed()
    assert ">Bulk renamed</a>" in client.get("/learn/").content.decode()
