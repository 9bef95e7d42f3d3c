"""POST /api/v1/monte-carlo."""

from decimal import Decimal

URL = "/api/v1/monte-carlo"

W10 = {
    "wallet_balance": "5000",
    "positions": [
        {
            "id": "long-btc",
            "symbol": "BTCUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "65000",
            "notional": "10000",
            "leverage": "10",
        },
        {
            "id": "short-eth",
            "symbol": "ETHUSDT",
            "side": "short",
            "margin_mode": "isolated",
            "entry_price": "3400",
            "notional": "10000",
            "leverage": "10",
        },
    ],
    "volatility": {"BTCUSDT": "0.8", "ETHUSDT": "0.9"},
    "correlation": "0.9",
    "horizon_hours": "72",
    "step_minutes": "15",
    "paths": 2000,
    "seed": 5,
}


def test_monte_carlo_compares_isolated_and_cross(post_json):
    response = post_json(URL, W10)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["paths"], data["steps"], data["seed"]) == (2000, 288, 5)
    isolated = Decimal(data["isolated"]["probability_of_liquidation"])
    cross = Decimal(data["cross"]["probability_of_liquidation"])
    assert 0 <= cross < isolated <= 1
    assert set(data["isolated"]["positions"]) == {"long-btc", "short-eth"}
    percentiles = data["isolated"]["final_equity_percentiles"]
    assert list(percentiles) == ["1", "5", "25", "50", "75", "95", "99"]
    assert all(isinstance(v, str) for v in percentiles.values())


def test_the_same_seed_gives_the_same_answer(post_json):
    assert post_json(URL, W10).json() == post_json(URL, W10).json()


def test_too_many_path_steps_answer_422_on_paths(post_json):
    response = post_json(
        URL, {**W10, "paths": 100000, "horizon_hours": "1000", "step_minutes": "1"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "paths"]


def test_a_bad_correlation_answers_422(post_json):
    response = post_json(URL, {**W10, "correlation": "2"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "correlation"]


def test_a_missing_volatility_for_a_symbol_answers_422(post_json):
    response = post_json(URL, {**W10, "volatility": {"BTCUSDT": "0.8"}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "volatility"]
