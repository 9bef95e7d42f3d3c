"""A learner's data: the JSON export, and deleting the account with all of it."""

import json

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse

from lessons.models import Lesson, LessonCompletion
from quiz.models import Answer, Attempt, AttemptItem
from simulator.models import Prediction
from tests.accounts.conftest import PASSWORD, sign_in, take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(client, learner, lessons, quiz):
    """The learner has read two lessons, taken the quiz twice and made one prediction."""
    sign_in(client)
    for lesson in lessons[:2]:
        LessonCompletion.objects.create(user=learner, lesson=lesson)
    take_quiz(client, quiz, right=True)
    take_quiz(client, quiz, right=False)
    Prediction.objects.create(user=learner, concepts=["C04"], survivor_correct=True)
    return learner


def export(client):
    response = client.get(reverse("me:export"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_export_is_a_json_download_of_everything_kept(client, history):
    response, data = export(client)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="margin-academy-ada.json"'
    assert response["Cache-Control"] == "no-store"
    assert data["format"] == "margin-academy-export/1"
    assert data["profile"]["username"] == "ada"
    assert data["profile"]["email"] == "ada@example.com"
    assert "password" not in json.dumps(data["profile"])
    assert [row["title"] for row in data["completed_lessons"]] == ["Leverage", "Isolated margin"]
    assert [(a["quiz"], a["number"], a["percent"]) for a in data["quiz_attempts"]] == [
        ("basics", 1, "100.0"),
        ("basics", 2, "0.0"),
    ]
    answers = [q["answer"] for q in data["quiz_attempts"][1]["questions"]]
    assert [(a["chosen"], a["correct"], a["score"]) for a in answers] == [
        (["Wrong"], False, "0.0000")
    ] * 2
    assert data["simulator_predictions"][0] | {"made_at": None} == {
        "concepts": ["C04"],
        "survivor_correct": True,
        "price_error": None,
        "made_at": None,
    }


def test_the_export_holds_nobody_else_s_data(client, history, other_learner, quiz):
    client.post(reverse("logout"))
    sign_in(client, "bob")
    take_quiz(client, quiz, right=True)
    _, data = export(client)
    assert data["profile"]["username"] == "bob"
    assert data["completed_lessons"] == []
    assert data["simulator_predictions"] == []
    assert len(data["quiz_attempts"]) == 1


def test_the_export_takes_a_fixed_number_of_queries(
    client, history, quiz, django_assert_max_num_queries
):
    for _ in range(3):
        take_quiz(client, quiz, right=True)
    with django_assert_max_num_queries(10):
        export(client)


def test_export_and_delete_need_a_signed_in_learner(client):
    for name in ("me:export", "me:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_delete_page_explains_what_goes(client, history):
    html = client.get(reverse("me:delete")).content.decode()
    assert "every quiz attempt, with your answers and scores" in html
    assert "There is no undo" in html
    assert 'type="password"' in html


def test_a_wrong_password_deletes_nothing(client, history):
    response = client.post(reverse("me:delete"), {"password": "not-it"})
    assert response.status_code == 200
    assert "That is not your password; nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(username="ada").exists()
    assert Attempt.objects.count() == 2


def test_an_empty_password_is_refused_beside_the_field(client, history):
    response = client.post(reverse("me:delete"), {"password": ""})
    assert "This field is required." in response.content.decode()
    assert get_user_model().objects.filter(username="ada").exists()


def test_deleting_the_account_removes_everything_that_names_the_learner(client, history):
    key = f"user:{history.pk}"
    assert AccessLog.objects.filter(username="ada").exists()
    response = client.post(reverse("me:delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "The account ada and all its data are deleted." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="ada").exists()
    assert not LessonCompletion.objects.exists()
    assert not Prediction.objects.exists()
    assert not Attempt.objects.filter(learner_key=key).exists()
    assert not AttemptItem.objects.exists()
    assert not Answer.objects.filter(learner_key=key).exists()
    assert not AccessLog.objects.filter(username="ada").exists()
    assert not AccessAttempt.objects.filter(username="ada").exists()


def test_deleting_one_account_leaves_other_learners_alone(client, history, other_learner, quiz):
    client.post(reverse("logout"))
    sign_in(client, "bob")
    take_quiz(client, quiz, right=True)
    LessonCompletion.objects.create(user=other_learner, lesson=Lesson.objects.first())
    client.post(reverse("logout"))
    sign_in(client, "ada")
    client.post(reverse("me:delete"), {"password": PASSWORD})
    assert LessonCompletion.objects.filter(user=other_learner).count() == 1
    assert Attempt.objects.filter(user=other_learner).count() == 1
    assert Answer.objects.filter(learner_key=f"user:{other_learner.pk}").count() == 2
    assert get_user_model().objects.filter(username="bob").exists()


def test_guessing_the_password_on_the_delete_page_locks_out_like_sign_in(client, history):
    for _ in range(5):
        response = client.post(reverse("me:delete"), {"password": "guess"})
    assert response.status_code == 429
    response = client.post(reverse("me:delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert get_user_model().objects.filter(username="ada").exists()


def test_delete_only_answers_get_and_post(client, history):
    assert client.put(reverse("me:delete")).status_code == 405
