"""Practice inside every lesson: items on the lesson's concepts, answered in place with htmx or
with a plain post that comes back to the lesson page at the item, counted towards mastery."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from lessons.loading import load_course
from lessons.models import Lesson
from quiz import actions
from quiz.loader import load_bank
from quiz.mastery import Level, learner_levels
from quiz.models import PracticeAnswer, Question
from quiz.practice import (
    NOT_A_CHOICE,
    PICK_ONE,
    TYPE_A_NUMBER,
    PracticeItem,
    expected_value,
    practice_draw,
    practice_item_from_token,
)

pytestmark = pytest.mark.django_db
FORM = re.compile(
    r'name="token" value="(?P<token>[^"]+)">\s*<input type="hidden" name="block" '
    r'value="(?P<block>[^"]+)">'
)


@pytest.fixture
def course_and_bank():
    load_course()
    load_bank()


def lesson_url(lesson):
    return reverse("lessons:lesson", args=[lesson.module.slug, lesson.slug])


def forms_on(content: str) -> list[dict]:
    return [
        {"token": html.unescape(m["token"]), "block": html.unescape(m["block"])}
        for m in FORM.finditer(content)
    ]


def right_answer(token: str) -> dict:
    item = practice_item_from_token(token)
    assert item is not None
    if item.is_action:
        return action_answer(item, right=True)
    assert isinstance(item, PracticeItem)
    if item.is_numeric:
        return {"value": str(expected_value(item))}
    return {"choice": [str(c.pk) for c in item.question.choices.all() if c.is_correct]}


def action_answer(item, *, right: bool) -> dict:
    params = item.parameters
    if item.action.name == "survive_shock":
        initial = Decimal(params["notional"]) / Decimal(params["leverage"])
        return {"isolated_margin": params["wallet_balance"] if right else str(initial)}
    if item.action.name == "isolated_not_cross":
        return {"move": "-25" if right else "0"}
    ranked = [position_id for position_id, _ in actions._nearest_first(params)]
    ranked = ranked if right else ranked[::-1]
    return {f"place_{n}": position_id for n, position_id in enumerate(ranked, start=1)}


def wrong_answer(token: str) -> dict:
    item = practice_item_from_token(token)
    assert item is not None
    if item.is_action:
        return action_answer(item, right=False)
    assert isinstance(item, PracticeItem)
    if item.is_numeric:
        return {"value": str(expected_value(item) + 1000)}
    return {"choice": [str(c.pk) for c in item.question.choices.all() if not c.is_correct][:1]}


def post(client, page, form, answer, *, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"token": form["token"], "block": form["block"], "page": page, **answer}
    return client.post(reverse("quiz:practice_answer"), data, headers=headers)


def test_every_published_lesson_answers_its_practice_in_place_with_and_without_javascript(
    client, course_and_bank
):
    lessons = list(Lesson.objects.published().select_related("module"))
    assert lessons
    for lesson in lessons:
        page = lesson_url(lesson)
        content = client.get(page).content.decode()
        forms = forms_on(content)
        assert 2 <= len(forms) <= 4, (page, len(forms))
        assert 'id="practice"' in content
        # htmx: the answered item comes back alone, right, with its worked solution.
        response = post(client, page, forms[0], right_answer(forms[0]["token"]), htmx=True)
        fragment = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in fragment
        assert 'id="practice-item-0"' in fragment
        assert "Right!" in fragment
        assert "Worked solution" in fragment
        # No JavaScript: back to the lesson at the item, which now shows the result.
        response = post(client, page, forms[1], wrong_answer(forms[1]["token"]))
        assert response.status_code == 302
        assert response.url == f"{page}#practice-item-1"
        again = client.get(page).content.decode()
        assert "<html" in again
        assert 'id="practice-item-1"' in again
        assert "Not quite." in again
        # The same items come back; only the one answered without JavaScript lost its form.
        shown = [form["token"] for form in forms_on(again)]
        assert shown == [form["token"] for i, form in enumerate(forms) if i != 1]


def test_a_practice_answer_counts_towards_mastery(client, course_and_bank):
    user = get_user_model().objects.create_user("ada", password="pw-123456789")
    client.force_login(user)
    item = practice_draw(["C04"])[0]
    post(client, "/learn/", {"token": item.token, "block": ""}, right_answer(item.token))
    answer = PracticeAnswer.objects.get()
    assert answer.learner_key == f"user:{user.pk}"
    assert answer.is_correct
    levels = learner_levels(f"user:{user.pk}", timezone.now())
    assert all(levels[c].level == Level.FAMILIAR for c in item.question.concepts)


def test_numbers_are_drawn_afresh_for_each_practice(course_and_bank):
    generated = Question.objects.filter(kind=Question.Kind.GENERATED)
    assert any("C06" in question.concepts for question in generated)
    draws = {tuple(sorted(practice_draw(["C06"])[0].parameters.items())) for _ in range(8)}
    assert len(draws) > 1


def test_a_practice_block_always_offers_a_number_to_work_out_when_the_bank_has_one(
    course_and_bank,
):
    items = practice_draw(["C02"])
    assert items[0].is_numeric


def test_hints_are_there_on_request_before_answering(client, course_and_bank):
    lesson = Lesson.objects.published().select_related("module").first()
    content = client.get(lesson_url(lesson)).content.decode()
    assert "<summary>Show a hint</summary>" in content


@pytest.mark.parametrize(
    ("concepts", "answer", "message"),
    [(["C02"], {"value": "nine"}, "Enter a number"), (["C02"], {}, TYPE_A_NUMBER)],
)
def test_a_bad_number_is_refused_beside_the_field(
    client, course_and_bank, concepts, answer, message
):
    item = practice_draw(concepts)[0]
    response = post(client, "/learn/", {"token": item.token, "block": ""}, answer, htmx=True)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PracticeAnswer.objects.exists()


def test_a_choice_from_another_question_or_none_is_refused(client, course_and_bank):
    item = next(i for i in practice_draw(["C04"], count=4) if not i.is_numeric)
    for answer, message in (({"choice": ["999999"]}, NOT_A_CHOICE), ({}, PICK_ONE)):
        if item.multiple and message == PICK_ONE:
            continue
        response = post(client, "/learn/", {"token": item.token, "block": ""}, answer, htmx=True)
        assert response.status_code == 422
        assert html.escape(message) in response.content.decode()


def test_a_forged_token_gets_a_fresh_start_not_an_error_page(client, course_and_bank):
    response = post(client, "/learn/", {"token": "forged", "block": ""}, {}, htmx=True)
    assert response.status_code == 409
    assert "Load fresh questions" in response.content.decode()
    plain = post(client, "/learn/", {"token": "forged", "block": ""}, {})
    assert plain.status_code == 302


def test_an_offsite_page_is_not_followed(client, course_and_bank):
    item = practice_draw(["C04"])[0]
    response = post(
        client,
        "https://evil.example/",
        {"token": item.token, "block": ""},
        right_answer(item.token),
    )
    assert response.url.startswith("/learn/")


def test_the_answer_endpoint_accepts_only_post(client):
    assert client.get(reverse("quiz:practice_answer")).status_code == 405


def test_lessons_on_isolated_margin_or_the_cross_order_offer_an_item_to_act_on(
    client, course_and_bank
):
    lessons = [
        lesson
        for lesson in Lesson.objects.published().select_related("module")
        if {"C04", "C07"} & set(lesson.concepts)
    ]
    assert lessons
    for lesson in lessons:
        content = client.get(lesson_url(lesson)).content.decode()
        assert "the margin engine runs your setup" in content, lesson.slug


def test_the_practice_pool_is_cached_until_the_bank_changes(course_and_bank):
    from quiz.bank_cache import published_pool

    first = published_pool(["C04"])
    question = first[0]
    question.is_published = False
    question.save()  # an admin edit: the next lesson page must not offer it
    assert question.pk not in {q.pk for q in published_pool(["C04"])}


def test_the_practice_pool_is_kept_in_process_memory_at_one_bank_version(
    course_and_bank, django_assert_num_queries
):
    from quiz.bank_cache import published_pool

    first = published_pool(["C04"])
    with django_assert_num_queries(0):
        again = published_pool(["C04"])
    assert again is first  # the same objects: nothing read from the database or unpickled


def test_an_edit_made_by_another_process_reaches_this_ones_pool_through_the_version(
    course_and_bank,
):
    from django.core.cache import cache

    from quiz.bank_cache import VERSION_KEY, published_pool

    question = published_pool(["C04"])[0]
    # Another process unpublishes it: its rows change and its signal replaces the shared version.
    Question.objects.filter(pk=question.pk).update(is_published=False)
    assert question.pk in {q.pk for q in published_pool(["C04"])}  # this process's pool
    cache.set(VERSION_KEY, "set-by-another-process", None)
    assert question.pk not in {q.pk for q in published_pool(["C04"])}


def test_a_pool_read_before_an_edit_commits_is_dropped_at_the_commit(
    course_and_bank, django_capture_on_commit_callbacks
):
    from quiz.bank_cache import bank_version, published_pool

    question = published_pool(["C04"])[0]
    with django_capture_on_commit_callbacks(execute=True):
        question.is_published = False
        question.save()
        read_before_commit = bank_version()  # another process may read the old rows now
    assert bank_version() != read_before_commit
