"""Keyboard only: a learner who cannot use a mouse walks the simulator from the skip link to a
replay, and every control on the way shows where the focus is. (The quiz's keyboard walk is
tests/browser/test_quiz.py::test_a_short_quiz_end_to_end_with_feedback_summary_and_retry.)"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" || style.boxShadow !== "none";
}"""


def tab_to(page, selector: str, *, limit: int = 250, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus; fail if it never does."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"{selector} has the focus but does not show it"
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def summary(page):
    return page.locator("#simulator-result .sim-summary")


def test_the_simulator_can_be_used_with_the_keyboard_alone(live_server, page, console_errors):
    page.goto(live_server.url + "/simulator/?preset=W4")
    expect(summary(page)).to_contain_text("position A is liquidated")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))

    # Put position A into cross margin: nothing is liquidated any more.
    tab_to(page, "#id_pos-0-margin_mode")
    page.keyboard.press("ArrowDown")  # isolated -> cross
    tab_to(page, "#id_pos-1-margin_mode")
    page.keyboard.press("ArrowDown")
    expect(summary(page)).to_contain_text("nothing is liquidated")

    # Typing a number recalculates and leaves the focus where the learner is typing.
    tab_to(page, "#id_wallet_balance", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("3000")
    expect(page.locator("#id_wallet_balance")).to_be_focused()
    expect(page).to_have_url(re.compile("wallet_balance=3000"))
    expect(page.locator("#id_wallet_balance")).to_have_value("3000")

    # Add a position with Enter: the focus moves to the new row.
    tab_to(page, "#add-position")
    page.keyboard.press("Enter")
    expect(page.locator(".sim-position")).to_have_count(3)
    expect(page.locator("#id_pos-2-symbol")).to_be_focused()

    # Open the replay panel and replay a crash from the keyboard.
    tab_to(page, "#panel-replay > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_event")
    page.keyboard.press("ArrowDown")
    tab_to(page, 'button[value="replay"]')
    page.keyboard.press("Enter")
    expect(page.locator("#simulator-replay")).to_contain_text("Event log")
    assert console_errors == []
