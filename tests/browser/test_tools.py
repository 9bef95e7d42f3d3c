import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figure(page, name):
    return page.locator(f'[data-figure="{name}"]')


def test_liquidation_price_recalculates_as_you_type_without_losing_focus(
    live_server, page, console_errors
):
    page.goto(live_server.url + "/tools/liquidation-price/")
    expect(figure(page, "liquidation_price")).to_have_text(
        "54,216.87"
    )  # the 2025-08-19 BTCUSDT table, tier 1 at 0.40%

    leverage = page.get_by_label("Leverage")
    leverage.fill("20")
    expect(figure(page, "liquidation_price")).to_have_text("57,228.92")
    expect(leverage).to_be_focused()
    expect(page).to_have_url(re.compile(r"leverage=20"))  # the URL is the calculation

    page.get_by_role("radio", name="Cross").check()
    expect(figure(page, "liquidation_price")).to_have_text("50,200.80")
    page.get_by_role("radio", name="Isolated").check()
    expect(figure(page, "liquidation_price")).to_have_text("57,228.92")
    # The same radio a second time still recalculates.
    page.get_by_role("radio", name="Cross").check()
    expect(figure(page, "liquidation_price")).to_have_text("50,200.80")

    page.get_by_label("Wallet balance").fill("")
    error = page.locator("#id_wallet_balance_errors")
    expect(error).to_contain_text("Cross margin needs the wallet balance")
    expect(page.get_by_label("Wallet balance")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#tool-result")).to_contain_text("Correct the fields marked in red")

    page.get_by_label("Wallet balance").fill("5000")
    expect(error).to_be_empty()
    expect(page.get_by_label("Wallet balance")).not_to_have_attribute("aria-invalid", "true")
    assert console_errors == []


def test_position_size_warns_loudly_when_the_stop_lies_beyond_liquidation(
    live_server, page, console_errors
):
    page.goto(live_server.url + "/tools/position-size/")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label("Leverage").fill("25")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("liquidated before the stop can trigger")
    expect(page.locator("#tool-announcement")).to_contain_text("Warning: liquidated at 57,831.33")

    explain = page.locator("details.tool-explain").first
    explain.locator("summary").click()
    expect(explain).to_contain_text("Risk amount")
    expect(explain).to_contain_text("10000 x 0.01")
    assert console_errors == []


def test_calculator_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/tools/pnl/")
    page.get_by_label("Exit price").fill("57000")
    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"exit_price=57000"))
    expect(figure(page, "pnl")).to_have_text("-1,500.00")
    context.close()
