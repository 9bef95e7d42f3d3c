"""Generated questions' prompt and explanation templates (security review F9): the admin refuses
a template it cannot fill, beside the field; one already in the database never fails a learner
and never grows into a huge page."""

import logging
import re

import pytest
from django.urls import reverse

from quiz import services
from quiz.generators import GeneratorError, check_template, fill_prompt
from quiz.loader import load_bank
from quiz.models import Attempt, Question, Quiz

pytestmark = pytest.mark.django_db

BAD_TEMPLATES = [
    ("Long {base.x} at {entry_price}", "write the name alone"),  # was a 500 at quiz start
    ("Because {0}.", "write the name alone"),  # was a 500 on the answer
    ("Huge {base:>99999999}", "write the name alone"),  # was a 100 MB prompt
    ("Shown {side!r}", "write the name alone"),
    ("Typo {levrage}", "is not a value this question draws"),
    ("Stray { brace", "A brace is not closed"),
    ("x" * 4_001, "under 4,000 characters"),
]


@pytest.fixture
def bank():
    load_bank()


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_form(question: Question, **changes) -> dict:
    data = {
        "slug": question.slug,
        "kind": "generated",
        "concept_ids": question.concept_ids,
        "difficulty": question.difficulty,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "tolerance": str(question.tolerance),
        "tolerance_mode": question.tolerance_mode,
        "generator": question.generator,
        "parameters": "{}",
        "choices-TOTAL_FORMS": 0,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("template", "message"), BAD_TEMPLATES)
def test_check_template_refuses_what_it_cannot_fill(template, message):
    with pytest.raises(GeneratorError, match=re.escape(message)):
        check_template("isolated_liquidation_price", {}, template)


def test_every_shipped_generated_question_passes_the_template_check(bank):
    generated = Question.objects.filter(kind=Question.Kind.GENERATED)
    assert generated.count() > 5
    for question in generated:
        question.full_clean()


@pytest.mark.parametrize("field", ["prompt", "explanation"])
@pytest.mark.parametrize(("template", "message"), BAD_TEMPLATES[:3])
def test_the_admin_refuses_a_bad_template_beside_the_field(
    staff_client, bank, field, template, message
):
    question = Question.objects.get(slug="g-initial-margin")
    url = reverse("admin:quiz_question_change", args=[question.pk])
    response = staff_client.post(url, change_form(question, **{field: template}))
    assert response.status_code == 200
    html = response.content.decode()
    # Django's admin puts a field's errors in that field's row.
    row = re.search(
        rf'<div class="form-row[^"]*field-{field}[^"]*">(.*?)</div>\s*</div>', html, re.S
    )
    assert row, f"no {field} row"
    assert message.replace("'", "&#x27;") in row.group(1)
    question.refresh_from_db()
    assert template not in (question.prompt, question.explanation)


def test_a_good_template_still_saves(staff_client, bank):
    question = Question.objects.get(slug="g-initial-margin")
    url = reverse("admin:quiz_question_change", args=[question.pk])
    prompt = "At {leverage}x, what margin does a {notional} USDT position need?"
    response = staff_client.post(url, change_form(question, prompt=prompt))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.prompt == prompt


def test_filling_never_evaluates_a_field_and_logs_what_it_left(caplog):
    params = {"side": "long", "entry_price": "65000", "leverage": "10", "symbol": "BTCUSDT"}
    with caplog.at_level(logging.ERROR, logger="quiz.generators"):
        text = fill_prompt("{side} {base.x} {0} {base:>99999999} {side!r}", params)
    assert text == "long {base.x} {0} {base:>99999999} {side!r}"
    assert len(caplog.records) == 4


@pytest.mark.parametrize("field", ["prompt", "explanation"])
def test_a_bad_template_already_in_the_database_never_fails_a_learner(client, bank, field):
    question = Question.objects.get(slug="g-initial-margin")
    # As an old row or a direct database edit would hold it: past the admin's check.
    Question.objects.filter(pk=question.pk).update(**{field: "Sized {base.x} {0} {base:>99999999}"})
    quiz = Quiz.objects.create(
        slug="always", title="Always", concept_ids=["C02"], question_count=60
    )
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    item = attempt.items.get(question=question)
    assert len(item.prompt) < 2_000
    while services.answered_count(attempt) <= item.position:
        current = attempt.items.get(position=services.answered_count(attempt))
        answer = {"position": current.position}
        if current.choices:
            answer["choice"] = current.choices[0]["id"]
        else:
            answer["value"] = "1"
        response = client.post(
            reverse("quiz:answer", args=[attempt.id]), answer, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        attempt = Attempt.objects.get()
        attempt.answered_count = None
    page = client.get(reverse("quiz:question", args=[attempt.id, item.number]))
    assert page.status_code == 200
    assert len(page.content) < 200_000
