import pytest
from django.db import connection
from django.urls import reverse

from lessons.models import Lesson, LessonCompletion
from lessons.progress import SESSION_KEY

pytestmark = pytest.mark.django_db


def lesson_url(lesson):
    return reverse("lessons:lesson", args=[lesson.module.slug, lesson.slug])


def complete_url(lesson):
    return reverse("lessons:complete", args=[lesson.module.slug, lesson.slug])


def test_course_index_lists_modules_and_lessons_in_order(client, course):
    response = client.get(reverse("lessons:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert course.title in content
    assert (
        content.index("Foundations")
        < content.index("Isolated margin")
        < content.index("Risk practice")
    )
    assert "Initial margin" in content
    assert 'href="/learn/liquidation/liquidation-price/"' in content


def test_course_index_shows_the_learners_progress(client, learner, course):
    client.force_login(learner)
    LessonCompletion.objects.create(user=learner, lesson=Lesson.objects.first())
    content = client.get(reverse("lessons:index")).content.decode()
    assert f"You have completed 1 of {Lesson.objects.count()} lessons" in content


def test_course_index_without_content_says_how_to_load_it(client):
    assert "load_lessons" in client.get(reverse("lessons:index")).content.decode()


def test_lesson_page_shows_rendered_body_toc_terms_and_reading_time(client, course):
    lesson = Lesson.objects.get(slug="liquidation-price")
    response = client.get(lesson_url(lesson))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="lesson-title" class="mb-2">The liquidation price, to the cent</h1>' in content
    assert "$58,793.97" in content
    assert 'href="#sec-price-three-the-exchanges-liquidation-price"' in content  # table of contents
    assert '<dd id="term-bankruptcy-price-definition">' in content  # key terms, visible
    assert f"{lesson.reading_minutes} min read" in content
    assert 'hx-get="/simulator/embed/W6/"' in content
    assert 'href="/simulator/?preset=W6"' in content


def test_lesson_page_links_previous_and_next_across_modules(client, course):
    first_of_module = Lesson.objects.get(slug="isolated-margin-basics")
    content = client.get(lesson_url(first_of_module)).content.decode()
    assert 'rel="prev" href="/learn/foundations/mark-price-and-last-price/"' in content
    assert 'rel="next" href="/learn/isolated-margin/several-isolated-positions/"' in content


def test_lesson_page_query_count_is_bounded(client, course, django_assert_max_num_queries):
    lesson = Lesson.objects.select_related("module").get(slug="gap-risk")
    url = lesson_url(lesson)
    # The lesson, the course outline, and (once per bank version) the practice block's
    # questions with their choices.
    with django_assert_max_num_queries(4):
        client.get(url)
    client.post(complete_url(lesson))  # now there is a session to load
    with django_assert_max_num_queries(3):  # the practice pool is cached now
        assert client.get(url).status_code == 200


def test_lesson_page_query_count_for_a_signed_in_learner(
    client, learner, course, django_assert_max_num_queries
):
    client.force_login(learner)
    lesson = Lesson.objects.select_related("module").get(slug="gap-risk")
    LessonCompletion.objects.create(user=learner, lesson=lesson)
    url = lesson_url(lesson)
    # session + user (middleware) + lesson + outline with completion: no N+1 over 23 lessons;
    # and the practice block's questions with their choices.
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert "You completed this lesson." in response.content.decode()


def test_unknown_lesson_is_404(client, course):
    assert client.get("/learn/foundations/no-such-lesson/").status_code == 404


def test_unpublished_lesson_is_404_for_anonymous_and_learners(client, learner, make_lesson):
    draft = make_lesson("draft", published=False)
    assert client.get(lesson_url(draft)).status_code == 404
    client.force_login(learner)
    assert client.get(lesson_url(draft)).status_code == 404
    assert client.post(complete_url(draft)).status_code == 404


def test_unpublished_lesson_is_shown_to_instructors_with_a_banner(client, instructor, make_lesson):
    draft = make_lesson("draft", published=False)
    client.force_login(instructor)
    response = client.get(lesson_url(draft))
    assert response.status_code == 200
    assert "This lesson is not published" in response.content.decode()
    assert (
        "This lesson is not published"
        not in client.get(lesson_url(make_lesson("live"))).content.decode()
    )


def test_unpublished_lessons_are_left_out_of_the_index_for_learners(client, make_lesson):
    make_lesson("live", title="Live lesson")
    make_lesson("hidden", title="Hidden lesson", published=False)
    content = client.get(reverse("lessons:index")).content.decode()
    assert "Live lesson" in content
    assert "Hidden lesson" not in content


def test_mark_complete_with_htmx_returns_the_partial_and_stores_it_in_the_session(
    client, make_lesson
):
    lesson = make_lesson()
    response = client.post(complete_url(lesson), {"complete": "1"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="lesson-completion"' in content
    assert "You completed this lesson." in content
    assert response["Vary"].count("HX-Request") == 1
    assert client.session[SESSION_KEY] == [lesson.pk]

    response = client.post(complete_url(lesson), {"complete": "0"}, headers={"HX-Request": "true"})
    assert "Mark as complete" in response.content.decode()
    assert client.session[SESSION_KEY] == []


def test_mark_complete_without_javascript_redirects_back_to_the_lesson(
    client, learner, make_lesson
):
    lesson = make_lesson()
    client.force_login(learner)
    response = client.post(complete_url(lesson), {"complete": "1"})
    assert response.status_code == 302
    assert response["Location"] == lesson_url(lesson)
    assert "HX-Request" in response["Vary"]
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    client.post(complete_url(lesson), {"complete": "1"})  # twice is still once
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert "You completed this lesson." in client.get(lesson_url(lesson)).content.decode()


def test_mark_complete_needs_post(client, make_lesson):
    assert client.get(complete_url(make_lesson())).status_code == 405


def test_reading_a_lesson_does_not_create_a_session(client, make_lesson):
    response = client.get(lesson_url(make_lesson()))
    assert "sessionid" not in response.cookies


def test_concept_url_redirects_to_the_lesson_that_teaches_it(client, course):
    response = client.get(reverse("lessons:concept", args=["C06"]))
    assert response.status_code == 302
    assert response["Location"] == "/learn/liquidation/liquidation-price/"
    assert client.get("/learn/concepts/E3/")["Location"] == "/learn/foundations/initial-margin/"
    assert (
        client.get("/learn/concepts/W10/")["Location"] == "/learn/cross-margin/hedged-portfolios/"
    )


@pytest.mark.parametrize("concept_id", ["C99", "c06", "X", "C06x"])
def test_unknown_concept_ids_are_404(client, course, concept_id):
    assert client.get(f"/learn/concepts/{concept_id}/").status_code == 404


def test_concept_without_published_lesson_is_404(client, make_lesson):
    make_lesson(concepts=["C01"], published=False)
    assert client.get("/learn/concepts/C01/").status_code == 404


def test_glossary_page_lists_terms_with_anchors(client, course):
    content = client.get(reverse("lessons:glossary")).content.decode()
    assert '<dt id="term-liquidation-price"><dfn>Liquidation price</dfn></dt>' in content


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback path")
def test_search_fallback_finds_lessons_and_terms_with_highlighted_snippets(client, course):
    response = client.get(reverse("lessons:search"), {"q": "bankruptcy"})
    content = response.content.decode()
    assert "Gap risk" in content
    assert "<mark>bankruptcy</mark>" in content
    assert "Bankruptcy price" in content  # the glossary term


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL full-text search")
def test_search_full_text_ranks_and_stems_on_postgresql(client, course):
    content = client.get(reverse("lessons:search"), {"q": "liquidated hedges"}).content.decode()
    assert "Hedges belong in cross" in content  # stemming: hedges / hedge, liquidated / liquidate
    assert "<mark>" in content


def test_search_escapes_lesson_text_in_snippets(client, make_lesson):
    make_lesson(body="Beware &lt;script&gt;alert(1)&lt;/script&gt; tricks about margin.")
    content = client.get(reverse("lessons:search"), {"q": "tricks"}).content.decode()
    assert "<script>alert" not in content
    assert "<mark>tricks</mark>" in content  # the snippet is built from escaped text


def test_search_with_no_results_and_bad_input(client, course):
    content = client.get(reverse("lessons:search"), {"q": "zebra-unicorn"}).content.decode()
    assert "No lesson matches" in content
    response = client.get(reverse("lessons:search"), {"q": "x" * 201})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert "Lessons (" not in client.get(reverse("lessons:search")).content.decode()


def test_search_hides_drafts_from_learners(client, make_lesson):
    make_lesson("hidden", title="Hidden margin lesson", published=False)
    content = client.get(reverse("lessons:search"), {"q": "hidden"}).content.decode()
    assert "Hidden margin lesson" not in content


def test_course_index_query_count_is_bounded(client, course, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # course, modules, their lessons (prefetched)
        response = client.get(reverse("lessons:index"))
    assert response.content.decode().count('class="list-group-item') == Lesson.objects.count()


def test_the_cached_learn_index_follows_a_content_edit_and_keeps_completion_per_learner(
    client, make_lesson, django_user_model
):
    first = make_lesson("first", title="The First Lesson")
    reader = django_user_model.objects.create_user("reader", password="pw-reader-123")
    client.force_login(reader)
    assert "The First Lesson" in client.get("/learn/").content.decode()  # cached now
    first.title = "The Renamed Lesson"
    first.save()
    make_lesson("second", title="A Second Lesson", order=2)
    html = client.get("/learn/").content.decode()
    assert "The Renamed Lesson" in html
    assert "A Second Lesson" in html
    assert "The First Lesson" not in html
    client.post(first.get_absolute_url() + "complete/")
    assert "✓ done" in client.get("/learn/").content.decode()
    other = django_user_model.objects.create_user("other", password="pw-other-123")
    client.force_login(other)
    assert "✓ done" not in client.get("/learn/").content.decode()
