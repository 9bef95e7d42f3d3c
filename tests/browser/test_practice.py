"""Practice inside a lesson, in a real browser: answered in place (htmx swaps the item, the
page is not reloaded), and the same without JavaScript (the page comes back at the item)."""

import pytest
from playwright.sync_api import expect

from lessons.loading import load_course
from lessons.models import Lesson
from quiz.loader import load_bank
from quiz.practice import PracticeItem, expected_value, practice_item_from_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lesson_url(live_server):
    load_course()
    load_bank()
    lesson = Lesson.objects.published().in_course_order().select_related("module").first()
    return live_server.url + lesson.get_absolute_url()


def answer_right(page, slot: int) -> None:
    item_box = page.locator(f"#practice-item-{slot}")
    token = item_box.locator("input[name=token]").get_attribute("value")
    item = practice_item_from_token(token)
    assert isinstance(item, PracticeItem), "the first items are bank questions"
    if item.is_action or item.is_numeric:
        assert not item.is_action, "the first items are bank questions"
        item_box.get_by_label("Your answer").fill(str(expected_value(item)))
    else:
        for choice in item.question.choices.all():
            if choice.is_correct:
                item_box.get_by_label(choice.text, exact=True).check()
    item_box.get_by_role("button", name="Check answer").click()


def test_a_practice_item_is_answered_in_place_with_a_hint_and_a_worked_solution(
    page, console_errors, lesson_url
):
    page.goto(lesson_url)
    page.wait_for_load_state("load")
    page.evaluate("window.practiceMarker = 1")  # survives only if htmx swaps, not reloads
    first = page.locator("#practice-item-0")
    first.get_by_text("Show a hint").click()
    expect(first.locator(".practice-hints li").first).to_be_visible()
    answer_right(page, 0)
    expect(first.locator(".practice-feedback")).to_contain_text("Right!")
    expect(first.get_by_text("Worked solution")).to_be_visible()
    assert page.evaluate("window.practiceMarker") == 1
    expect(page.locator("#practice-item-1 form")).to_be_visible()  # the others are untouched
    assert console_errors == []


def test_a_practice_item_works_without_javascript(browser, lesson_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(lesson_url)
    answer_right(page, 1)
    assert page.url.endswith("#practice-item-1")
    expect(page.locator("#practice-item-1 .practice-feedback")).to_contain_text("Right!")
    expect(page.locator("#practice-item-0 form")).to_be_visible()
    context.close()
