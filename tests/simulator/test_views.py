import html as html_lib
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from core.concepts import PRESET_TITLES
from core.display import money, price
from core.links import preset_url
from margin import compare_modes, evaluate
from simulator.forms import Setup
from simulator.presets import PRESETS

pytestmark = pytest.mark.django_db

INDEX = "/simulator/"


def text_of(response) -> str:
    """The response's visible text with tags dropped and whitespace collapsed."""
    return text_of_html(response.content.decode())


def result_section(response) -> str:
    html = response.content.decode()
    start = html.index('<section id="simulator-result"')
    return html[start : html.index("</section>", start)]


# --- URLs ---------------------------------------------------------------------------------


def test_url_names_are_the_binding_ones():
    assert reverse("simulator:index") == INDEX
    assert reverse("simulator:embed", kwargs={"preset": "W4"}) == "/simulator/embed/W4/"
    assert preset_url("W4") == "/simulator/?preset=W4"


def test_every_worked_example_has_a_preset():
    assert set(PRESETS) == set(PRESET_TITLES)


# --- presets show the engine's numbers ----------------------------------------------------


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_each_preset_page_shows_the_engines_liquidation_prices_and_outcomes(client, preset_id):
    preset = PRESETS[preset_id]
    setup = Setup(preset.form_data())
    assert setup.is_valid(), setup.field_errors()
    account = setup.account_spec()
    figures = evaluate(account, venue=preset.venue)
    comparison = compare_modes(account, venue=preset.venue, shocks=setup.shocks())

    response = client.get(preset_url(preset_id))

    assert response.status_code == 200
    page = text_of(response)
    assert preset.label in page
    assert preset.teaches in page  # one line of what it teaches
    results = text_of_html(result_section(response))
    for position in figures.positions:
        assert price(position.liquidation_price) in results
        assert money(position.initial_margin, account.collateral) in results
    for outcome in (comparison.isolated, comparison.cross):
        assert money(outcome.equity_after, account.collateral) in results
    assert "What the numbers show" in page


def text_of_html(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_w4_shows_position_a_liquidated_and_the_account_at_4000(client):
    results = text_of_html(result_section(client.get(preset_url("W4"))))
    assert "A liquidated" in results
    assert "$4,000.00" in results
    assert "Nothing liquidated" in results  # the cross box: the same positions survive


def test_w4_and_w6_correct_the_common_figures_in_a_learners_words(client):
    w4 = text_of(client.get(preset_url("W4")))
    assert "before the fall reaches 12%" in w4
    assert "58,793.97" in w4  # before the 12% the common claim says (0.5% maintenance rate)
    w6 = text_of(client.get(preset_url("W6")))
    assert "58,793.97" in w6  # Binance's formula (reference R11)
    assert "$58,825" in w6  # the simpler textbook formula
    for page in (w4, w6):  # authoring vocabulary never reaches a learner
        for word in ("Erratum", "erratum", "seed", "source material", "W4", "W6", "E5"):
            assert word not in page, word


def test_preset_ids_are_case_insensitive(client):
    assert "A liquidated" in text_of(client.get("/simulator/?preset=w4"))


def test_an_unknown_preset_shows_the_default_setup_with_a_notice(client):
    response = client.get("/simulator/?preset=W99")
    assert response.status_code == 200
    assert "There is no worked example 'W99'" in text_of(response)
    assert 'id="simulator-result"' in response.content.decode()


# --- full page vs htmx partial ------------------------------------------------------------


def test_plain_get_renders_the_whole_page_with_form_and_results(client):
    response = client.get(INDEX)
    html = response.content.decode()
    assert "<html" in html
    assert 'id="simulator-form"' in html
    assert 'id="simulator-result"' in html
    assert 'role="status"' in html
    assert response["Vary"].startswith("HX-Request") or "HX-Request" in response["Vary"]


def test_htmx_post_gets_only_the_results_partial_never_the_inputs(htmx_post, w4_data):
    response = htmx_post(INDEX, w4_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="simulator-result"')
    assert "<input" not in html
    assert "<select" not in html
    assert "A liquidated" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_post_pushes_a_url_that_reproduces_the_setup(client, htmx_post, w4_data):
    pushed = htmx_post(INDEX, w4_data)["HX-Push-Url"]
    assert pushed.startswith(INDEX + "?")
    query = parse_qs(urlsplit(pushed).query)
    assert query["pos-0-leverage"] == ["10"]
    assert query["shock-BTCUSDT"] == ["-12"]

    direct = client.get(pushed)
    assert "<html" in direct.content.decode()
    assert text_of_html(result_section(direct)) == text_of_html(
        result_section(client.get(preset_url("W4")))
    )


def test_a_history_restore_request_gets_the_whole_page(client, w4_data):
    pushed = client.post(INDEX, w4_data, headers={"HX-Request": "true"})["HX-Push-Url"]
    response = client.get(
        pushed, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_htmx_post_asks_the_detail_regions_to_refresh(htmx_post, w4_data):
    response = htmx_post(INDEX, w4_data)
    assert "simulator-updated" in response["HX-Trigger-After-Settle"]


def test_plain_post_without_javascript_renders_the_page_with_results(client, w4_data):
    response = client.post(INDEX, w4_data)
    html = response.content.decode()
    assert "<html" in html
    assert "A liquidated" in text_of_html(result_section(response))
    assert "Link to this setup" in html


def test_the_w4_partial_is_small_and_needs_at_most_one_query(
    htmx_post, w4_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        response = htmx_post(INDEX, w4_data)
    # The two-wallets picture, the rulers and an Explain control beside each figure ride on
    # every recalculation; the heavier panels do not.
    assert len(response.content) <= 16384


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_methods_are_refused_with_405(client, method):
    assert getattr(client, method)(INDEX).status_code == 405


@pytest.mark.parametrize(
    "url", ["/simulator/rows/add/", "/simulator/rows/remove/", "/simulator/details/"]
)
def test_htmx_endpoints_refuse_get(client, url):
    assert client.get(url).status_code == 405


def test_embed_refuses_post(client):
    assert client.post("/simulator/embed/W4/").status_code == 405


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wallet_balance", "", "This field is required."),
        ("wallet_balance", "-5", "Enter an amount greater than zero."),
        ("wallet_balance", "0", "Enter an amount greater than zero."),
        ("wallet_balance", "1e30", "larger than any exchange would accept"),
        ("wallet_balance", "lots", "Enter a number."),
        ("wallet_balance", "NaN", "Enter a number."),
        ("pos-0-size", "abc", "Enter a number."),
        ("pos-0-size", "-10000", "Enter an amount greater than zero."),
        ("pos-0-entry_price", "0", "Enter an amount greater than zero."),
        ("pos-0-entry_price", "Infinity", "Enter a number."),
        ("pos-0-leverage", "0.5", "Leverage is at least 1x."),
        ("pos-0-leverage", "1e30", "larger than any exchange would accept"),
        ("pos-0-symbol", "FOOUSDT", "Select a valid choice."),
        ("pos-0-side", "sideways", "Select a valid choice."),
        ("pos-0-maintenance_margin_rate", "-1", "Enter at least 0%."),
        ("shock-BTCUSDT", "-100", "Enter at least -99%."),
        ("shock-BTCUSDT", "x", "Enter the price move in per cent, such as -12"),
        ("shock-BTCUSDT", "", "Enter the price move in per cent, such as -12"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_never_a_500(
    htmx_post, w4_data, field, value, message
):
    w4_data[field] = value
    response = htmx_post(INDEX, w4_data)
    assert response.status_code == 200
    html = response.content.decode()
    pattern = rf'<div id="id_{re.escape(field)}_error"[^>]*hx-swap-oob="true">([^<]*)<'
    slot = re.search(pattern, html)
    assert slot, html
    assert message in slot.group(1)
    assert "HX-Push-Url" not in response


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pos-0-leverage", "200", "above the maximum of 150x"),
        ("pos-0-isolated_margin", "10", "at least the initial margin"),
        ("pos-0-entry_price", "1e10", "larger than any exchange"),
    ],
)
def test_exchange_rules_from_the_engine_show_beside_the_field(
    htmx_post, w4_data, field, value, message
):
    w4_data[field] = value
    html = htmx_post(INDEX, w4_data).content.decode()
    slot = re.search(rf'<div id="id_{re.escape(field)}_error"[^>]*>([^<]*)<', html)
    assert slot, html
    assert message in slot.group(1)


def test_a_top_up_on_a_cross_position_is_refused_beside_its_box(htmx_post, w4_data):
    w4_data["pos-0-margin_mode"] = "cross"
    w4_data["pos-0-isolated_margin"] = "1500"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "no isolated margin to top up" in html
    assert 'id="id_pos-0-isolated_margin_error"' in html


def test_two_modes_on_one_symbol_are_refused(htmx_post, w4_data):
    w4_data["pos-1-symbol"] = "BTCUSDT"
    w4_data["pos-1-margin_mode"] = "cross"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "must use the same margin mode" in html or "switching its margin mode" in html


def test_isolated_margins_above_the_wallet_are_refused(htmx_post, w4_data):
    w4_data["wallet_balance"] = "1000"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "exceed the wallet balance" in html


def test_nine_positions_are_refused_with_a_clear_message(htmx_post, w4_data):
    w4_data["pos-TOTAL_FORMS"] = "9"
    response = htmx_post(INDEX, w4_data)
    assert response.status_code == 200
    assert "at most 8 positions" in response.content.decode()


def test_a_url_without_the_management_fields_is_reset_not_a_500(client):
    response = client.get("/simulator/?wallet_balance=5000&pos-0-symbol=BTCUSDT")
    assert response.status_code == 200
    assert "has been reset to one position" in text_of(response)


def test_an_empty_post_is_a_list_of_messages_not_a_500(client, htmx_post):
    assert client.post(INDEX, {}).status_code == 200
    response = htmx_post(INDEX, {})
    assert response.status_code == 200
    assert "Check the highlighted input" in response.content.decode()


def test_a_valid_answer_clears_old_messages_beside_the_fields(htmx_post, w4_data):
    html = htmx_post(INDEX, w4_data).content.decode()
    assert 'hx-swap-oob="innerHTML:#simulator-form .field-error"' in html


def test_the_invalid_partial_lists_each_problem_with_a_link_to_its_input(htmx_post, w4_data):
    w4_data["pos-1-leverage"] = "0"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert '<a href="#id_pos-1-leverage">Position B: Leverage (x)</a>' in html


# --- shocks ---------------------------------------------------------------------------------


def test_without_javascript_a_moved_slider_wins_over_the_unchanged_number(client, w4_data):
    w4_data |= {
        "shock-BTCUSDT": "-12",
        "shock-BTCUSDT_was": "-12",
        "shock-BTCUSDT_slider": "-5",
    }
    setup = Setup(w4_data)
    assert setup.is_valid()
    assert setup.shock_percents()["BTCUSDT"] == Decimal("-5")


def test_a_typed_number_wins_over_the_slider(w4_data):
    w4_data |= {
        "shock-BTCUSDT": "-30",
        "shock-BTCUSDT_was": "-12",
        "shock-BTCUSDT_slider": "-12",
    }
    setup = Setup(w4_data)
    assert setup.is_valid()
    assert setup.shock_percents()["BTCUSDT"] == Decimal("-30")


def test_changing_a_symbol_sends_new_shock_controls_out_of_band(htmx_post, w4_data):
    w4_data["pos-1-symbol"] = "SOLUSDT"
    w4_data["pos-1-entry_price"] = "185"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert '<fieldset id="simulator-shocks"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'name="shock-SOLUSDT"' in html


def test_an_unchanged_symbol_set_sends_no_shock_controls(htmx_post, w4_data):
    assert 'id="simulator-shocks"' not in htmx_post(INDEX, w4_data).content.decode()


def test_a_slider_and_a_number_input_for_each_symbol(client):
    html = client.get(preset_url("W4")).content.decode()
    for symbol in ("BTCUSDT", "ETHUSDT"):
        assert f'type="range" class="form-range flex-grow-1" name="shock-{symbol}_slider"' in html
        assert f'name="shock-{symbol}" id="id_shock-{symbol}"' in html
        assert f'<label class="form-label small fw-semibold mb-0" for="id_shock-{symbol}">' in html


# --- rows -----------------------------------------------------------------------------------


def test_htmx_add_returns_one_row_and_the_new_form_count(htmx_post, w4_data):
    response = htmx_post("/simulator/rows/add/", w4_data)
    html = response.content.decode()
    assert html.count('class="sim-position') == 1
    assert 'name="pos-2-symbol"' in html
    assert "Position C" in html
    assert 'id="id_pos-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert 'value="3"' in html
    assert "simulator-recalc" in response["HX-Trigger-After-Settle"]


def test_the_added_row_takes_a_market_not_held_yet(htmx_post, w4_data):
    html = htmx_post("/simulator/rows/add/", w4_data).content.decode()
    assert '<option value="SOLUSDT" selected>' in html


def test_adding_a_ninth_row_does_nothing(htmx_post):
    data = dict(PRESETS["W4"].form_data())
    data["pos-TOTAL_FORMS"] = "8"
    for index in range(2, 8):
        for key in ("symbol", "side", "margin_mode", "size_by", "size", "leverage"):
            data[f"pos-{index}-{key}"] = data[f"pos-0-{key}"]
    assert htmx_post("/simulator/rows/add/", data).status_code == 204


def test_htmx_remove_re_renders_the_rows_without_the_removed_one(htmx_post, w4_data):
    w4_data["run"] = "remove-0"
    html = htmx_post("/simulator/rows/remove/", w4_data).content.decode()
    assert html.lstrip().startswith('<fieldset id="positions"')
    assert 'name="pos-TOTAL_FORMS" value="1"' in html
    assert 'name="pos-0-symbol"' in html
    assert 'name="pos-1-symbol"' not in html
    assert '<option value="ETHUSDT" selected>' in html  # B moved up and became A


def test_the_last_row_cannot_be_removed(htmx_post):
    data = dict(PRESETS["W6"].form_data(), run="remove-0")
    html = htmx_post("/simulator/rows/remove/", data).content.decode()
    assert 'name="pos-TOTAL_FORMS" value="1"' in html


def test_without_javascript_add_position_re_renders_the_form_with_one_more_row(client, w4_data):
    w4_data["run"] = "add"
    html = client.post(INDEX, w4_data).content.decode()
    assert 'name="pos-2-symbol"' in html
    assert 'name="pos-TOTAL_FORMS" value="3"' in html
    assert "A liquidated" in html  # the results of the setup as it was are still shown


def test_without_javascript_remove_re_renders_the_form_with_one_row_less(client, w4_data):
    w4_data["run"] = "remove-1"
    html = client.post(INDEX, w4_data).content.decode()
    assert 'name="pos-TOTAL_FORMS" value="1"' in html
    assert 'name="pos-1-symbol"' not in html


# --- details, predictions, embed -----------------------------------------------------------


def test_details_region_has_charts_with_text_alternatives_and_explanations(htmx_post, w4_data):
    html = htmx_post("/simulator/details/?part=charts", w4_data).content.decode()
    assert html.count('<svg class="sim-chart"') == 3  # equity + one PnL chart per position
    assert 'role="img"' in html
    assert "<title id=" in html
    assert "<desc id=" in html
    assert "The numbers behind" in html
    assert "your move" in html  # the learner's own shock is marked
    explained = htmx_post(
        "/simulator/details/?part=explain&figure=A-liquidation_price", w4_data
    ).content.decode()
    assert "your isolated margin, $1,000.00" in explained  # words with the learner's numbers
    assert "The exchange&#x27;s formula" in explained or "The exchange's formula" in explained
    assert "/learn/concepts/C06/" in explained  # a step links to the lesson that defines it
    assert 'href="#fig-A-liquidation_price"' in explained  # the way back to the figure


def test_the_isolated_pnl_line_flattens_at_minus_the_margin(htmx_post, w4_data):
    from simulator.details import pnl_charts
    from simulator.views import calculate

    setup = Setup(w4_data)
    result = calculate(setup)
    chart = pnl_charts(result.account, result.venue, result.base, result)[0]
    lowest = min(y for _, y in chart.series[0].points)
    assert lowest == -1000  # position A's isolated margin, never more


def test_details_show_every_venue_and_what_it_leaves_out(htmx_post, w4_data):
    text = text_of(htmx_post("/simulator/details/?part=exchanges", w4_data))
    for label in ("Binance", "Bybit", "OKX", "Hyperliquid", "Textbook"):
        assert label in text
    assert "auto-deleveraging (ADL)" in text


def test_funding_and_fees_show_how_liquidation_prices_move(htmx_post, w4_data):
    w4_data |= {"holding_hours": "72", "funding_rate": "0.01", "taker_fee_rate": "0.05"}
    text = text_of(htmx_post("/simulator/details/?part=funding", w4_data))
    assert "held at entry for 72 hours" in text
    assert "9 payments" in text
    assert "liquidation" in text


def test_predict_mode_hides_the_answers_until_revealed(client, htmx_post, w4_data):
    w4_data["predict"] = "on"
    hidden = htmx_post(INDEX, w4_data).content.decode()
    assert "Predict first" in hidden
    assert "58,793.97" not in hidden

    w4_data |= {"predicted_price": "60000", "predicted_survivor": "cross"}
    revealed = htmx_post("/simulator/predict/", w4_data).content.decode()
    assert "You said position A is liquidated at" in revealed
    assert "58,793.97" in revealed
    assert "off by 2.05%" in revealed
    assert "Right." in revealed
    assert client.session["simulator_predictions"][-1]["survivor_correct"] is True
    assert (
        "simulator-updated" in htmx_post("/simulator/predict/", w4_data)["HX-Trigger-After-Settle"]
    )  # open panels reload now the answer is out
    assert 'id="x-A-liquidation_price"' in revealed


def test_predict_mode_without_javascript_reveals_on_the_page(client, w4_data):
    w4_data |= {"predict": "on", "predicted_price": "58000", "predicted_survivor": "isolated"}
    hidden = client.post(INDEX, w4_data).content.decode()
    assert "Predict first" in hidden
    assert "58,793.97" not in hidden
    assert "What it teaches" not in hidden
    revealed = client.post(INDEX, w4_data | {"run": "reveal"}).content.decode()
    assert "You said position A is liquidated at" in revealed
    assert "Not this time" in revealed
    assert 'id="x-A-liquidation_price"' in revealed


def test_embed_card_shows_the_isolated_vs_cross_headline_and_a_link(client):
    response = client.get("/simulator/embed/W4/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Isolated: A is closed and you lose its $1,000.00" in html
    assert "Cross: nothing is closed; the account is at $3,800.00" in html
    assert '<svg class="sim-wallet iso"' in html
    assert 'href="/simulator/?preset=W4"' in html


def test_embed_of_an_unknown_preset_is_404(client):
    assert client.get("/simulator/embed/W42/").status_code == 404


def test_replay_of_a_named_event_logs_liquidations_and_says_it_is_illustrative(htmx_post, w4_data):
    w4_data["event"] = "crash"
    html = htmx_post("/simulator/replay/", w4_data).content.decode()
    assert "Illustrative path, not recorded prices." in html
    assert "liquidation" in html
    assert '<svg class="sim-chart"' in html


def test_replay_without_javascript_renders_on_the_page(client, w4_data):
    w4_data |= {"event": "weekend-gap", "run": "replay"}
    html = client.post(INDEX, w4_data).content.decode()
    assert "Weekend gap: Illustrative path" in html


def test_monte_carlo_compares_isolated_and_cross_and_caches_per_input(htmx_post, w4_data):
    w4_data |= {"volatility": "80", "correlation": "0.7", "horizon_hours": "24", "paths": "500"}
    first = htmx_post("/simulator/monte-carlo/", w4_data).content.decode()
    assert "chance of a liquidation" in first
    assert "Isolated" in first
    assert "Cross" in first
    assert "from the cache" not in first
    second = htmx_post("/simulator/monte-carlo/", w4_data).content.decode()
    assert "from the cache" in second
    w4_data["paths"] = "600"
    assert "from the cache" not in htmx_post("/simulator/monte-carlo/", w4_data).content.decode()


def test_monte_carlo_refuses_a_run_too_large_for_one_request(htmx_post, w4_data):
    w4_data |= {"volatility": "80", "correlation": "0.7", "horizon_hours": "720", "paths": "20000"}
    html = htmx_post("/simulator/monte-carlo/", w4_data).content.decode()
    assert "the limit is" in html


def test_monte_carlo_bad_input_is_a_message(htmx_post, w4_data):
    w4_data |= {"volatility": "-5", "correlation": "3", "horizon_hours": "x", "paths": "5"}
    response = htmx_post("/simulator/monte-carlo/", w4_data)
    assert response.status_code == 200
    assert "Check the Monte Carlo inputs" in response.content.decode()


def test_switching_a_held_symbols_mode_notes_the_exchange_rule(client, w4_data):
    before = client.post(INDEX, w4_data, headers={"HX-Request": "true"})["HX-Push-Url"]
    w4_data["pos-0-margin_mode"] = "cross"
    html = client.post(
        INDEX,
        w4_data,
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + before},
    ).content.decode()
    assert "BTCUSDT has an open position: close it before switching its margin mode." in html


def test_an_unchanged_mode_has_no_switch_note(client, w4_data):
    before = client.post(INDEX, w4_data, headers={"HX-Request": "true"})["HX-Push-Url"]
    html = client.post(
        INDEX,
        w4_data,
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + before},
    ).content.decode()
    assert "switching its margin mode" not in html


def test_a_modified_preset_says_so_and_drops_the_engine_sentence(client, w4_data):
    w4_data["pos-0-leverage"] = "5"
    text = text_of(client.post(INDEX, w4_data))
    assert "Two isolated longs, BTC -12% modified" in text
    assert "What the numbers show" not in text
    assert "Back to the original" in text


def test_a_venue_that_refuses_the_setup_says_why_in_its_row(htmx_post, w4_data):
    w4_data["pos-1-leverage"] = "100"  # Binance allows 100x on ETH; Hyperliquid's cap is lower
    response = htmx_post("/simulator/details/?part=exchanges", w4_data)
    assert response.status_code == 200
    assert "Refused: Leverage 100x is above the maximum of 25x" in text_of(response)


def test_a_top_up_on_an_all_cross_setup_is_refused_too(htmx_post):
    data = dict(PRESETS["W5"].form_data(), **{"pos-1-isolated_margin": "800"})
    html = htmx_post(INDEX, data).content.decode()
    assert 'id="id_pos-1-isolated_margin_error"' in html
    assert "no isolated margin to top up" in html


@pytest.mark.parametrize("preset_id", PRESETS)
def test_every_preset_has_an_embeddable_card(client, preset_id):
    response = client.get(f"/simulator/embed/{preset_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Try “{PRESETS[preset_id].label}” with your own numbers" in html
    assert '<svg class="sim-wallet iso"' in html
    assert '<svg class="sim-wallet cro"' in html


def test_the_default_page_shows_results_for_a_starter_setup(client):
    results = text_of_html(result_section(client.get(INDEX)))
    assert "With BTC -5%" in results
    assert "All isolated" in results


def test_monte_carlo_without_javascript_renders_on_the_page(client, w4_data):
    w4_data |= {
        "volatility": "60",
        "correlation": "0.7",
        "horizon_hours": "24",
        "paths": "300",
        "run": "montecarlo",
    }
    html = client.post(INDEX, w4_data).content.decode()
    assert "chance of a liquidation" in html


def test_each_presets_query_string_built_once_is_what_each_request_would_build():
    from simulator.forms import Setup
    from simulator.presets import PRESETS
    from simulator.views import preset_query_string

    for preset in PRESETS.values():
        assert preset_query_string(preset.id) == Setup(preset.form_data()).query_string()
