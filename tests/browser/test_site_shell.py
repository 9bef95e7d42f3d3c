import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_with_htmx_and_no_console_errors(live_server, page, console_errors):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("margin")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("window.htmx.config.allowEval") is False
    assert console_errors == []


def test_navigation_links_lead_to_working_pages(live_server, page, console_errors):
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main navigation")
    hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
    assert "/" in hrefs
    for href in hrefs:
        response = page.goto(live_server.url + href)
        assert response.status < 400, href
    assert console_errors == []


def test_skip_link_moves_focus_to_the_main_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
