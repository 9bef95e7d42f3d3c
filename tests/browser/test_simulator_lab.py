"""The simulator as a one-screen lab, at a desktop's and a phone's size: the verdict, the
two-wallets picture and the shock control on screen together, the picture moving with the
slider, no page wider than the phone, honest predict-then-reveal and readable labels."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lessons.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

W4 = "/simulator/?preset=W4"
W5 = "/simulator/?preset=W5"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
}"""
# The smallest rendered size, in CSS pixels, of any visible text inside the given SVGs.
SMALLEST_SVG_TEXT = """(selector) => {
  let smallest = Infinity;
  for (const text of document.querySelectorAll(selector)) {
    if (!text.getBoundingClientRect().width) continue;
    const scale = text.ownerSVGElement.getScreenCTM().a;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
  }
  return smallest;
}"""


@pytest.fixture
def sized(browser):
    """A page of the given viewport (a phone is emulated with touch, as the reviewers did)."""
    contexts = []

    def open_page(viewport, *, phone: bool = False, scheme: str = "light"):
        context = browser.new_context(
            viewport=viewport, is_mobile=phone, has_touch=phone, color_scheme=scheme
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def in_view(locator) -> bool:
    return locator.evaluate(IN_VIEW)


def test_on_a_desktop_the_verdict_picture_and_btc_shock_are_on_screen_together(live_server, sized):
    page = sized(DESKTOP)
    page.goto(live_server.url + W4)
    verdict = page.locator("#simulator-result .sim-sentence.iso")
    picture = page.locator("#simulator-result .sim-picture .sim-wallet.cro")
    shock = page.locator("#id_shock-BTCUSDT_slider")
    expect(verdict).to_contain_text("A is closed")
    assert in_view(verdict)
    assert in_view(picture)
    assert in_view(shock)
    # Scrolled down to the positions, the results panel stays in view beside them.
    page.locator("#id_pos-1-leverage").scroll_into_view_if_needed()
    assert in_view(page.locator("#simulator-result .sim-sentence.cro"))
    assert page.errors == []


def test_on_a_phone_the_pinned_bar_keeps_verdict_and_picture_beside_the_shock(live_server, sized):
    page = sized(PHONE, phone=True)
    page.goto(live_server.url + W4)
    shock = page.locator("#id_shock-BTCUSDT_slider")
    shock.evaluate("(element) => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    # On a phone the sliders sit right under the picture (the pinned bar keeps it in view).
    top = shock.evaluate("(element) => element.getBoundingClientRect().top + window.scrollY")
    assert top < 1600
    pinned = page.locator("#simulator-result .sim-pinned")
    expect(pinned).to_contain_text("Isolated: $4,000.00 · A closed")
    expect(pinned).to_contain_text("Cross: $3,800.00 · nothing closed")
    assert in_view(shock)
    assert in_view(pinned.locator(".sim-wallet.iso"))
    assert in_view(pinned.locator(".sim-wallet.cro"))
    assert page.errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dragging_the_shock_moves_the_picture_without_a_reload(live_server, sized, viewport):
    page = sized(viewport, phone=viewport is PHONE)
    page.goto(live_server.url + W4)
    page.evaluate("window.notReloaded = true")
    pool = page.locator("#simulator-result .sim-picture .sim-wallet.cro")
    expect(pool).to_have_attribute("aria-label", re.compile(r"\$1,200\.00 of it lost"))
    slider = page.locator("#id_shock-BTCUSDT_slider")
    slider.evaluate("(element) => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    box = slider.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.38, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    # Dragged to about -45%: the cross pool drains further and the ruler's "now" moves with it.
    expect(pool).not_to_have_attribute("aria-label", re.compile(r"\$1,200\.00 of it lost"))
    expect(page.locator("#simulator-result .sim-ruler-title").first).not_to_contain_text(
        "now 57,200.00"
    )
    assert page.evaluate("window.notReloaded") is True
    assert page.errors == []


def test_the_w4_and_w5_sentences_say_what_each_mode_did(live_server, sized):
    page = sized(DESKTOP)
    for path in (W4, W5):  # the same positions: W5 sets them up in cross
        page.goto(live_server.url + path)
        expect(page.locator("#simulator-result .sim-sentence.iso")).to_have_text(
            "Isolated: A is closed and you lose its $1,000.00; the account keeps $4,000.00."
        )
        expect(page.locator("#simulator-result .sim-sentence.cro")).to_have_text(
            "Cross: nothing is closed; the account is at $3,800.00, but every dollar of the "
            "$5,000.00 backs both positions."
        )
    page.goto(live_server.url + "/")  # the home page's one picture is the same component
    expect(page.locator(".home-picture .sim-sentence.iso")).to_contain_text("A is closed")
    expect(page.locator(".home-picture .sim-wallet.iso")).to_be_visible()
    assert page.errors == []


def test_predict_mode_shows_no_answer_anywhere_before_the_reveal(live_server, sized):
    page = sized(DESKTOP)
    page.goto(live_server.url + W4)
    page.locator("#panel-charts > summary").click()  # an open panel must hide its answers too
    expect(page.locator("#panel-charts svg.sim-chart").first).to_be_visible()
    page.get_by_label("Let me predict before I see the answers").check()
    expect(page.get_by_role("heading", name="Predict first")).to_be_visible()
    expect(page.locator("#panel-charts")).to_contain_text("Hidden until you reveal")
    visible_text = page.evaluate("document.body.innerText")
    answers = ("58,793.97", "58,500.00", "$4,000.00", "$3,800.00", "is closed", "What it teaches")
    for answer in answers:
        assert answer not in visible_text, answer
    expect(page.locator("input[name=predicted_survivor]:checked")).to_have_count(0)

    # The bankruptcy price is the misconception: never "spot on" for a liquidation question.
    page.get_by_label(re.compile("Where is position A")).fill("58500")
    page.get_by_label("Isolated only").check()
    page.get_by_role("button", name="Reveal the answer").click()
    reveal = page.locator(".sim-reveal")
    expect(reveal).to_contain_text("not the liquidation price")
    expect(reveal).not_to_contain_text("spot on")
    expect(reveal).to_contain_text("That is the bankruptcy price, 58,500.00")
    expect(reveal).to_contain_text("Isolated is often thought of as the mode that keeps you")
    expect(page.locator("#panel-charts svg.sim-chart").first).to_be_visible()
    assert page.errors == []


def test_a_reveal_without_a_mode_picked_asks_for_one(live_server, sized):
    page = sized(DESKTOP)
    page.goto(live_server.url + W4)
    page.get_by_label("Let me predict before I see the answers").check()
    page.get_by_role("button", name="Reveal the answer").click()
    expect(page.locator("#id_predicted_survivor_error")).to_have_text(
        "Pick the mode you think keeps every position open."
    )
    expect(page.locator(".sim-reveal")).to_have_count(0)
    assert page.errors == []


def test_letters_or_an_empty_shock_box_get_a_message_beside_the_field(live_server, sized):
    page = sized(DESKTOP)
    page.goto(live_server.url + W4)
    number = page.locator("#id_shock-BTCUSDT")
    number.fill("")
    message = page.locator("#id_shock-BTCUSDT_error")
    expect(message).to_have_text("Enter the price move in per cent, such as -12 (0 for no move).")
    expect(number).to_have_attribute("aria-invalid", "true")
    number.fill("-12")
    expect(message).to_have_text("")
    number.press_sequentially("e")  # "-12e" is not a number: the box sends "", never 0%
    expect(message).to_contain_text("Enter the price move in per cent")
    assert page.errors == []


def test_explain_this_number_in_words_with_a_way_back(live_server, sized):
    page = sized(DESKTOP)
    page.goto(live_server.url + W4)
    explain = page.locator("#x-A-liquidation_price")
    explain.locator("> summary").click()
    expect(explain).to_contain_text(
        "The money behind the position: your isolated margin, $1,000.00"
    )
    expect(explain).to_contain_text("$1,000.00 − $954.77 = $45.23")
    formula = explain.get_by_text("The exchange's formula")
    expect(explain.locator(".sim-steps")).not_to_be_visible()  # the second layer, one more click
    formula.click()
    expect(explain.locator(".sim-steps")).to_contain_text("58,793.9698")
    explain.get_by_role("link", name="Back to the figure").click()
    expect(explain).not_to_have_attribute("open", "")
    expect(explain.locator("> summary")).to_be_focused()
    assert page.errors == []


def test_chart_and_picture_labels_are_at_least_12px_at_both_sizes(live_server, sized):
    for viewport in (DESKTOP, PHONE):
        page = sized(viewport, phone=viewport is PHONE)
        page.goto(live_server.url + W4)
        page.locator("#panel-charts > summary").click()
        expect(page.locator("#panel-charts svg.sim-chart")).to_have_count(3)
        smallest = page.evaluate(SMALLEST_SVG_TEXT, ".sim-picture svg text, #panel-charts svg text")
        assert smallest >= 12, (viewport, smallest)
        # The learner's own shock is marked on the equity chart, its legend off the lines.
        expect(page.locator("#chart-equity-title")).to_be_attached()
        expect(page.locator("#panel-charts .rule.yours").first).to_be_attached()
        expect(page.locator("#panel-charts .sim-legend").first).to_contain_text("Isolated")
        assert page.errors == []


@pytest.fixture
def content(transactional_db):
    call_command("load_lessons", verbosity=0)
    call_command("load_questions", verbosity=0)


def test_no_page_is_wider_than_the_phone(live_server, sized, content):
    lesson = next(
        lesson
        for lesson in Lesson.objects.filter(published=True).select_related("module")
        if "```simulator" in lesson.body
    )
    paths = [
        "/",
        "/learn/",
        lesson.get_absolute_url(),
        "/learn/search/?q=liquidation",
        "/learn/glossary/",
        W4,
        "/simulator/?preset=W8",
        "/simulator/",
        "/tools/",
        "/tools/liquidation-price/",
        "/quiz/",
        "/me/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]
    for scheme in ("light", "dark"):
        page = sized(PHONE, phone=True, scheme=scheme)
        wide = []
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append(f"{path}: {width}px")
        assert wide == [], wide
