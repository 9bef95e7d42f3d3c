"""POST /api/v1/match-my-exchange: the shown price reproduced, the differing steps named."""

import pytest

MATCH = "/api/v1/match-my-exchange"


def body(**changes):
    request = {
        "venue": "binance",
        "position": {
            "symbol": "BTCUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "60000",
            "quantity": "11",
            "leverage": "10",
        },
        "shown_liquidation_price": "54266.79",
    }
    request.update(changes)
    return request


def test_an_old_parameter_set_is_named_with_its_date(post_json):
    response = post_json(MATCH, body())
    assert response.status_code == 200
    data = response.json()
    assert data["matched"] is False
    assert data["position"]["bracket_table"] == "binance-BTCUSDT-2025-08-19"
    assert data["position"]["parameters_effective"] == "2025-08-19"
    explaining = [s for s in data["steps"] if s["matches"]]
    assert any("2024-05-28" in s["change"] for s in explaining)


def test_the_parameter_date_selects_the_old_table_and_then_it_matches(post_json):
    data = post_json(MATCH, body(parameters_as_of="2024-05-28")).json()
    assert data["matched"] is True
    assert data["parameters_as_of"] == "2024-05-28"
    assert data["position"]["bracket_table"] == "binance-BTCUSDT-2024-05-28"


def test_bad_inputs_answer_422_with_the_field_path(post_json):
    response = post_json(MATCH, body(shown_liquidation_price="0"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "shown_liquidation_price"]
    response = post_json(MATCH, body(parameters_as_of="28/05/2024"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parameters_as_of"]
    sol = body(venue="bybit")
    sol["position"] = {**sol["position"], "symbol": "SOLUSDT", "entry_price": "85"}
    response = post_json(MATCH, sol)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "position", "maintenance_margin_rate"]


def test_simulate_says_which_parameter_set_it_used(post_json):
    request = {
        "venue": "bybit",
        "wallet_balance": "1000",
        "parameters_as_of": "2025-09-01",
        "positions": [
            {
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "20000",
                "quantity": "1",
                "leverage": "50",
            }
        ],
    }
    data = post_json("/api/v1/simulate", request).json()
    assert data["parameters_as_of"] == "2025-09-01"
    assert "before 2025-09-02" in data["rules_version"]
    position = data["positions"][0]
    assert position["liquidation_price"] == "19700"
    assert position["bracket_table"] == "bybit-BTCUSDT-until-2026-09-17"
    assert position["maintenance_basis"] == "entry"


def big_position(quantity, leverage="1000"):
    return {
        "wallet_balance": "999999999999999",
        "positions": [
            {
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "entry_price": "999999999999999",
                "quantity": quantity,
                "leverage": leverage,
                "max_leverage": leverage,
                "maintenance_margin_rate": "0.001",
            }
        ],
    }


def test_figures_up_to_1e18_are_written_out_beyond_that_the_figure_is_named(post_json):
    response = post_json("/api/v1/simulate", big_position("1000"))  # notional about 1e18
    assert response.status_code == 200
    assert response.json()["positions"][0]["notional"] == "999999999999999000"
    huge = big_position("999999999999", leverage="999999999999")  # notional about 1e27
    response = post_json("/api/v1/simulate", huge)
    assert response.status_code == 422
    assert "notional" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("value", [False, True, "1", 1.5])
def test_integers_are_integers_not_booleans_or_strings(post_json, value):
    request = {
        "wallet_balance": "1000",
        "seed": value,
        "positions": [
            {
                "symbol": "BTCUSDT",
                "side": "long",
                "margin_mode": "isolated",
                "leverage": "10",
                "quantity": "0.1",
            }
        ],
    }
    response = post_json("/api/v1/monte-carlo", request)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "seed"]
