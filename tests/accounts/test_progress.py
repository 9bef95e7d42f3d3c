"""The progress page /me/: course and module completion, mastery, attempts, the next step."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.progress import _quiz_mastery, learner_mastery, mastery_chart
from core.concepts import CONCEPTS
from lessons.models import LessonCompletion
from quiz.mastery import learner_answers
from quiz.services import concept_mastery
from simulator.models import Prediction
from simulator.predictions import prediction_scores, recent_prediction_scores
from simulator.presets import PRESETS
from tests.accounts.conftest import PREDICTION, complete_lesson, sign_in, take_quiz

pytestmark = pytest.mark.django_db
ME = "/me/"


def page(client):
    response = client.get(ME)
    assert response.status_code == 200
    return response.content.decode()


def test_the_progress_page_is_at_me_and_in_the_navigation(client):
    assert reverse("me:progress") == ME
    assert f'href="{ME}"' in client.get(reverse("home")).content.decode()
    assert 'aria-current="page">My progress' in page(client)


def test_an_anonymous_visitor_sees_session_progress_and_is_asked_to_sign_up(client, lessons):
    complete_lesson(client, lessons[0])
    html = page(client)
    assert "1 of 4 lessons completed (25%)" in html
    assert "Sign up to keep it" in html
    assert f"{reverse('signup')}?next={ME}" in html
    assert reverse("me:export") not in html  # export and delete are for accounts


def test_a_fresh_visitor_is_told_where_to_start(client, lessons):
    html = page(client)
    assert "0 of 4 lessons completed (0%)" in html
    assert "Start the course with “Leverage”." in html
    assert "Nothing to measure yet" in html


def test_course_and_module_completion_count_published_lessons_only(client, learner, lessons):
    for lesson in lessons[:3]:
        LessonCompletion.objects.create(user=learner, lesson=lesson)
    client.force_login(learner)
    html = page(client)
    assert "3 of 4 lessons completed (75%)" in html
    assert 'aria-label="Basics: 2 of 2 lessons"' in html
    assert 'aria-label="Cross margin: 1 of 2 lessons"' in html
    assert "Carry on with “Cross liquidation order”." in html
    assert "Draft" not in html


def test_a_missed_concept_suggests_its_lesson_then_weak_concept_practice(
    client, learner, quiz, lessons
):
    client.force_login(learner)
    take_quiz(client, quiz, right=False)
    html = page(client)
    # C04 and C07 are both at 0 %; C07's own lesson is the one that names it first.
    assert "You keep missing Isolated margin (0%): read “Isolated margin”, then practise." in html
    assert f'href="{lessons[1].get_absolute_url()}"' in html
    assert f'action="{reverse("quiz:start", args=["weak-concepts"])}"' in html
    assert "Practise my weak concepts" in html


def test_mastery_shows_as_a_chart_with_a_table_of_the_same_numbers(client, learner, quiz, lessons):
    client.force_login(learner)
    take_quiz(client, quiz, right=True)
    html = page(client)
    # Room for the axis ticks and the first names' slant, then 16 px bars with 8 px gaps, one
    # per concept; below the axis, each bar's concept name slanted at 60 degrees.
    chart = mastery_chart(learner_mastery(user=learner, session=SessionStore()))
    assert chart["left"] >= 34
    assert chart["width"] == chart["left"] + 24 * len(CONCEPTS)
    assert chart["height"] > 128 + 0.8 * 4.6 * max(len(c.title) for c in CONCEPTS.values())
    assert f'<svg viewBox="0 0 {chart["width"]} {chart["height"]}"' in html
    assert 'role="img" aria-labelledby="mastery-chart-caption"' in html
    first = chart["bars"][0]
    assert (
        f'<text x="{first.label_x}" y="134" transform="rotate(-60 {first.label_x} 134)" '
        'text-anchor="end" dominant-baseline="middle" class="label">'
        "Margin trading and leverage</text>"
    ) in html
    assert "<title>Cross liquidation order: 100% (promising)</title>" in html
    assert "<title>Margin trading and leverage: not tried yet</title>" in html
    assert "Mastery as a table" in html
    assert "<script" not in html.split("</head>")[1]  # no inline script in the page body


def test_recent_attempts_are_listed_with_their_score(client, learner, quiz, lessons):
    client.force_login(learner)
    attempt = take_quiz(client, quiz, right=True)
    html = page(client)
    assert f'href="{reverse("quiz:summary", args=[attempt.pk])}">Basics quiz #1</a>' in html
    assert "100%</span>" in html


def test_every_lesson_read_and_nothing_weak_suggests_a_quiz(client, learner, lessons):
    for lesson in lessons:
        LessonCompletion.objects.create(user=learner, lesson=lesson)
    client.force_login(learner)
    html = page(client)
    assert "You have read every lesson: prove it in a quiz." in html
    assert "4 of 4 lessons completed (100%)" in html


def test_a_learner_sees_only_their_own_progress(client, learner, other_learner, quiz, lessons):
    client.force_login(other_learner)
    take_quiz(client, quiz, right=True)
    LessonCompletion.objects.create(user=other_learner, lesson=lessons[0])
    client.force_login(learner)
    html = page(client)
    assert "0 of 4 lessons completed" in html
    assert "No attempts yet." in html
    assert "Basics quiz #1" not in html


def test_signing_in_without_a_next_lands_on_the_progress_page(client, learner):
    assert sign_in(client)["Location"] == ME
    assert settings.LOGIN_REDIRECT_URL == "me:progress"


def test_the_progress_page_only_answers_get_and_head(client):
    assert client.post(ME).status_code == 405


def test_the_progress_page_needs_a_bounded_number_of_queries(
    client, learner, quiz, lessons, django_assert_max_num_queries
):
    client.force_login(learner)
    take_quiz(client, quiz, right=False)
    take_quiz(client, quiz, right=True)
    for lesson in lessons:
        LessonCompletion.objects.create(user=learner, lesson=lesson)
    Prediction.objects.bulk_create(
        [Prediction(user=learner, concepts=["C06", "C04"], survivor_correct=True)] * 20
    )
    with django_assert_max_num_queries(12):
        client.get(ME)


# --- predictions as evidence ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price_error", "expected"),
    [("0.0049", Decimal(1)), ("0.005", Decimal("0.5")), ("0.0199", Decimal("0.5")), ("0.02", 0)],
)
def test_a_predicted_price_scores_by_how_close_it_came(price_error, expected):
    record = {"concepts": ["C06"], "survivor_correct": False, "price_error": Decimal(price_error)}
    assert prediction_scores(record) == {"C06": expected}


def test_the_survivor_pick_scores_the_other_concepts_and_no_price_leaves_c06_out():
    record = {"concepts": ["C06", "C04", "C05"], "survivor_correct": True, "price_error": None}
    assert prediction_scores(record) == {"C04": 1, "C05": 1}


def test_mastery_weighs_quiz_answers_and_predictions_together(client, learner, quiz):
    client.force_login(learner)
    take_quiz(client, quiz, right=True)  # C04: one answer, right
    Prediction.objects.create(user=learner, concepts=["C04"], survivor_correct=False)
    rows = {row.mastery.concept_id: row for row in learner_mastery(user=learner)}
    assert (rows["C04"].answers, rows["C04"].predictions) == (1, 1)
    assert rows["C04"].mastery.share == Decimal("0.5")
    assert (rows["C07"].answers, rows["C07"].predictions, rows["C07"].mastery.share) == (1, 0, 1)
    assert rows["C01"].mastery.answered == 0


def test_only_the_last_five_predictions_about_a_concept_count(learner):
    Prediction.objects.bulk_create(
        [Prediction(user=learner, concepts=["C05"], survivor_correct=False)] * 3
        + [Prediction(user=learner, concepts=["C05"], survivor_correct=True)] * 5
    )
    assert recent_prediction_scores(user=learner) == {"C05": [Decimal(1)] * 5}


def test_anonymous_predictions_count_from_the_session():
    session = SessionStore()
    session["simulator_predictions"] = [PREDICTION]
    rows = {row.mastery.concept_id: row for row in learner_mastery(session=session)}
    assert rows["C06"].predictions == 1
    assert rows["C06"].mastery.share == 1


def test_a_signed_in_prediction_in_the_simulator_is_stored_in_the_account(client, learner):
    client.force_login(learner)
    data = dict(PRESETS["W4"].form_data()) | {
        "predict": "on",
        "predicted_price": "60000",
        "predicted_survivor": "cross",
    }
    response = client.post("/simulator/predict/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    prediction = Prediction.objects.get(user=learner)
    assert prediction.survivor_correct is True
    # (60000 - 58,793.97) / 58,793.97, rounded to the 8 places stored
    assert prediction.price_error == Decimal("0.02051282")
    assert "simulator_predictions" not in client.session


def visible_text(html: str) -> str:
    """What a reader (or a screen reader) meets: text nodes, no tags, attributes or scripts."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag, attrs):
            self.skipping += tag in {"script", "style", "template"}

        def handle_endtag(self, tag):
            self.skipping -= tag in {"script", "style", "template"} and self.skipping > 0

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_the_progress_page_names_concepts_and_never_shows_their_ids(client, learner, quiz, lessons):
    client.force_login(learner)
    take_quiz(client, quiz, right=False)  # C04 and C07 weak: the chart, table and next step
    Prediction.objects.create(user=learner, **PREDICTION)
    html = page(client)
    text = visible_text(html)
    # The prediction lifts C04, so C07 is the weakest, named in the next step.
    assert "You keep missing Cross liquidation order (0%)" in text
    for concept in CONCEPTS.values():
        assert concept.title in text  # every bar is labelled with its name
    assert not re.findall(r"\b(?:C\d\d|W\d+|E\d)\b", text)
    assert "/learn/concepts/C04/" in html  # ids stay in links, where no one reads them


def test_the_cached_course_lessons_carry_no_learners_completion_to_another(
    client, learner, other_learner, lessons
):
    LessonCompletion.objects.create(user=other_learner, lesson=lessons[0])
    client.force_login(other_learner)
    assert "1 of 4 lessons completed" in page(client)  # the course's lessons are cached now
    client.force_login(learner)
    assert "0 of 4 lessons completed" in page(client)
    client.force_login(other_learner)
    assert "1 of 4 lessons completed" in page(client)


def test_the_cached_module_lists_mark_each_learners_own_lessons(
    client, learner, other_learner, lessons
):
    LessonCompletion.objects.create(user=other_learner, lesson=lessons[1])
    client.force_login(other_learner)
    html = page(client)
    assert html.count("(completed)") == 1
    assert html.count("(not completed)") == 3
    client.force_login(learner)
    html = page(client)  # the same cached module lists
    assert "(completed)" not in html.replace("(not completed)", "")
    assert html.count('<span aria-hidden="true">○</span>') == 4


def test_a_renamed_lesson_shows_on_the_progress_page_at_once(client, learner, lessons):
    client.force_login(learner)
    assert ">Leverage</a>" in page(client)
    lessons[0].title = "Leverage, renamed"
    lessons[0].save()  # a save replaces the content version
    html = page(client)
    assert ">Leverage, renamed</a>" in html
    assert "Start the course with “Leverage, renamed”." in html


def test_mastery_levels_wear_their_badge_and_the_due_review(client, learner, quiz, lessons):
    client.force_login(learner)
    take_quiz(client, quiz, right=True)
    html = page(client)
    familiar = re.search(r'<li class="[^"]* level-familiar">.*?</li>', html, re.DOTALL)
    assert familiar is not None
    assert '<span class="badge text-bg-info">Familiar</span>' in familiar.group()
    assert "review due" not in familiar.group()  # due a day after the answer
    assert '<span class="badge text-bg-light border">Not started</span>' in html


def test_concept_mastery_from_the_answers_read_once_matches_the_quiz_service(client, learner, quiz):
    client.force_login(learner)
    take_quiz(client, quiz, right=True)
    take_quiz(client, quiz, right=False)
    answers = learner_answers(f"user:{learner.pk}")
    assert _quiz_mastery(answers) == concept_mastery(user=learner)
    assert any(m.answered for m in _quiz_mastery(answers).values())
