from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError
from django.utils import timezone

from core.concepts import CONCEPTS
from core.learners import SESSION_LEARNER_KEY, Learner
from quiz import generators, services
from quiz.loader import load_bank
from quiz.models import Answer, Attempt, Question, Quiz

pytestmark = pytest.mark.django_db

ANNE = Learner("anon:anne")
BEN = Learner("anon:ben")


def correct_ids(item):
    return [c["id"] for c in item.choices if c["correct"]]


def wrong_ids(item):
    return [c["id"] for c in item.choices if not c["correct"]][:1]


def answer_item(attempt, item, *, right=True):
    if item.question.kind in Question.NUMERIC_KINDS:
        value = item.expected if right else item.expected + 1000
        return services.attempt_answer(
            attempt=attempt, item=item, value=value, raw_value=str(value)
        )
    ids = correct_ids(item) if right else wrong_ids(item)
    return services.attempt_answer(attempt=attempt, item=item, selected_ids=ids)


def items_of(attempt):
    return list(attempt.items.select_related("question", "answer"))


@pytest.fixture
def bank():
    load_bank()


def test_an_attempt_draws_the_set_number_of_questions_spread_over_concepts(bank):
    quiz = Quiz.objects.get(slug="foundations")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE, seed=1)
    items = items_of(attempt)
    assert len(items) == quiz.question_count == attempt.question_count
    concepts = {c for item in items for c in item.question.concepts}
    assert set(quiz.concepts) <= concepts
    assert all(set(item.question.concepts) & set(quiz.concepts) for item in items)
    assert len({item.question_id for item in items}) == len(items)


def test_questions_and_choices_are_shuffled_per_attempt_and_the_order_is_stored(bank):
    quiz = Quiz.objects.get(slug="full-course")
    first = services.attempt_start(quiz=quiz, learner=ANNE, seed=1)
    services.attempt_finish(attempt=first)
    second = services.attempt_start(quiz=quiz, learner=ANNE, seed=2)
    assert [i.question_id for i in items_of(first)] != [i.question_id for i in items_of(second)]
    choice_item = next(i for i in items_of(first) if i.question.kind == Question.Kind.SINGLE)
    stored = [c["id"] for c in choice_item.choices]
    bank_order = list(choice_item.question.choices.values_list("pk", flat=True))
    assert sorted(stored) == sorted(bank_order)
    orders = set()
    for seed in range(20):
        rng_attempt = services.attempt_start(
            quiz=quiz,
            learner=Learner(f"anon:{seed}"),
            seed=seed,
            question_ids=[choice_item.question_id],
        )
        orders.add(tuple(c["id"] for c in rng_attempt.items.get().choices))
    assert len(orders) > 1


def test_a_generated_item_stores_its_draw_answer_and_engine_version(bank):
    quiz = Quiz.objects.get(slug="full-course")
    question = Question.objects.get(slug="g-isolated-liquidation-binance")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE, question_ids=[question.pk])
    item = attempt.items.get()
    recomputed = generators.compute_answer(question.generator, item.parameters)
    assert item.expected == recomputed.quantize(services.EXPECTED_PLACES)
    assert item.engine_version == attempt.engine_version == generators.engine.ENGINE_VERSION
    assert item.parameters["entry_price"].replace(".", "").isdigit()
    assert "{" not in item.prompt


def test_starting_again_resumes_the_unfinished_attempt(bank):
    quiz = Quiz.objects.get(slug="foundations")
    first = services.attempt_start(quiz=quiz, learner=ANNE)
    assert services.attempt_start(quiz=quiz, learner=ANNE) == first
    assert Attempt.objects.count() == 1


def test_max_attempts_is_enforced_on_the_server(bank):
    quiz = Quiz.objects.get(slug="foundations")
    quiz.max_attempts = 2
    quiz.save()
    for _ in range(2):
        services.attempt_finish(attempt=services.attempt_start(quiz=quiz, learner=ANNE))
    with pytest.raises(services.NoAttemptsLeft, match="all 2 attempts"):
        services.attempt_start(quiz=quiz, learner=ANNE)
    assert services.attempt_start(quiz=quiz, learner=BEN).number == 1


def test_two_tabs_starting_at_once_cannot_exceed_max_attempts(bank):
    """Both tabs read 'no attempts yet'; the unique (quiz, learner, number) decides."""
    quiz = Quiz.objects.get(slug="foundations")
    quiz.max_attempts = 1
    quiz.save()
    other_tab = services.attempt_start(quiz=quiz, learner=ANNE)
    # This tab read the count before the other tab's insert, so it tries number 1 again.
    with mock.patch.object(services, "attempt_in_progress", return_value=None):
        real_filter = Attempt.objects.filter

        def stale_filter(*args, **kwargs):
            if kwargs.get("learner_key") == ANNE.key and "finished_at" not in kwargs:
                return real_filter(pk=None)  # sees no earlier attempt
            return real_filter(*args, **kwargs)

        with (
            mock.patch.object(Attempt.objects, "filter", side_effect=stale_filter),
            pytest.raises(services.NoAttemptsLeft),
        ):
            services.attempt_start(quiz=quiz, learner=ANNE)
    assert list(Attempt.objects.all()) == [other_tab]


def test_the_database_refuses_a_duplicate_attempt_number(bank):
    quiz = Quiz.objects.get(slug="foundations")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(
            quiz=quiz, learner_key=ANNE.key, number=attempt.number, seed=1, question_count=1
        )


def test_answers_are_scored_on_the_server_and_finish_the_attempt(bank):
    quiz = Quiz.objects.get(slug="full-course")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE, seed=5)
    items = items_of(attempt)
    for number, item in enumerate(items):
        answer_item(attempt, item, right=number % 2 == 0)
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert services.answered_count(attempt) == len(items)
    assert attempt.score == sum(a.score for a in Answer.objects.filter(attempt=attempt))
    assert attempt.score == Decimal((len(items) + 1) // 2)


def test_a_second_answer_to_the_same_question_is_refused(bank):
    quiz = Quiz.objects.get(slug="full-course")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    item = items_of(attempt)[0]
    answer_item(attempt, item, right=False)
    stale = items_of(Attempt.objects.get(pk=attempt.pk))[0]
    with pytest.raises(services.AlreadyAnswered):
        answer_item(Attempt.objects.get(pk=attempt.pk), stale, right=True)
    assert Answer.objects.get().is_correct is False
    assert services.answered_count(Attempt.objects.get(pk=attempt.pk)) == 1


def test_a_racing_second_answer_is_stopped_by_the_unique_constraint(bank):
    quiz = Quiz.objects.get(slug="full-course")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    tab_one, tab_two = (items_of(Attempt.objects.get(pk=attempt.pk))[0] for _ in range(2))
    attempt_one, attempt_two = (Attempt.objects.get(pk=attempt.pk) for _ in range(2))
    answer_item(attempt_one, tab_one)
    with pytest.raises(services.AlreadyAnswered):
        answer_item(attempt_two, tab_two)  # this tab loaded before the first answer landed
    assert Answer.objects.count() == 1
    assert Answer.objects.get().score == 1


def test_a_finished_attempt_is_read_only(bank):
    quiz = Quiz.objects.get(slug="full-course")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    services.attempt_finish(attempt=attempt)
    with pytest.raises(services.AttemptFinished):
        answer_item(attempt, items_of(attempt)[0])
    assert Answer.objects.count() == 0


def test_time_limit_is_enforced_on_the_server(bank):
    quiz = Quiz.objects.get(slug="final-exam")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    item = items_of(attempt)[0]
    late = attempt.deadline + services.TIME_LIMIT_GRACE + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=late), pytest.raises(services.TimeUp):
        answer_item(attempt, item)
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline
    assert Answer.objects.count() == 0


def test_an_answer_within_the_grace_period_still_counts(bank):
    quiz = Quiz.objects.get(slug="final-exam")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    just_late = attempt.deadline + services.TIME_LIMIT_GRACE
    with mock.patch("django.utils.timezone.now", return_value=just_late):
        answer_item(attempt, items_of(attempt)[0])
    assert Answer.objects.count() == 1


def test_out_of_order_answers_are_refused(bank):
    quiz = Quiz.objects.get(slug="full-course")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    with pytest.raises(services.AlreadyAnswered, match="in order"):
        answer_item(attempt, items_of(attempt)[2])


def test_summary_groups_mistakes_by_misconception_and_scores_concepts(bank):
    quiz = Quiz.objects.get(slug="full-course")
    questions = Question.objects.filter(
        slug__in=["c09-top-up-long", "e2-top-up-raises-liquidation", "c02-initial-margin-10x"]
    )
    attempt = services.attempt_start(
        quiz=quiz, learner=ANNE, question_ids=[q.pk for q in questions]
    )
    for item in items_of(attempt):
        if item.question.slug == "c02-initial-margin-10x":
            answer_item(attempt, item, right=True)
            continue
        raises = [
            c["id"]
            for c in item.choices
            if c["misconception"] == "a top-up raises the liquidation price"
        ]
        services.attempt_answer(attempt=attempt, item=item, selected_ids=raises)
    summary = services.attempt_summary(attempt=attempt)
    assert [(g.label, g.count) for g in summary.misconceptions] == [
        ("a top-up raises the liquidation price", 2)
    ]
    by_concept = {c.concept_id: (c.score, c.total) for c in summary.concepts}
    assert by_concept["C09"] == (0, 2)
    assert by_concept["C02"] == (1, 1)
    assert summary.concepts[0].concept_id == "C09"  # weakest first
    assert len(summary.missed) == 2


def test_retry_missed_draws_only_the_missed_questions(bank):
    quiz = Quiz.objects.get(slug="foundations")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE, seed=3)
    items = items_of(attempt)
    for number, item in enumerate(items):
        answer_item(attempt, item, right=number >= 3)
    retry = services.attempt_retry_missed(attempt=attempt, learner=ANNE)
    assert retry.retry_of == attempt
    assert retry.number == 2
    assert {i.question_id for i in items_of(retry)} == {i.question_id for i in items[:3]}


def test_mastery_uses_the_last_answers_per_concept(make_question):
    quiz = Quiz.objects.create(slug="q", title="Q", question_count=10)
    questions = [make_question(concepts=["C04"]) for _ in range(7)]
    attempt = services.attempt_start(
        quiz=quiz, learner=ANNE, question_ids=[q.pk for q in questions]
    )
    items = sorted(items_of(attempt), key=lambda i: i.position)
    # two wrong first, then five right: the last five decide
    for number, item in enumerate(items):
        answer_item(attempt, item, right=number >= 2)
    mastery = services.concept_mastery(learner_key=ANNE.key)
    assert mastery["C04"].answered == 5
    assert mastery["C04"].share == 1
    assert mastery["C04"].level == "mastered"
    assert mastery["C05"].answered == 0
    assert list(mastery) == list(CONCEPTS)


def test_weak_concept_practice_draws_from_the_weakest_concepts(bank):
    course = Quiz.objects.get(slug="full-course")
    weak_quiz = Quiz.objects.get(slug="weak-concepts")
    with pytest.raises(services.NothingToDraw, match="Answer a few questions first"):
        services.attempt_start(quiz=weak_quiz, learner=ANNE)
    c10 = list(Question.objects.filter(concept_ids=["C10"]))
    c17 = list(Question.objects.filter(concept_ids=["C17"]))
    attempt = services.attempt_start(
        quiz=course, learner=ANNE, question_ids=[q.pk for q in c10 + c17]
    )
    for item in items_of(attempt):
        answer_item(attempt, item, right="C17" in item.question.concepts)
    practice = services.attempt_start(quiz=weak_quiz, learner=ANNE)
    assert {c for i in items_of(practice) for c in i.question.concepts} >= {"C10"}
    assert all("C10" in i.question.concepts for i in items_of(practice))


def test_anonymous_attempts_move_to_the_account_on_claim(bank):
    session = SessionStore()
    session[SESSION_LEARNER_KEY] = ANNE.key
    quiz = Quiz.objects.get(slug="foundations")
    user = get_user_model().objects.create_user("anne", password="x")
    own = services.attempt_start(quiz=quiz, learner=Learner(f"user:{user.pk}", user.pk))
    services.attempt_finish(attempt=own)
    anonymous = services.attempt_start(quiz=quiz, learner=ANNE)
    answer_item(anonymous, items_of(anonymous)[0])
    assert services.attempts_claim(user=user, session=session) == 1
    anonymous.refresh_from_db()
    assert (anonymous.user, anonymous.learner_key, anonymous.number) == (user, f"user:{user.pk}", 2)
    assert services.concept_mastery(user=user, session=session)
    assert Answer.objects.get().learner_key == f"user:{user.pk}"
    assert SESSION_LEARNER_KEY not in session


def test_question_statistics_find_the_most_picked_wrong_choice(make_question):
    question = make_question(choices=(("Right", True), ("Trap", False), ("Other", False)))
    quiz = Quiz.objects.create(slug="q", title="Q", question_count=1)
    picks = ["Trap", "Trap", "Right", "Other"]
    for number, text in enumerate(picks):
        learner = Learner(f"anon:{number}")
        attempt = services.attempt_start(quiz=quiz, learner=learner, question_ids=[question.pk])
        item = items_of(attempt)[0]
        chosen = [c["id"] for c in item.choices if c["text"] == text]
        services.attempt_answer(attempt=attempt, item=item, selected_ids=chosen)
    stats = services.question_statistics()[question.pk]
    assert (stats.answered, stats.right) == (4, 1)
    assert stats.share_right == Decimal("0.25")
    assert (stats.most_picked_wrong, stats.most_picked_wrong_count) == ("Trap", 2)


def test_an_expired_attempt_is_finished_when_next_looked_at(bank):
    quiz = Quiz.objects.get(slug="final-exam")
    attempt = services.attempt_start(quiz=quiz, learner=ANNE)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    attempt.refresh_from_db()
    assert services.attempt_expire_if_due(attempt=attempt) is True
    assert services.attempt_in_progress(quiz=quiz, learner=ANNE) is None


def test_mastery_ignores_unrevealed_answers_until_the_attempt_ends(bank):
    exam = Quiz.objects.get(slug="final-exam")  # reveals at the end
    attempt = services.attempt_start(quiz=exam, learner=ANNE)
    answer_item(attempt, items_of(attempt)[0], right=False)
    assert not any(m.answered for m in services.concept_mastery(learner_key=ANNE.key).values())
    services.attempt_finish(attempt=attempt)
    assert any(m.answered for m in services.concept_mastery(learner_key=ANNE.key).values())
