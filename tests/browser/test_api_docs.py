import json

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_run_the_example_request_offline(live_server, page, console_errors):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs")
    operation = page.locator("#operations-engine-simulator_api_simulate")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda response: "/api/v1/simulate" in response.url) as answer:
        operation.get_by_role("button", name="Execute").click()
    response = answer.value
    assert response.status == 200
    assert json.loads(response.text())["positions"][0]["liquidation_price"] == (
        "58793.969849246231"
    )
    expect(operation.locator(".live-responses-table")).to_contain_text("58793.969849246231")
    assert outside == []
    assert console_errors == []
