import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_page_type import (  # noqa: F401 - the fixtures are used by name
    Tour,
    axe_source,
    watched_page,
)

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


@pytest.fixture
def events_tour(watched_page, live_server, axe_source, console_errors):  # noqa: F811
    return Tour(watched_page, live_server.url, axe_source, console_errors)


def test_the_event_pages_have_no_csp_or_accessibility_violations(events_tour, tmp_path):
    page = events_tour.page
    events_tour.visit(EVENTS_PAGE)
    events_tour.visit(
        EVENTS_PAGE + "?event=short-squeeze-2023&series=last-1m&entry=event&wallet_balance=3000"
        "&venue=binance&ev-TOTAL_FORMS=1&ev-INITIAL_FORMS=0&ev-0-symbol=BTCUSDT&ev-0-side=short"
        "&ev-0-notional=10000&ev-0-leverage=500"
    )
    expect(page.locator("#id_ev-0-leverage_error")).to_have_text("Enter at most 125x.")
    bad = tmp_path / "candles.csv"
    bad.write_text("date,price\n2024-01-01,1\n2024-01-02,2\n")
    page.set_input_files("#id_candles", str(bad))
    page.get_by_role("button", name="Upload and replay").click()
    expect(page.locator("#id_candles_error")).to_contain_text("The file needs the columns")
    events_tour.check("a refused upload")
    events_tour.finish()
