"""The simulator's targets under wrk: the live recalculation as learners send it (a new setup per
request, over W4 and over an 8-position cross account), the same W4 body every time (what the
partial cache answers), the page with and without a preset, and the Monte Carlo JSON API."""

import json

from benchmarks import workload
from benchmarks.target import Target

RESULT = '<section id="simulator-result"'


def targets(Browser, base_url, env):
    browser = Browser(base_url)
    browser.get(workload.SIMULATOR_W4)  # the CSRF cookie, as a learner's browser gets it
    token = browser.cookie("csrftoken")
    htmx = browser.form_post_headers(htmx=True)
    page_headers = {"Cookie": browser.cookie_header()}
    return [
        Target(
            "simulator recalculation, new setup each request (W4 slider)",
            workload.SIMULATOR,
            method="POST",
            headers=htmx,
            stream=workload.w4_slider(token),
            expect=RESULT,  # the results partial, not the page and not an error
            refuse="<html",
        ),
        Target(
            "simulator recalculation, new setup each request (8 cross positions)",
            workload.SIMULATOR,
            method="POST",
            headers=htmx,
            stream=workload.eight_cross_slider(token),
            expect=RESULT,
            refuse="<html",
        ),
        Target(
            "simulator recalculation, same W4 body every time (computed: no body cache)",
            workload.SIMULATOR,
            method="POST",
            body=workload.w4_same_body(token),
            headers=htmx,
            expect=RESULT,
            refuse="<html",
        ),
        Target("simulator page", workload.SIMULATOR, headers=page_headers, expect=RESULT),
        Target(
            "simulator page, W4 preset", workload.SIMULATOR_W4, headers=page_headers, expect=RESULT
        ),
        Target(
            "calculator page (liquidation price)",
            workload.CALCULATOR,
            headers=page_headers,
            expect="Liquidation price",
        ),
        Target(
            "Monte Carlo API (W4, default 5,000 x 96)",
            "/api/v1/monte-carlo",
            method="POST",
            body=json.dumps(workload.W4_MONTE_CARLO),
            headers={"Content-Type": "application/json"},
            expect='"probability_of_liquidation"',
        ),
    ]
