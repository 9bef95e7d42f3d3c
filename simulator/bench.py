"""Targets for benchmarks/http_bench.py: the simulator's live recalculation (htmx POST of preset W4
with its CSRF token) and the Monte Carlo JSON API at its default size."""

import json
from urllib.parse import urlencode

from simulator.presets import PRESETS

W4_MONTE_CARLO = {
    # W4 as the API takes it; paths, steps and the rest at the API's defaults (5,000 x 96).
    "wallet_balance": "5000",
    "positions": [
        {
            "id": "A",
            "symbol": "BTCUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "65000",
            "notional": "10000",
            "leverage": "10",
        },
        {
            "id": "B",
            "symbol": "ETHUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "3400",
            "notional": "2500",
            "leverage": "5",
        },
    ],
}


def bench_targets(Browser, base_url, env):
    from benchmarks.http_bench import Target

    browser = Browser(base_url)
    browser.get("/simulator/?preset=W4")  # the CSRF cookie, as a learner's browser gets it
    return [
        Target(
            "simulator htmx POST (W4)",
            "/simulator/",
            method="POST",
            body=urlencode(PRESETS["W4"].form_data()),
            headers=browser.form_post_headers(htmx=True),
            # the results partial, not the page and not an error
            expect='<section id="simulator-result"',
            refuse="<html",
        ),
        Target(
            "Monte Carlo API (W4, default 5,000 x 96)",
            "/api/v1/monte-carlo",
            method="POST",
            body=json.dumps(W4_MONTE_CARLO),
            headers={"Content-Type": "application/json"},
            expect='"probability_of_liquidation"',
        ),
    ]
