import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENTS_PAGE = "/simulator/events/"


def test_choosing_an_event_shows_both_modes_and_the_log_without_a_reload(
    live_server, page, console_errors
):
    page.goto(live_server.url + EVENTS_PAGE)
    expect(page.locator("#event-title")).to_contain_text("Black Thursday")
    page.evaluate("window.notReloaded = true")
    page.select_option("#id_event", "october-2025-liquidations")
    page.fill("#id_ev-0-leverage", "10")
    page.click("#event-run")
    result = page.locator("#event-result")
    expect(result.locator("#event-title")).to_contain_text("The record liquidation day")
    expect(result.locator(".ev-mode.isolated .ev-verdict")).to_have_text("A liquidated")
    expect(result.locator(".ev-mode.cross .ev-verdict")).to_be_visible()
    log = result.locator(".ev-mode.isolated table.ev-log")
    expect(log.locator("caption")).to_have_text("Event log, isolated")
    expect(log.locator("tbody tr").first).to_contain_text("A (BTCUSDT) closed by liquidation")
    expect(result.locator("svg.event-chart")).to_be_visible()
    expect(result.locator("#ev-compare-heading")).to_have_text("Mark price or last price?")
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(r"event=october-2025-liquidations"))
    assert console_errors == []
