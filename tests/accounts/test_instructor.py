"""The instructor dashboard: staff only, aggregate figures, a fixed number of queries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.instructor import instructor_dashboard
from lessons.models import LessonCompletion
from tests.accounts.conftest import take_quiz

pytestmark = pytest.mark.django_db
DASHBOARD = "/me/instructor/"


def make_learners(count, lessons, quiz, *, right):
    """`count` learners who each read the first lesson and took the quiz once."""
    for number in range(count):
        user = get_user_model().objects.create_user(f"learner{right}{number}", password="x")
        LessonCompletion.objects.create(user=user, lesson=lessons[0])
        client = Client()
        client.force_login(user)
        take_quiz(client, quiz, right=right)


def test_the_dashboard_is_for_staff_only(client, learner, staff):
    assert reverse("me:instructor") == DASHBOARD
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(learner)
    assert client.get(DASHBOARD).status_code == 403
    assert DASHBOARD not in client.get(reverse("me:progress")).content.decode()
    client.force_login(staff)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "Instructor dashboard" in response.content.decode()


def test_it_shows_progress_hardest_concepts_and_questions(client, staff, lessons, quiz):
    make_learners(3, lessons, quiz, right=False)
    make_learners(1, lessons, quiz, right=True)
    client.force_login(staff)
    html = client.get(DASHBOARD).content.decode()
    assert '<div class="fs-3" id="learner-count">4</div>' in html
    assert "50% (4)" in html  # Basics: 4 completions of 2 lessons x 4 learners
    assert "Basics quiz" in html
    assert "cross-order" in html
    assert "Right of" not in html
    assert "1 of 4" in html  # one of four answers right
    assert "Wrong (3×)" in html  # the most-picked wrong answer
    # A concept reads by its name; its id, which instructors type in the admin, follows it.
    assert 'Isolated margin <span class="small text-body-secondary">(C04)</span>' in html
    untried = "Fewer than 3 answers so far: Margin trading and leverage (C01), Initial margin"
    assert untried in html


def test_the_figures_add_up(lessons, quiz, staff):
    make_learners(3, lessons, quiz, right=False)
    make_learners(1, lessons, quiz, right=True)
    LessonCompletion.objects.create(user=staff, lesson=lessons[1])  # staff are not learners
    dashboard = instructor_dashboard()
    assert (dashboard.learners, dashboard.active_learners, dashboard.lesson_count) == (4, 4, 4)
    basics, cross = dashboard.modules
    assert (basics.title, basics.lessons, basics.completions, basics.percent) == (
        "Basics",
        2,
        4,
        50,
    )
    assert (cross.completions, cross.percent) == (0, 0)
    assert dict(dashboard.bands) == {"none yet": 0, "under half": 4, "half or more": 0, "all": 0}
    assert dashboard.quizzes == [
        {"title": "Basics quiz", "attempts": 4, "percent": 25, "passed": 1}
    ]
    assert [c.concept_id for c in dashboard.hardest_concepts] == ["C04", "C07"]
    assert [(c.answered, c.percent) for c in dashboard.hardest_concepts] == [(4, 25), (4, 25)]
    assert [
        (q["question__slug"], q["right"], q["answered"]) for q in dashboard.hardest_questions
    ] == [
        ("cross-order", 1, 4),
        ("isolated-cap", 1, 4),
    ]
    assert dashboard.answers == 8


def test_an_empty_site_shows_an_empty_dashboard(client, staff):
    client.force_login(staff)
    html = client.get(DASHBOARD).content.decode()
    assert "No finished attempts yet." in html
    assert "No question has 3 answers yet." in html


def count_queries(fetch) -> int:
    calls = []

    def counter(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert fetch().status_code == 200
    return len(calls)


def test_the_dashboard_query_count_does_not_grow_with_learners(client, staff, lessons, quiz):
    # Enough answers, and wrong ones, for every part of the page to have rows.
    make_learners(3, lessons, quiz, right=False)
    client.force_login(staff)
    few = count_queries(lambda: client.get(DASHBOARD))
    make_learners(12, lessons, quiz, right=True)
    assert count_queries(lambda: client.get(DASHBOARD)) == few
    assert few <= 14


def test_the_dashboard_stays_within_its_query_budget(
    client, staff, lessons, quiz, django_assert_max_num_queries
):
    make_learners(5, lessons, quiz, right=False)
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        client.get(DASHBOARD)
