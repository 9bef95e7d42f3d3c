import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

W4 = "/simulator/?preset=W4"


def summary(page):
    return page.locator("#simulator-result .sim-summary")


def test_w4_shows_position_a_liquidated_and_the_account_at_4000(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    result = page.locator("#simulator-result")
    expect(summary(page)).to_contain_text("position A is liquidated")
    expect(summary(page)).to_contain_text("$4,000.00")
    expect(result.locator(".sim-mode.iso .sim-verdict")).to_have_text("A liquidated")
    expect(result.locator(".sim-mode.cro .sim-verdict")).to_have_text("Nothing liquidated")
    assert console_errors == []


def test_switching_w4_to_cross_liquidates_nothing_without_a_reload(
    live_server, page, console_errors
):
    page.goto(live_server.url + W4)
    page.evaluate("window.notReloaded = true")
    page.select_option("#id_pos-0-margin_mode", "cross")
    page.select_option("#id_pos-1-margin_mode", "cross")
    expect(summary(page)).to_contain_text("nothing is liquidated")
    expect(page.locator("#simulator-result .sim-pos .liq")).to_have_count(0)
    expect(page.locator("#simulator-result .sim-mode.cro h3")).to_contain_text("as set up")
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(r"pos-0-margin_mode=cross"))
    expect(page.locator("#simulator-status")).to_contain_text("nothing liquidated")
    assert console_errors == []


def test_changing_a_shock_updates_the_results_and_keeps_focus(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    page.evaluate("window.notReloaded = true")
    number = page.locator("#id_shock-BTCUSDT")
    number.fill("-5")
    expect(summary(page)).to_contain_text("nothing is liquidated")
    expect(number).to_be_focused()
    expect(page.locator("#id_shock-BTCUSDT_slider")).to_have_value("-5")
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(r"shock-BTCUSDT=-5"))
    assert console_errors == []


def test_the_slider_moves_the_number_and_the_results(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    slider = page.locator("#id_shock-BTCUSDT_slider")
    slider.focus()
    for _ in range(10):  # -12% -> -7% in 0.5% steps
        page.keyboard.press("ArrowRight")
    expect(page.locator("#id_shock-BTCUSDT")).to_have_value("-7")
    expect(summary(page)).to_contain_text("nothing is liquidated")
    assert console_errors == []


def test_adding_and_removing_a_position_row(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    page.get_by_role("button", name="+ Add position").click()
    expect(page.locator(".sim-position")).to_have_count(3)
    expect(page.locator("#id_pos-2-symbol")).to_be_focused()
    expect(page.locator("#id_pos-TOTAL_FORMS")).to_have_value("3")
    expect(page.locator("#simulator-result .sim-pos")).to_have_count(3)
    expect(page.locator("#id_shock-SOLUSDT")).to_be_visible()

    page.get_by_role("button", name="Remove position A").click()
    expect(page.locator(".sim-position")).to_have_count(2)
    expect(page.locator("#id_pos-TOTAL_FORMS")).to_have_value("2")
    expect(page.locator("#id_pos-0-symbol")).to_have_value("ETHUSDT")
    expect(page.locator("#simulator-result .sim-pos")).to_have_count(2)
    expect(page.locator("#id_shock-BTCUSDT")).to_have_count(0)
    assert console_errors == []


def test_a_bad_value_shows_a_message_beside_the_field(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    leverage = page.locator("#id_pos-0-leverage")
    leverage.fill("500")
    expect(page.locator("#id_pos-0-leverage_error")).to_contain_text("above the maximum of 150x")
    expect(leverage).to_have_attribute("aria-invalid", "true")
    expect(leverage).to_be_focused()
    leverage.fill("10")
    expect(page.locator("#id_pos-0-leverage_error")).to_have_text("")
    expect(leverage).not_to_have_attribute("aria-invalid", "true")
    assert console_errors == []


def test_back_and_forward_restore_earlier_setups(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    page.locator("#id_shock-BTCUSDT").fill("-5")
    expect(page).to_have_url(re.compile(r"shock-BTCUSDT=-5"))
    page.locator("#id_shock-BTCUSDT").fill("-30")
    expect(page).to_have_url(re.compile(r"shock-BTCUSDT=-30"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"shock-BTCUSDT=-5"))
    expect(page.locator("#id_shock-BTCUSDT")).to_have_value("-5")
    expect(summary(page)).to_contain_text("nothing is liquidated")
    page.go_forward()
    expect(page.locator("#id_shock-BTCUSDT")).to_have_value("-30")
    assert console_errors == []


def test_explain_beside_a_figure_opens_its_derivation(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    derivation = page.locator("#x-A-liquidation_price")
    derivation.locator("> summary").click()
    expect(derivation).to_have_attribute("open", "")
    expect(derivation).to_contain_text("Liquidation price: 58,793.97.")
    assert console_errors == []


def test_the_page_works_with_javascript_disabled(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + W4)
    expect(summary(page)).to_contain_text("$4,000.00")

    page.select_option("#id_pos-0-margin_mode", "cross")
    page.select_option("#id_pos-1-margin_mode", "cross")
    page.get_by_role("button", name="Calculate").click()
    expect(summary(page)).to_contain_text("nothing is liquidated")

    page.get_by_role("button", name="+ Add position").click()
    expect(page.locator(".sim-position")).to_have_count(3)
    page.get_by_role("button", name="Remove position C").click()
    expect(page.locator(".sim-position")).to_have_count(2)

    # A panel opens natively and asks for its content with a submit button.
    page.locator("#panel-exchanges > summary").click()
    page.get_by_role("button", name="Show exchange rules").click()
    expect(page.locator("#panel-exchanges")).to_have_attribute("open", "")
    expect(page.locator("#panel-exchanges")).to_contain_text("Hyperliquid")
    page.locator("#x-A-liquidation_price > summary").click()
    page.locator("#x-A-liquidation_price").get_by_role("button", name="Show the working").click()
    expect(page.locator("#x-A-liquidation_price")).to_contain_text("in cross the whole wallet")

    page.locator("#panel-replay > summary").click()
    page.select_option("#id_event", "crash")
    page.get_by_role("button", name="Replay", exact=True).click()
    expect(page.locator("#simulator-replay")).to_contain_text("Illustrative path")
    context.close()


def test_predict_then_reveal(live_server, page, console_errors):
    page.goto(live_server.url + W4)
    page.get_by_label("Let me predict before I see the answers").check()
    expect(page.get_by_role("heading", name="Predict first")).to_be_visible()
    expect(page.locator("#simulator-result")).not_to_contain_text("58,793.97")
    expect(page.locator(".sim-preset-note .sim-answer").first).to_be_hidden()
    page.get_by_label(re.compile("Where is position A")).fill("60000")
    page.get_by_label("Cross only").check()
    page.get_by_role("button", name="Reveal the answer").click()
    expect(page.locator(".sim-reveal")).to_contain_text("off by 2.05%")
    expect(page.locator(".sim-reveal")).to_contain_text("Right.")
    expect(page.locator("#x-A-liquidation_price")).to_be_attached()
    assert console_errors == []


def test_replay_and_monte_carlo_load_without_a_reload(live_server, page, console_errors):
    page.goto(live_server.url + "/simulator/?preset=W10")
    page.evaluate("window.notReloaded = true")
    page.locator("#panel-replay > summary").click()
    page.locator("#panel-odds > summary").click()
    page.select_option("#id_event", "crash")
    page.get_by_role("button", name="Replay", exact=True).click()
    replay = page.locator("#simulator-replay")
    expect(replay).to_contain_text("Sudden crash: Illustrative path")
    expect(replay.get_by_role("table", name=re.compile("Event log, isolated"))).to_contain_text(
        "liquidation"
    )
    page.locator("#id_paths").fill("300")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page.locator("#simulator-monte-carlo")).to_contain_text("chance of a liquidation")
    assert page.evaluate("window.notReloaded") is True
    assert console_errors == []
