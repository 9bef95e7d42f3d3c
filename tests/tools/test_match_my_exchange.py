"""/tools/match-my-exchange/: a real position and the price the exchange shows, reproduced."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/tools/match-my-exchange/"
HTMX = {"HTTP_HX_REQUEST": "true"}
POSITION = {
    "venue": "binance",
    "symbol": "BTCUSDT",
    "side": "long",
    "margin_mode": "isolated",
    "entry_price": "60000",
    "quantity": "11",
    "leverage": "10",
}


def test_the_page_has_its_url_name_and_a_place_in_the_catalog(client):
    assert reverse("tools:match-my-exchange") == URL
    assert URL in client.get(reverse("tools:index")).content.decode()


def test_the_worked_example_names_the_older_tier_table_that_explains_it(client):
    html = client.get(URL).content.decode()
    assert "<html" in html  # a plain request gets the whole page
    assert "Explains it?" in html
    assert "binance-BTCUSDT-2024-05-28" in html
    assert "54,266.79" in html


def test_htmx_gets_the_result_fragment_and_a_match_is_said_in_words(client):
    query = {**POSITION, "shown_liquidation_price": "54243.95"}
    response = client.get(URL, query, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "Matched: our price is within one tick" in html


def test_the_parameter_date_override_picks_the_old_table(client):
    query = {**POSITION, "shown_liquidation_price": "54266.79", "parameters_as_of": "2024-05-28"}
    html = client.get(URL, query).content.decode()
    assert "Matched: our price is within one tick" in html


def test_a_venue_without_the_symbols_tiers_asks_for_the_rate_beside_its_field(client):
    query = {**POSITION, "venue": "bybit", "symbol": "SOLUSDT", "entry_price": "85"}
    query["shown_liquidation_price"] = "77"
    html = client.get(URL, query).content.decode()
    assert 'id="id_maintenance_margin_rate_errors"' in html
    assert "no SOLUSDT tiers" in html
    query["maintenance_margin_rate"] = "1"
    html = client.get(URL, query).content.decode()
    assert "your own maintenance margin rate" in html


def test_a_bad_date_gets_a_message_in_words(client):
    query = {**POSITION, "shown_liquidation_price": "54266.79", "parameters_as_of": "28/05/2024"}
    html = client.get(URL, query).content.decode()
    assert "Give the date as YYYY-MM-DD" in html
