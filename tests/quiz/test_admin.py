import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.learners import Learner
from quiz import services
from quiz.loader import load_bank
from quiz.models import Question, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    load_bank()


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_question_list_shows_answer_statistics_columns(staff_client, bank):
    response = staff_client.get(reverse("admin:quiz_question_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Share right" in html
    assert "Import YAML" in html
    assert "Statistics" in html


def test_a_generated_question_previews_a_sample_draw_with_the_engine_answer(staff_client, bank):
    question = Question.objects.get(slug="g-isolated-liquidation-binance")
    html = staff_client.get(reverse("admin:quiz_question_change", args=[question.pk])).content
    html = html.decode()
    assert "Answer: <strong>" in html
    assert "margin engine 20" in html
    assert "entry_price=" in html
    assert "{leverage}" not in html.split("Preview")[-1].split("Drawn")[0]


def test_a_choice_question_previews_its_choices_with_the_right_one_marked(staff_client, bank):
    question = Question.objects.get(slug="c09-top-up-long")
    html = staff_client.get(reverse("admin:quiz_question_change", args=[question.pk])).content
    assert "It moves down, further away from the current price ✔" in html.decode()


def test_saving_in_the_admin_marks_the_question_as_edited(staff_client, make_question):
    question = make_question()
    url = reverse("admin:quiz_question_change", args=[question.pk])
    choices = list(question.choices.all())
    data = {
        "slug": question.slug,
        "kind": question.kind,
        "concept_ids": "C04 C05",
        "difficulty": 2,
        "is_published": "on",
        "prompt": "Edited prompt?",
        "explanation": "Edited.",
        "erratum_id": "",
        "preset_id": "",
        "answer": "",
        "tolerance": "0",
        "tolerance_mode": "absolute",
        "unit": "",
        "generator": "",
        "parameters": "{}",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-position": index,
            f"choices-{index}-key": choice.key,
            f"choices-{index}-text": choice.text + " (edited)",
            f"choices-{index}-is_correct": "on" if choice.is_correct else "",
            f"choices-{index}-feedback": choice.feedback,
            f"choices-{index}-misconception": choice.misconception,
            f"choices-{index}-preset_id": choice.preset_id,
        }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.edited_in_admin is True
    assert question.prompt == "Edited prompt?"
    assert question.choices.first().text.endswith("(edited)")


def test_bad_generator_ranges_are_refused_in_the_admin_with_a_message(staff_client, bank):
    question = Question.objects.get(slug="g-initial-margin")
    url = reverse("admin:quiz_question_change", args=[question.pk])
    data = {
        "slug": question.slug,
        "kind": "generated",
        "concept_ids": "C02",
        "difficulty": 1,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "tolerance": "0.01",
        "tolerance_mode": "absolute",
        "generator": "initial_margin",
        "parameters": '{"leverage": {"min": "10", "max": "5"}}',
        "choices-TOTAL_FORMS": 0,
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "leverage: need min &lt;= max and a positive step." in response.content.decode()


def test_export_action_downloads_yaml_that_the_import_page_reads_back(staff_client, bank):
    question = Question.objects.get(slug="c04-isolated-caps-the-loss")
    response = staff_client.post(
        reverse("admin:quiz_question_changelist"),
        {"action": "export_yaml", "_selected_action": [question.pk]},
    )
    assert response["Content-Type"] == "application/yaml"
    exported = response.content
    assert b"id: c04-isolated-caps-the-loss" in exported
    Question.objects.filter(pk=question.pk).update(prompt="broken", edited_in_admin=True)
    upload = SimpleUploadedFile("questions.yaml", exported, content_type="application/yaml")
    kept = staff_client.post(
        reverse("admin:quiz_question_import"), {"file": upload}, follow=True
    ).content.decode()
    assert "1 kept as edited in the admin" in kept
    upload = SimpleUploadedFile("questions.yaml", exported, content_type="application/yaml")
    staff_client.post(reverse("admin:quiz_question_import"), {"file": upload, "force": "on"})
    question.refresh_from_db()
    assert question.prompt.startswith("Your account holds $5,000")


def test_importing_a_broken_file_shows_the_error_beside_the_field(staff_client):
    upload = SimpleUploadedFile("bad.yaml", b"- id: x\n  kind: single\n", content_type="text/yaml")
    response = staff_client.post(reverse("admin:quiz_question_import"), {"file": upload})
    assert response.status_code == 200
    assert "at least two choices" in response.content.decode()
    assert Question.objects.count() == 0


def test_statistics_page_names_the_most_picked_wrong_choice(staff_client, make_question):
    question = make_question(slug="trap", choices=(("Right", True), ("Trap", False)))
    quiz = Quiz.objects.create(slug="q", title="Q", question_count=1)
    for number in range(3):
        learner = Learner(f"anon:{number}")
        attempt = services.attempt_start(quiz=quiz, learner=learner, question_ids=[question.pk])
        item = attempt.items.get()
        trap = [c["id"] for c in item.choices if c["text"] == "Trap"]
        services.attempt_answer(attempt=attempt, item=item, selected_ids=trap)
    html = staff_client.get(reverse("admin:quiz_question_statistics")).content.decode()
    assert "trap" in html
    assert "Trap (3×)" in html
    assert "0%" in html
    change = staff_client.get(reverse("admin:quiz_question_change", args=[question.pk]))
    assert "most-picked wrong choice: “Trap” (3×)" in change.content.decode()


def test_learners_cannot_reach_the_import_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("learner", password="x"))
    response = client.get(reverse("admin:quiz_question_import"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_statistics_page_shows_how_often_each_distractor_is_picked(staff_client, make_question):
    from quiz.models import PracticeAnswer

    question = make_question(
        slug="three-way",
        choices=(("The key", True), ("Popular trap", False), ("Dead distractor", False)),
    )
    quiz = Quiz.objects.create(slug="q", title="Q", question_count=1)
    picks = ["Popular trap", "Popular trap", "The key"]
    for number, text in enumerate(picks):
        learner = Learner(f"anon:{number}")
        attempt = services.attempt_start(quiz=quiz, learner=learner, question_ids=[question.pk])
        item = attempt.items.get()
        chosen = [c["id"] for c in item.choices if c["text"] == text]
        services.attempt_answer(attempt=attempt, item=item, selected_ids=chosen)
    trap = question.choices.get(text="Popular trap")
    PracticeAnswer.objects.create(
        learner_key="anon:9",
        question=question,
        item="question:three-way",
        concept_ids=["C04"],
        response={"selected": [trap.pk]},
        is_correct=False,
    )
    html = staff_client.get(reverse("admin:quiz_question_statistics")).content.decode()
    table = html[html.index('id="item-three-way"') :]
    table = table[: table.index("</table>")]
    assert "4 answers, 25% right" in table
    assert "beats the key" in table
    assert "<td>Popular trap</td>\n          <td>distractor</td>\n          <td>3×</td>" in table
    assert "<td>75%</td>" in table
    assert "0× <strong>never picked</strong>" in table


NUMERIC_QUESTION_FORM = {
    "slug": "typed-concepts",
    "kind": "numeric",
    "difficulty": 2,
    "is_published": "on",
    "prompt": "How much?",
    "explanation": "Because.",
    "erratum_id": "",
    "preset_id": "",
    "answer": "100",
    "tolerance": "0",
    "tolerance_mode": "absolute",
    "unit": "USDT",
    "generator": "",
    "parameters": "{}",
    "choices-TOTAL_FORMS": 0,
    "choices-INITIAL_FORMS": 0,
    "choices-MIN_NUM_FORMS": 0,
    "choices-MAX_NUM_FORMS": 1000,
}


def field_row(html: str, name: str) -> str:
    """The admin's row for one field: its label, input, help and errors."""
    start = html.index(f"field-{name}")
    return html[start : html.index('<div class="form-row', start)]


@pytest.mark.parametrize("typed", ["C04 C09", "C04, C09", "c04,c09", " C04  C09 C04 "])
def test_an_instructor_types_concepts_without_json_and_they_are_stored_as_a_list(
    staff_client, typed
):
    add_url = reverse("admin:quiz_question_add")
    response = staff_client.post(add_url, NUMERIC_QUESTION_FORM | {"concept_ids": typed})
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(slug="typed-concepts")
    assert question.concept_ids == ["C04", "C09"]
    change = staff_client.get(reverse("admin:quiz_question_change", args=[question.pk]))
    row = field_row(change.content.decode(), "concept_ids")
    assert 'value="C04, C09"' in row  # shown back as typed, no brackets or quotes
    assert "[" not in row.split("<input", 1)[1].split(">", 1)[0]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("C99", "C99 is not a concept of the course; known: C01–C28."),
        ("C04 W1", "W1 is not a concept of the course; known: C01–C28."),
        ("C4 X", "C4, X are not concepts of the course; known: C01–C28."),
        ("", "This field is required."),
        (", ,", "This field is required."),
    ],
)
def test_bad_concepts_are_refused_beside_the_field_on_add_and_change(
    staff_client, make_question, typed, message
):
    add = staff_client.post(
        reverse("admin:quiz_question_add"), NUMERIC_QUESTION_FORM | {"concept_ids": typed}
    )
    assert add.status_code == 200
    assert message in field_row(add.content.decode(), "concept_ids")
    assert not Question.objects.filter(slug="typed-concepts").exists()

    question = make_question(Question.Kind.NUMERIC, concepts=["C06"], answer=1, choices=())
    change = staff_client.post(
        reverse("admin:quiz_question_change", args=[question.pk]),
        NUMERIC_QUESTION_FORM | {"slug": question.slug, "concept_ids": typed},
    )
    assert change.status_code == 200
    assert message in field_row(change.content.decode(), "concept_ids")
    question.refresh_from_db()
    assert question.concept_ids == ["C06"]


def test_a_quiz_s_concepts_are_typed_as_ids_and_may_be_left_empty(staff_client):
    form = {
        "slug": "typed",
        "title": "Typed",
        "description": "",
        "kind": "module",
        "question_count": 5,
        "pass_mark": 70,
        "reveal": "after_each",
        "is_published": "on",
        "position": 0,
    }
    add_url = reverse("admin:quiz_quiz_add")
    refused = staff_client.post(add_url, form | {"concept_ids": "C04 E1"})
    assert refused.status_code == 200
    assert "E1 is not a concept of the course; known: C01–C28." in field_row(
        refused.content.decode(), "concept_ids"
    )
    assert staff_client.post(add_url, form | {"concept_ids": "C04, C05"}).status_code == 302
    assert Quiz.objects.get(slug="typed").concept_ids == ["C04", "C05"]
    form["slug"] = "every-concept"
    assert staff_client.post(add_url, form | {"concept_ids": ""}).status_code == 302
    assert Quiz.objects.get(slug="every-concept").concept_ids == []


def test_the_question_list_shows_concepts_as_ids_and_finds_questions_by_one(
    staff_client, make_question
):
    make_question(concepts=["C04", "C09"], slug="tagged-c09")
    make_question(concepts=["C05"], slug="tagged-c05")
    response = staff_client.get(reverse("admin:quiz_question_changelist"), {"q": "C09"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "tagged-c09" in html
    assert "tagged-c05" not in html
    assert "C04, C09" in html
    assert "[&#x27;C04&#x27;" not in html
