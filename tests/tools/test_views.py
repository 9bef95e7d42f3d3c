import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.catalog import TOOLS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def shown_figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1)


def test_tools_index_lists_every_calculator_with_how_to_use_them(client):
    response = client.get(reverse("tools:index"))
    html = response.content.decode()
    assert response.status_code == 200
    for tool in TOOLS.values():
        assert f'href="{reverse(tool.url_name)}"' in html
        assert tool.title in html
    assert "How to use the tools" in html


def test_navigation_shows_tools_once_installed(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("tools:index")}"' in html


@pytest.mark.parametrize("slug", list(TOOLS))
def test_each_tool_opens_with_its_worked_example(client, slug):
    response = client.get(reverse(f"tools:{slug}"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'id="tool-form"' in html
    assert 'id="tool-result"' in html
    assert "Explain this number" in html
    assert "How to use this calculator" in html
    assert 'role="status"' in html
    assert "{#" not in html  # no template comment leaks into the page


def test_tool_urls_follow_the_issue(client):
    assert [reverse(f"tools:{slug}") for slug in TOOLS] == [
        "/tools/pnl/",
        "/tools/target-price/",
        "/tools/liquidation-price/",
        "/tools/max-position/",
        "/tools/average-entry/",
        "/tools/funding-cost/",
        "/tools/position-size/",
        "/tools/match-my-exchange/",
    ]


def test_the_form_is_a_plain_get_form_with_htmx_on_top(client):
    html = client.get(reverse("tools:pnl")).content.decode()
    form = re.search(r"<form[^>]*>", html).group(0)
    assert 'method="get"' in form
    assert 'action="/tools/pnl/"' in form
    assert 'hx-get="/tools/pnl/"' in form
    assert 'hx-trigger="input changed delay:300ms, change delay:300ms, submit"' in form
    assert 'hx-sync="this:replace"' in form
    assert 'hx-target="#tool-result"' in form
    assert 'hx-replace-url="true"' in form
    assert "<script>" not in html  # no inline scripts (CSP)


def test_no_js_get_computes_the_learners_numbers(client):
    query = {
        **TOOLS["liquidation-price"].example,
        "leverage": "20",
        "parameters_as_of": "2024-05-28",
    }
    response = client.get(reverse("tools:liquidation-price"), query)
    html = response.content.decode()
    assert "<html" in html
    # 1 BTC at 60,000 with 3,000 margin (tier 2 of 2024-05-28): (3,000 + 50 - 60,000) / (0.005 - 1)
    assert shown_figure(html, "liquidation_price") == "57,236.18"
    # today's tier 1 (0.4%, to 300,000): (3,000 - 60,000) / (0.004 - 1)
    today = {**query, "parameters_as_of": ""}
    html = client.get(reverse("tools:liquidation-price"), today).content.decode()
    assert shown_figure(html, "liquidation_price") == "57,228.92"
    assert 'value="20"' in html  # the input keeps what was typed


def test_htmx_request_gets_only_the_results_and_the_error_slots(client):
    response = client.get(reverse("tools:pnl"), TOOLS["pnl"].example, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html  # the inputs being typed in are never replaced
    assert html.lstrip().startswith('<section id="tool-result"')
    assert 'id="id_entry_price_errors"' in html
    assert 'hx-swap-oob="true"' in html
    assert '<p id="tool-announcement" hx-swap-oob="innerHTML">PnL: 1,500.00 USDT' in html
    assert "HX-Request" in response["Vary"]


def test_full_page_also_varies_on_htmx(client):
    response = client.get(reverse("tools:pnl"))
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get(
        reverse("tools:pnl"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_invalid_input_is_marked_beside_its_field_on_the_full_page(client):
    query = {**TOOLS["pnl"].example, "entry_price": "-5"}
    response = client.get(reverse("tools:pnl"), query)
    html = response.content.decode()
    assert response.status_code == 200
    slot = re.search(r'<div id="id_entry_price_errors"[^>]*>(.*?)</div></div>', html, re.S)
    assert "Enter a number above zero." in slot.group(1)
    assert re.search(r'<input[^>]*name="entry_price"[^>]*is-invalid', html) or re.search(
        r'<input[^>]*is-invalid[^>]*name="entry_price"', html
    )
    assert 'aria-invalid="true"' in html
    assert "Correct the fields marked in red" in html


def test_invalid_input_comes_back_out_of_band_to_htmx(client):
    query = {**TOOLS["pnl"].example, "quantity": "abc", "leverage": ""}
    html = client.get(reverse("tools:pnl"), query, **HTMX).content.decode()
    assert re.search(
        r'<div id="id_quantity_errors"[^>]*hx-swap-oob="true">.*Enter a number\.', html
    )
    assert re.search(r'<div id="id_leverage_errors"[^>]*>.*This field is required\.', html)
    assert "2 fields need attention." in html


def test_engine_refusals_land_beside_the_field_they_name(client):
    # DOGEUSDT's first bracket allows 75x: the engine refuses 100x for the leverage field.
    query = {
        **TOOLS["liquidation-price"].example,
        "symbol": "DOGEUSDT",
        "entry_price": "0.1",
        "quantity": "1000",
        "leverage": "100",
    }
    html = client.get(reverse("tools:liquidation-price"), query, **HTMX).content.decode()
    slot = re.search(r'<div id="id_leverage_errors"[^>]*>(.*?)</div></div>', html, re.S)
    assert slot
    assert "above the maximum of 75x" in slot.group(1)


def test_calculation_refusals_land_beside_the_field_they_name(client):
    query = {
        **TOOLS["target-price"].example,
        "side": "short",
        "target_kind": "pnl",
        "target": "100000",
    }
    html = client.get(reverse("tools:target-price"), query).content.decode()
    slot = re.search(r'<div id="id_target_errors"[^>]*>(.*?)</div></div>', html, re.S)
    assert "No price gives this target" in slot.group(1)


def test_stop_beyond_liquidation_is_shown_as_an_alert(client):
    query = {**TOOLS["position-size"].example, "leverage": "25"}
    html = client.get(reverse("tools:position-size"), query, **HTMX).content.decode()
    alert = re.search(
        r'<div class="alert alert-danger tool-warning" role="alert">(.*?)</div>', html, re.S
    )
    assert alert
    assert "liquidated before the stop can trigger" in alert.group(1)
    # The screen-reader announcement leads with the warning, not the size.
    assert re.search(
        r'id="tool-announcement"[^>]*><span class="tool-summary-warning">Warning: liquidated', html
    )


def test_open_in_simulator_link_carries_the_position(client):
    html = client.get(reverse("tools:liquidation-price")).content.decode()
    href = re.search(r'href="([^"]*)">Open in the simulator', html).group(1).replace("&amp;", "&")
    url = urlsplit(href)
    assert url.path == "/simulator/"
    params = parse_qs(url.query, keep_blank_values=True)
    assert params["wallet_balance"] == ["10000"]
    assert params["pos-TOTAL_FORMS"] == ["1"]
    assert params["pos-INITIAL_FORMS"] == ["0"]
    assert params["pos-0-symbol"] == ["BTCUSDT"]
    assert params["pos-0-margin_mode"] == ["isolated"]
    assert params["pos-0-entry_price"] == ["60000"]
    assert params["pos-0-size_by"] == ["notional"]
    assert params["pos-0-size"] == ["60000"]
    assert params["pos-0-leverage"] == ["10"]


def test_link_to_this_calculation_holds_the_inputs(client):
    query = {**TOOLS["pnl"].example, "exit_price": "61000"}
    html = client.get(reverse("tools:pnl"), query, **HTMX).content.decode()
    href = re.search(r'href="\?([^"]*)">Link to this calculation', html).group(1)
    params = parse_qs(href.replace("&amp;", "&"))
    assert params["exit_price"] == ["61000"]
    assert params["symbol"] == ["BTCUSDT"]


def test_a_shared_link_reproduces_the_result(client):
    query = {**TOOLS["max-position"].example, "wallet_balance": "1000", "leverage": "20"}
    html = client.get(reverse("tools:max-position"), query).content.decode()
    assert shown_figure(html, "max_notional") == "20,000.00"
    assert shown_figure(html, "max_quantity") == "0.333333"


def test_tools_refuse_post(client):
    assert client.post(reverse("tools:pnl"), TOOLS["pnl"].example).status_code == 405
    assert client.post(reverse("tools:index")).status_code == 405


def test_unknown_tool_is_a_404(client):
    assert client.get("/tools/leverage-roulette/").status_code == 404


def test_isolated_margin_below_the_initial_margin_is_refused_beside_it(client):
    query = {**TOOLS["liquidation-price"].example, "isolated_margin": "100"}
    html = client.get(reverse("tools:liquidation-price"), query).content.decode()
    slot = re.search(r'<div id="id_isolated_margin_errors"[^>]*>(.*?)</div></div>', html, re.S)
    assert "at least the initial margin" in slot.group(1)


NUMBERISH = st.one_of(
    st.decimals(min_value="0.01", max_value="200000", places=2).map(str),  # plausible
    st.decimals(min_value="-5", max_value="5", places=3).map(str),  # rates, targets
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.sampled_from(["", "0", "-1", "1e400", "1e-400", "abc", "1,5", "65,000", "NaN", " "]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.sampled_from(list(TOOLS)), data=st.data())
def test_no_input_makes_a_tool_fail(client, slug, data):
    tool = TOOLS[slug]
    query = dict(tool.example)
    for name, field in tool.form_class().fields.items():
        if hasattr(field, "unit") and data.draw(st.booleans()):
            query[name] = data.draw(NUMBERISH)
    response = client.get(reverse(tool.url_name), query, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tool-result"' in html


def test_a_link_with_only_unrelated_parameters_shows_the_example(client):
    html = client.get(reverse("tools:pnl"), {"utm_source": "newsletter"}).content.decode()
    assert shown_figure(html, "pnl") == "1,500.00"
    assert "This field is required." not in html
