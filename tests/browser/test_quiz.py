import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from quiz.models import Choice, Question, Quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_quiz():
    mode = Question.objects.create(
        slug="mode",
        kind=Question.Kind.SINGLE,
        concept_ids=["C04"],
        prompt="Which mode caps a trade's loss at its own margin?",
        explanation="Isolated margin ring-fences the collateral.",
        preset_id="W3",
    )
    for position, (text, correct, misconception) in enumerate(
        (
            ("Isolated margin", True, ""),
            ("Cross margin", False, "cross margin is always safer"),
        )
    ):
        Choice.objects.create(
            question=mode,
            key=str(position),
            text=text,
            is_correct=correct,
            feedback=f"About {text.lower()}.",
            misconception=misconception,
            preset_id="" if correct else "W4",
            position=position,
        )
    Question.objects.create(
        slug="margin",
        kind=Question.Kind.NUMERIC,
        concept_ids=["C02"],
        prompt="Initial margin for $10,000 at 10x, in USDT?",
        explanation="Notional divided by leverage.",
        answer=Decimal("1000"),
        tolerance=Decimal("0.01"),
        unit="USDT",
    )
    return Quiz.objects.create(slug="short", title="Short quiz", question_count=2)


def answer_current_question(page, *, right: bool, keyboard: bool = False):
    prompt = page.locator(".quiz-prompt").inner_text()
    if "Initial margin" in prompt:
        page.get_by_label("Your answer").fill("1,000" if right else "abc")
        if not right:
            page.keyboard.press("Enter")
            expect(page.get_by_text("Enter a number")).to_be_visible()
            page.get_by_label("Your answer").fill("900")
        page.keyboard.press("Enter")
    else:
        choice = "Isolated margin" if right else "Cross margin"
        if keyboard:
            page.locator("input[name=choice]").first.focus()
            page.keyboard.press("Space")
            if page.get_by_label(choice).is_checked() is False:
                page.keyboard.press("ArrowDown")
            expect(page.get_by_label(choice)).to_be_checked()
            page.keyboard.press("Enter")
        else:
            page.get_by_label(choice).check()
            page.get_by_role("button", name="Check answer").click()


def test_a_short_quiz_end_to_end_with_feedback_summary_and_retry(
    live_server, page, console_errors, short_quiz
):
    page.goto(live_server.url + "/quiz/")
    page.get_by_role("button", name="Start Short quiz").click()
    expect(page.get_by_text("Question 1 of 2", exact=True)).to_be_visible()
    # The text shows before the deferred htmx script has bound the form; an Enter in between
    # posts the plain form (which works, but reloads and loses the marker below).
    page.wait_for_load_state("load")
    # The correct answer is nowhere in the page before answering.
    assert "About isolated margin." not in page.content()
    assert "ring-fences" not in page.content()
    page.evaluate("window.quizPageMarker = 1")  # survives only if htmx swaps, not reloads

    missed_prompt = None
    for number in range(2):
        prompt = page.locator(".quiz-prompt").inner_text()
        right = "Initial margin" in prompt  # miss the choice question, get the number right
        if not right:
            missed_prompt = prompt
        answer_current_question(page, right=right, keyboard=True)
        verdict = page.locator("#quiz-verdict")
        expect(verdict).to_have_text("Right!" if right else "Not quite.")
        if not right:
            expect(
                page.get_by_text("Misconception: “cross margin is always safer”")
            ).to_be_visible()
            expect(page.get_by_text("Isolated margin ring-fences the collateral.")).to_be_visible()
        assert page.evaluate("window.quizPageMarker") == 1
        next_button = page.locator("[data-quiz-focus]")
        expect(next_button).to_be_focused()
        page.keyboard.press("Enter")  # keyboard only: Next / See your results
        if number == 0:
            expect(page.get_by_text("Question 2 of 2", exact=True)).to_be_visible()
            expect(page).to_have_url(re.compile(r"/questions/2/$"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Short quiz")
    expect(page.locator(".quiz-score")).to_contain_text("50%")
    expect(page.get_by_text("“cross margin is always safer”")).to_be_visible()
    page.get_by_role("button", name="Retry the 1 question I missed").click()
    expect(page.get_by_text("Question 1 of 1", exact=True)).to_be_visible()
    assert page.locator(".quiz-prompt").inner_text() == missed_prompt
    answer_current_question(page, right=True)
    expect(page.locator("#quiz-verdict")).to_have_text("Right!")
    page.get_by_role("link", name="See your results").click()
    expect(page.locator(".quiz-score")).to_contain_text("100%")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(retry)")
    assert console_errors == []


def test_the_quiz_works_without_javascript(live_server, browser, short_quiz):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/quiz/")
    page.get_by_role("button", name="Start Short quiz").click()
    for _ in range(2):
        answer_current_question(page, right=True)
        expect(page.locator("#quiz-verdict")).to_have_text("Right!")
        page.locator("[data-quiz-focus]").click()
    expect(page.locator(".quiz-score")).to_contain_text("100%")
    context.close()
