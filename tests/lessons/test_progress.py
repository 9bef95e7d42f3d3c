import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from lessons.models import LessonCompletion
from lessons.progress import (
    SESSION_KEY,
    progress_completed_ids,
    progress_merge_session_into_user,
    progress_set_complete,
)

pytestmark = pytest.mark.django_db


def anonymous_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def test_anonymous_progress_is_a_plain_list_of_lesson_ids_in_the_session(make_lesson):
    first, second = make_lesson("a"), make_lesson("b")
    request = anonymous_request()
    progress_set_complete(request=request, lesson=first, complete=True)
    progress_set_complete(request=request, lesson=second, complete=True)
    progress_set_complete(request=request, lesson=first, complete=True)
    assert request.session[SESSION_KEY] == [second.pk, first.pk]
    assert progress_completed_ids(request=request) == {first.pk, second.pk}


def test_garbage_in_the_session_is_ignored():
    request = anonymous_request()
    request.session[SESSION_KEY] = ["1", None, 3]
    assert progress_completed_ids(request=request) == {3}
    request.session[SESSION_KEY] = "not a list"
    assert progress_completed_ids(request=request) == set()


def test_session_progress_merges_into_an_account(make_lesson, learner):
    first, second = make_lesson("a"), make_lesson("b")
    LessonCompletion.objects.create(user=learner, lesson=first)
    request = anonymous_request()
    request.session[SESSION_KEY] = [first.pk, second.pk, 999_999]
    assert progress_merge_session_into_user(request=request, user=learner) == 1
    assert set(learner.lesson_completions.values_list("lesson_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert SESSION_KEY not in request.session


def test_signing_in_carries_session_progress_into_the_account(client, make_lesson, learner):
    lesson = make_lesson()
    client.post(f"/learn/{lesson.module.slug}/{lesson.slug}/complete/", {"complete": "1"})
    client.post(
        "/accounts/login/", {"username": "learner", "password": "pw-learner-123"}, follow=True
    )
    assert list(learner.lesson_completions.values_list("lesson_id", flat=True)) == [lesson.pk]
    assert SESSION_KEY not in client.session
