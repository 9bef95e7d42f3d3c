"""The simulator and each venue's rules: mode scope, missing tiers, parameter date, overrides."""

import re

import pytest

pytestmark = pytest.mark.django_db

INDEX = "/simulator/"


def slot(html: str, field: str) -> str:
    found = re.search(rf'<div id="id_{re.escape(field)}_error"[^>]*>([^<]*)<', html)
    assert found, f"no error slot for {field}"
    return found.group(1)


def test_a_bybit_account_mixing_modes_is_refused_beside_the_mode(htmx_post, w4_data):
    w4_data["venue"] = "bybit"
    w4_data["pos-1-margin_mode"] = "cross"
    w4_data["pos-1-maintenance_margin_rate"] = "1"  # Bybit's ETHUSDT tiers are not published
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "one margin mode for the whole account" in slot(html, "pos-1-margin_mode")
    w4_data["venue"] = "binance"  # per symbol there: the same account is fine
    assert "whole account" not in htmx_post(INDEX, w4_data).content.decode()


def test_bybit_without_published_eth_tiers_asks_for_the_rate_beside_it(htmx_post, w4_data):
    w4_data["venue"] = "bybit"
    w4_data["pos-1-maintenance_margin_rate"] = ""  # the preset pins a round rate: use the tiers
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "no ETHUSDT tiers" in slot(html, "pos-1-maintenance_margin_rate")
    w4_data["pos-1-maintenance_margin_rate"] = "1"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "no ETHUSDT tiers" not in html


def test_the_parameter_date_picks_the_tables_then_in_force(htmx_post, w4_data):
    # SOLUSDT's oldest Binance table here is of 2024-08-29
    w4_data["pos-1-symbol"] = "SOLUSDT"
    w4_data["pos-1-entry_price"] = "150"
    w4_data["pos-1-maintenance_margin_rate"] = ""  # the preset pins a round rate: use the tables
    w4_data["parameters_as_of"] = "2024-06-01"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "oldest table is of 2024-08-29" in slot(html, "pos-1-maintenance_margin_rate")
    w4_data["parameters_as_of"] = "2024-09-01"
    assert "oldest table" not in htmx_post(INDEX, w4_data).content.decode()


def test_a_bad_parameter_date_gets_a_message_beside_it(htmx_post, w4_data):
    w4_data["parameters_as_of"] = "1 June"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "YYYY-MM-DD" in slot(html, "parameters_as_of")


def test_mark_price_and_maintenance_amount_overrides_reach_the_engine(htmx_post, w4_data):
    w4_data["pos-0-maintenance_amount"] = "-1"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert "0 or more" in slot(html, "pos-0-maintenance_amount")
    w4_data["pos-0-maintenance_amount"] = "0"
    w4_data["pos-0-mark_price"] = "0"
    html = htmx_post(INDEX, w4_data).content.decode()
    assert slot(html, "pos-0-mark_price")
