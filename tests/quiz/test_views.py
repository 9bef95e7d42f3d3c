import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.learners import SESSION_LEARNER_KEY, Learner
from quiz import services
from quiz.forms import NOT_A_CHOICE, PICK_ONE, PICK_SOME, WRONG_QUESTION
from quiz.generators import GENERATORS, format_number
from quiz.models import Answer, Attempt, Question, Quiz
from quiz.scoring import NUMBER_NOT_UNDERSTOOD

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def quiz(make_quiz, make_question, numeric_question):
    make_question(
        prompt="Which mode caps the loss?", choices=(("Isolated", True), ("Cross", False))
    )
    make_question(
        Question.Kind.MULTIPLE,
        prompt="Which are derivatives?",
        choices=(("Perpetuals", True), ("Futures", True), ("Spot", False)),
    )
    return make_quiz(question_count=3)


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.latest("started_at")


def current_item(attempt):
    return attempt.items.select_related("question").get(position=attempt.answers.count())


def right_answer(item) -> dict:
    if item.question.kind in Question.NUMERIC_KINDS:
        return {"position": item.position, "value": str(item.expected)}
    return {"position": item.position, "choice": [c["id"] for c in item.choices if c["correct"]]}


def wrong_answer(item) -> dict:
    if item.question.kind in Question.NUMERIC_KINDS:
        return {"position": item.position, "value": str(item.expected + 1000)}
    return {
        "position": item.position,
        "choice": [c["id"] for c in item.choices if not c["correct"]][:1],
    }


def answer_url(attempt):
    return reverse("quiz:answer", args=[attempt.id])


def test_index_lists_published_quizzes_with_their_settings(client, quiz, make_quiz):
    make_quiz(slug="exam", title="Exam", time_limit_minutes=30, max_attempts=3, pass_mark=80)
    make_quiz(slug="hidden", title="Hidden draft", is_published=False)
    response = client.get(reverse("quiz:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Practice" in html
    assert "Exam" in html
    assert "Hidden draft" not in html
    assert "30 min limit" in html
    assert "3 of 3 attempts left" in html
    assert "pass mark 80%" in html
    assert f'action="{reverse("quiz:start", args=["exam"])}"' in html


def test_starting_a_quiz_keeps_the_attempt_in_the_session(client, quiz):
    attempt = start(client, quiz)
    session = client.session
    assert session[services.SESSION_ATTEMPT_IDS] == [str(attempt.id)]
    assert attempt.learner_key == session[SESSION_LEARNER_KEY]
    assert attempt.user is None


def test_start_refuses_get(client, quiz):
    assert client.get(reverse("quiz:start", args=[quiz.slug])).status_code == 405


def test_the_question_page_never_contains_the_correct_answer(client, quiz):
    attempt = start(client, quiz)
    for _ in range(attempt.question_count):
        item = current_item(attempt)
        html = client.get(reverse("quiz:attempt", args=[attempt.id])).content.decode()
        assert item.prompt in html
        assert item.question.explanation not in html
        for choice in item.choices:
            assert choice["feedback"] not in html
        assert "right</span>" not in html
        assert "quiz-choice-correct" not in html
        if item.expected is not None:
            assert "58825" not in html.replace(",", "")
            assert "58,825" not in html
        # every choice is rendered the same way: nothing marks the correct one
        rows = re.findall(r'<div class="quiz-choice[^"]*">', html)
        assert len(set(rows)) <= 1
        client.post(answer_url(attempt), wrong_answer(item))


def test_an_htmx_answer_returns_the_feedback_fragment(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    response = client.post(answer_url(attempt), right_answer(item), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="quiz-question"' in html
    assert "Right!" in html
    assert item.question.explanation in html
    assert "Next question" in html
    assert response.headers["HX-Push-Url"] == reverse("quiz:question", args=[attempt.id, 1])
    assert "HX-Request" in response.headers["Vary"]


def test_a_plain_post_answer_redirects_to_the_feedback_page(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    response = client.post(answer_url(attempt), wrong_answer(item))
    assert response.status_code == 302
    assert response.url == reverse("quiz:question", args=[attempt.id, 1])
    page = client.get(response.url).content.decode()
    assert "<html" in page
    assert "Not quite." in page
    assert item.question.explanation in page
    if item.choices:
        wrong = next(c for c in item.choices if not c["correct"])
        assert wrong["feedback"] in page
        assert f"Misconception: “{wrong['misconception']}”" in page
        assert "/simulator/?preset=W4" in page
    assert "/learn/concepts/" in page


def test_scores_are_computed_on_the_server_and_the_summary_shows_them(client, quiz):
    attempt = start(client, quiz)
    results = []
    for number in range(attempt.question_count):
        item = current_item(attempt)
        payload = right_answer(item) if number != 1 else wrong_answer(item)
        client.post(answer_url(attempt), payload)
        results.append(number != 1)
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert attempt.score == 2
    response = client.get(reverse("quiz:summary", args=[attempt.id]))
    html = response.content.decode()
    assert "67%" in html
    assert "Not passed yet" in html
    assert "Retry the 1 question I missed" in html
    assert "/learn/concepts/" in html
    # Concepts by name, question by question and per concept; their ids only inside links.
    text = re.sub(r"<[^>]+>", " ", html)
    assert re.search(r"Question 1 · (Isolated margin|Liquidation price) ·", text)
    assert not re.findall(r"\bC\d\d\b", text)


def test_multiple_choice_partial_credit_through_the_view(client, make_quiz, make_question):
    question = make_question(
        Question.Kind.MULTIPLE, choices=(("A", True), ("B", True), ("C", False))
    )
    quiz = make_quiz(question_count=1)
    attempt = start(client, quiz)
    item = current_item(attempt)
    first_right = next(c["id"] for c in item.choices if c["correct"])
    response = client.post(answer_url(attempt), {"position": 0, "choice": [first_right]}, **HTMX)
    assert "Partly right (50% credit)" in response.content.decode()
    assert Answer.objects.get(question=question).score == Decimal("0.5")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, PICK_ONE),
        ({"choice": "999999"}, NOT_A_CHOICE),
        ({"choice": "not-a-number"}, NOT_A_CHOICE),
    ],
)
def test_bad_choice_input_gets_422_and_a_message_and_changes_nothing(
    client, make_quiz, make_question, payload, message
):
    make_question()
    quiz = make_quiz(question_count=1)
    attempt = start(client, quiz)
    response = client.post(answer_url(attempt), {"position": 0, **payload}, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'name="choice"' in response.content.decode()  # the form is shown again
    assert Answer.objects.count() == 0
    assert not attempt.answers.exists()


def test_a_choice_from_another_question_is_refused(client, make_quiz, make_question):
    make_question()
    other = make_question(slug="other")
    quiz = make_quiz(question_count=1)
    Question.objects.filter(pk=other.pk).update(is_published=False)
    attempt = start(client, quiz)
    foreign = other.choices.first().pk
    response = client.post(answer_url(attempt), {"position": 0, "choice": foreign})
    assert response.status_code == 422
    assert NOT_A_CHOICE in response.content.decode()
    assert "<html" in response.content.decode()
    assert Answer.objects.count() == 0


def test_multiple_choice_with_nothing_ticked_is_refused(client, make_quiz, make_question):
    make_question(Question.Kind.MULTIPLE, choices=(("A", True), ("B", False)))
    attempt = start(client, make_quiz(question_count=1))
    response = client.post(answer_url(attempt), {"position": 0}, **HTMX)
    assert response.status_code == 422
    assert PICK_SOME in response.content.decode()


def test_a_non_numeric_answer_gets_422_and_keeps_what_was_typed(
    client, make_quiz, numeric_question
):
    attempt = start(client, make_quiz(question_count=1))
    response = client.post(answer_url(attempt), {"position": 0, "value": "fifty-eight k"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert NUMBER_NOT_UNDERSTOOD in html
    assert 'value="fifty-eight k"' in html
    assert 'aria-invalid="true"' in html
    assert Answer.objects.count() == 0


def test_a_missing_or_wrong_position_gets_422(client, quiz):
    attempt = start(client, quiz)
    for position in ("", "abc", "99"):
        response = client.post(answer_url(attempt), {"position": position, "choice": "1"})
        assert response.status_code == 422
        assert WRONG_QUESTION in response.content.decode()
    assert Answer.objects.count() == 0


def test_numeric_answers_are_checked_within_the_tolerance(client, make_quiz, numeric_question):
    attempt = start(client, make_quiz(question_count=1))
    response = client.post(answer_url(attempt), {"position": 0, "value": "$58,825.50"}, **HTMX)
    html = response.content.decode()
    assert "Right!" in html
    assert "58,825" in html
    assert "±0.5" in html
    assert Answer.objects.get().value == Decimal("58825.5")


def test_a_second_answer_is_refused_with_409_and_the_first_one_stands(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    client.post(answer_url(attempt), wrong_answer(item))
    response = client.post(answer_url(attempt), right_answer(item), **HTMX)
    assert response.status_code == 409
    assert services.ALREADY_ANSWERED in response.content.decode()
    assert "Not quite." in response.content.decode()
    assert Answer.objects.get().is_correct is False
    assert attempt.answers.count() == 1


def test_someone_elses_attempt_is_a_404_everywhere(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    stranger = client.__class__()
    stranger.post(reverse("quiz:start", args=[quiz.slug]))  # has a session of its own
    for url in (
        reverse("quiz:attempt", args=[attempt.id]),
        reverse("quiz:question", args=[attempt.id, 1]),
        reverse("quiz:summary", args=[attempt.id]),
    ):
        assert stranger.get(url).status_code == 404
    assert stranger.post(answer_url(attempt), right_answer(item)).status_code == 404
    assert stranger.post(reverse("quiz:finish", args=[attempt.id])).status_code == 404
    assert stranger.post(reverse("quiz:retry", args=[attempt.id])).status_code == 404
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_signed_in_learner_owns_attempts_by_account_not_session(client, quiz):
    user = get_user_model().objects.create_user("learner", password="pw-123-abc")
    client.force_login(user)
    attempt = start(client, quiz)
    assert attempt.user == user
    assert attempt.learner_key == f"user:{user.pk}"
    other = get_user_model().objects.create_user("other", password="pw-123-abc")
    client.force_login(other)
    assert client.get(reverse("quiz:attempt", args=[attempt.id])).status_code == 404


def test_a_finished_attempt_is_read_only(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    client.post(reverse("quiz:finish", args=[attempt.id]))
    response = client.post(answer_url(attempt), right_answer(item), **HTMX)
    assert response.status_code == 409
    assert services.ATTEMPT_FINISHED in response.content.decode()
    plain = client.post(answer_url(attempt), right_answer(item))
    assert plain.status_code == 302
    assert plain.url == reverse("quiz:summary", args=[attempt.id])
    assert Answer.objects.count() == 0
    assert client.get(reverse("quiz:attempt", args=[attempt.id])).url == reverse(
        "quiz:summary", args=[attempt.id]
    )


def test_later_questions_cannot_be_opened_ahead_of_time(client, quiz):
    attempt = start(client, quiz)
    response = client.get(reverse("quiz:question", args=[attempt.id, 3]))
    assert response.status_code == 302
    assert client.get(reverse("quiz:question", args=[attempt.id, 9])).status_code == 404


# Measured outside a test transaction, as in production (no savepoints around the INSERT).
# Session, item; then one transaction (BEGIN and COMMIT count on SQLite) that locks the attempt
# so that no answer lands after its finish, inserts, and for the last answer also finishes.
ANSWER_QUERIES = 7


@pytest.mark.django_db(transaction=True)
def test_every_answer_post_stays_within_its_query_budget(
    client, quiz, django_assert_max_num_queries
):
    attempt = start(client, quiz)
    for _ in range(attempt.question_count):  # the last one also finishes the attempt
        item = current_item(attempt)
        with django_assert_max_num_queries(ANSWER_QUERIES):
            response = client.post(answer_url(attempt), right_answer(item), **HTMX)
        assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert attempt.score == attempt.question_count


@pytest.mark.django_db(transaction=True)
def test_every_answer_post_of_a_signed_in_learner_stays_within_its_query_budget(
    client, quiz, django_assert_max_num_queries
):
    client.force_login(get_user_model().objects.create_user("learner", password="pw-123-abc"))
    attempt = start(client, quiz)
    for _ in range(attempt.question_count):
        item = current_item(attempt)
        with django_assert_max_num_queries(ANSWER_QUERIES + 1):  # + the user
            response = client.post(answer_url(attempt), wrong_answer(item))
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_finished


def test_question_and_summary_pages_stay_within_a_few_queries(
    client, quiz, django_assert_max_num_queries
):
    attempt = start(client, quiz)
    with django_assert_max_num_queries(6):
        client.get(reverse("quiz:attempt", args=[attempt.id]))
    client.post(reverse("quiz:finish", args=[attempt.id]))
    with django_assert_max_num_queries(8):
        client.get(reverse("quiz:summary", args=[attempt.id]))


def test_retry_missed_starts_an_attempt_with_only_the_missed_questions(client, quiz):
    attempt = start(client, quiz)
    missed = []
    for number in range(attempt.question_count):
        item = current_item(attempt)
        if number == 0:
            missed.append(item.question_id)
            client.post(answer_url(attempt), wrong_answer(item))
        else:
            client.post(answer_url(attempt), right_answer(item))
    response = client.post(reverse("quiz:retry", args=[attempt.id]))
    retry = Attempt.objects.latest("started_at")
    assert response.url == reverse("quiz:attempt", args=[retry.id])
    assert retry.retry_of_id == attempt.id
    assert list(retry.items.values_list("question_id", flat=True)) == missed


def test_reveal_at_end_hides_correctness_until_the_summary(client, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(reveal=Quiz.Reveal.AT_END)
    attempt = start(client, quiz)
    item = current_item(attempt)
    html = client.post(answer_url(attempt), right_answer(item), **HTMX).content.decode()
    assert "Answer saved." in html
    assert "Right!" not in html
    assert item.question.explanation not in html
    for _ in range(attempt.question_count - 1):
        client.post(answer_url(attempt), right_answer(current_item(attempt)))
    summary = client.get(reverse("quiz:summary", args=[attempt.id])).content.decode()
    assert "Question by question" in summary


def test_reveal_never_shows_only_the_score(client, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(reveal=Quiz.Reveal.NEVER)
    attempt = start(client, quiz)
    for _ in range(attempt.question_count):
        client.post(answer_url(attempt), wrong_answer(current_item(attempt)))
    summary = client.get(reverse("quiz:summary", args=[attempt.id])).content.decode()
    assert "0%" in summary
    assert "Question by question" not in summary
    assert 'badge text-bg-success">right' not in summary


def test_max_attempts_refusal_is_a_message_on_the_index(client, quiz):
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=1)
    attempt = start(client, quiz)
    client.post(reverse("quiz:finish", args=[attempt.id]))
    response = client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    assert "You have used all 1 attempts" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_progress_page_shows_mastery_and_history(client, quiz):
    attempt = start(client, quiz)
    for _ in range(attempt.question_count):
        client.post(answer_url(attempt), right_answer(current_item(attempt)))
    html = client.get(reverse("quiz:progress")).content.decode()
    assert 'href="/learn/concepts/C04/">Isolated margin</a>' in html  # by name, id in the link
    assert not re.findall(r"\bC\d\d\b", re.sub(r"<[^>]+>", " ", html))
    assert "100%" in html
    assert "Practice #1" in html


def test_unknown_attempt_ids_are_404(client):
    url = reverse("quiz:attempt", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
    assert client.get("/quiz/attempts/not-a-uuid/").status_code == 404


def test_a_generated_question_hides_its_answer_then_shows_the_engines_working(client, make_quiz):
    from quiz.loader import load_bank

    load_bank()
    question = Question.objects.get(slug="g-isolated-liquidation-binance")
    session = client.session
    session[SESSION_LEARNER_KEY] = "anon:tester"
    session.save()
    attempt = services.attempt_start(
        quiz=make_quiz(slug="gen", question_count=1),
        learner=Learner("anon:tester"),
        question_ids=[question.pk],
    )
    item = attempt.items.get()
    expected = f"{item.expected:,.2f}"
    before = client.get(reverse("quiz:attempt", args=[attempt.id])).content.decode()
    assert item.prompt.split("(a ")[0] in before
    assert expected not in before
    assert expected.replace(",", "") not in before
    assert "How the engine got it" not in before
    after = client.post(
        answer_url(attempt), {"position": 0, "value": str(item.expected)}, **HTMX
    ).content.decode()
    assert "Right!" in after
    # Shown as the view shows it: rounded half up to the generator's places, trailing zeros cut.
    places = GENERATORS[question.generator].answer_places
    assert format_number(item.expected, places) in after
    assert "How the engine got it" in after
    assert "(WB - TMM1 + UPNL1 + cum - s x Q x E) / (Q x MMR - s x Q)" in after
    assert f"margin engine {item.engine_version}" in after


def test_bad_input_for_an_answered_question_says_it_is_already_answered(client, quiz):
    attempt = start(client, quiz)
    item = current_item(attempt)
    client.post(answer_url(attempt), right_answer(item))
    response = client.post(answer_url(attempt), {"position": item.position}, **HTMX)
    assert response.status_code == 409
    assert services.ALREADY_ANSWERED in response.content.decode()
    assert Answer.objects.count() == 1


def test_signing_in_moves_anonymous_attempts_into_the_account(client, quiz):
    attempt = start(client, quiz)
    client.post(answer_url(attempt), right_answer(current_item(attempt)))
    user = get_user_model().objects.create_user("learner", password="pw-123-abc")
    client.force_login(user)
    attempt.refresh_from_db()
    assert attempt.user == user
    assert attempt.learner_key == f"user:{user.pk}"
    assert client.get(reverse("quiz:attempt", args=[attempt.id])).status_code == 200
    progress = client.get(reverse("quiz:progress")).content.decode()
    assert "Practice #1" in progress


def test_wrong_methods_are_refused_with_405(client, quiz):
    attempt = start(client, quiz)
    for name in ("answer", "finish", "retry"):
        assert client.get(reverse(f"quiz:{name}", args=[attempt.id])).status_code == 405
    assert client.post(reverse("quiz:attempt", args=[attempt.id])).status_code == 405
    assert client.post(reverse("quiz:summary", args=[attempt.id])).status_code == 405
    assert client.post(reverse("quiz:index")).status_code == 405


def test_unknown_or_unpublished_quizzes_cannot_be_started(client, make_quiz):
    hidden = make_quiz(slug="hidden", is_published=False)
    assert client.post(reverse("quiz:start", args=["nope"])).status_code == 404
    assert client.post(reverse("quiz:start", args=[hidden.slug])).status_code == 404
    assert not Attempt.objects.exists()


def test_a_quiz_without_questions_explains_itself(client, make_quiz):
    quiz = make_quiz(slug="empty")
    response = client.post(reverse("quiz:start", args=[quiz.slug]), follow=True)
    assert services.NO_QUESTIONS in response.content.decode()
    assert not Attempt.objects.exists()
