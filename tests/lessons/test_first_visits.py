"""First-time visitors get the home and lesson pages from a whole-page cache, each with a CSRF
token of their own that works; anyone with a session is served by the view."""

import re

import pytest
from django.conf import settings
from django.test import Client

from core.first_visits import CSRF_HOLE_PREFIX

pytestmark = pytest.mark.django_db

PAGE_TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')


def first_visit(path: str) -> tuple[Client, str, str]:
    """A new browser's first request: the client (with the cookie it was given), the page and
    the token in it."""
    client = Client(enforce_csrf_checks=True)
    html = client.get(path).content.decode()
    match = PAGE_TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return client, html, match.group(1)


def test_a_cached_lesson_gives_each_visitor_a_token_that_works(
    make_lesson, django_assert_num_queries
):
    lesson = make_lesson(body="Shared words.")
    first_visit(lesson.get_absolute_url())  # renders and caches the page
    with django_assert_num_queries(0):
        client, html, token = first_visit(lesson.get_absolute_url())
    _other_client, _other_html, other_token = first_visit(lesson.get_absolute_url())
    assert "Shared words." in html
    assert CSRF_HOLE_PREFIX not in html
    assert token != other_token
    assert client.cookies["csrftoken"].value

    response = client.post(
        lesson.get_absolute_url() + "complete/", {"complete": "1"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302  # marked complete: the page again, now with progress

    # Now the learner has a session, so the page is theirs, not the cached one.
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "You completed this lesson." in html


def test_the_home_page_is_cached_for_first_visits_with_a_working_token(make_lesson):
    lesson = make_lesson()
    first_visit("/")
    client, html, token = first_visit("/")
    assert CSRF_HOLE_PREFIX not in html
    assert "Where to start" in html
    assert not Client().get("/").templates  # served from the cache, not rendered
    response = client.post(
        lesson.get_absolute_url() + "complete/", {"complete": "1"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302


def test_the_hole_never_leaks_to_a_visitor_with_a_session(client, learner, make_lesson):
    lesson = make_lesson(body="Signed-in words.")
    first_visit(lesson.get_absolute_url())
    client.force_login(learner)
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "Signed-in words." in html
    assert CSRF_HOLE_PREFIX not in html
    assert f"Signed in as {learner.username}" in html


def test_a_visitor_with_a_session_sees_their_own_progress_not_the_cached_page(make_lesson):
    lesson = make_lesson()
    _client, cached_html, _token = first_visit(lesson.get_absolute_url())
    learner_client = Client()
    learner_client.post(lesson.get_absolute_url() + "complete/", {"complete": "1"})
    assert settings.SESSION_COOKIE_NAME in learner_client.cookies
    html = learner_client.get(lesson.get_absolute_url()).content.decode()
    assert html != cached_html
    assert "You completed this lesson." in html
    assert "You completed this lesson." not in cached_html


def test_responses_vary_on_the_cookie_whether_served_from_the_cache_or_not(make_lesson):
    lesson = make_lesson()
    for _ in range(2):
        response = Client().get(lesson.get_absolute_url())
        assert "Cookie" in response.headers["Vary"]
        assert response["Content-Type"].startswith("text/html")


def test_query_strings_and_htmx_requests_are_not_served_from_the_cache(make_lesson):
    lesson = make_lesson()
    url = lesson.get_absolute_url()
    first_visit(url)
    cold = Client()
    # The test client lists the templates a response rendered: none when served from the cache.
    for response in (cold.get(url + "?utm=x"), cold.get(url, headers={"HX-Request": "true"})):
        assert response.status_code == 200
        assert CSRF_HOLE_PREFIX not in response.content.decode()
        assert response.templates, "the view rendered the page"


def test_an_unknown_lesson_is_a_404_not_a_cached_page(client, make_lesson):
    make_lesson()
    for _ in range(2):
        response = client.get("/learn/no-such-module/no-such-lesson/")
        assert response.status_code == 404
        assert CSRF_HOLE_PREFIX not in response.content.decode()


def test_a_new_content_version_replaces_the_cached_page(make_lesson):
    lesson = make_lesson(body="Before the edit.")
    first_visit(lesson.get_absolute_url())
    lesson.body = "After the edit."
    lesson.save()
    _client, html, _token = first_visit(lesson.get_absolute_url())
    assert "After the edit." in html
    assert "Before the edit." not in html


def test_the_completion_form_on_a_cached_page_carries_a_working_token(make_lesson):
    """Without JavaScript the learner posts the form, with the token in a hidden field."""
    lesson = make_lesson()
    first_visit(lesson.get_absolute_url())
    client, html, _header_token = first_visit(lesson.get_absolute_url())
    field = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', html)
    assert field
    response = client.post(
        lesson.get_absolute_url() + "complete/",
        {"complete": "1", "csrfmiddlewaretoken": field.group(1)},
    )
    assert response.status_code == 302


def test_a_served_page_is_the_page_the_view_renders(make_lesson):
    lesson = make_lesson(body="Same either way.")
    rendered = Client().get(lesson.get_absolute_url())
    served = Client().get(lesson.get_absolute_url())
    assert rendered.templates
    assert not served.templates

    def without_tokens(html: str) -> str:
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)

    assert without_tokens(served.content.decode()) == without_tokens(rendered.content.decode())


def test_author_content_cannot_carry_the_placeholder_to_another_site(make_lesson):
    """Review F11: a lesson link holding the placeholder got each visitor's own token."""
    lesson = make_lesson(
        body="[Collect](https://evil.example/collect?t=__margin_academy_csrf_token_hole__)"
    )
    first_visit(lesson.get_absolute_url())  # renders and caches the page
    for _ in range(2):
        _client, html, token = first_visit(lesson.get_absolute_url())
        assert token not in html.split("evil.example", 1)[1].split('"', 1)[0]
        assert "collect?t=__margin_academy_csrf_token_hole__" in html
