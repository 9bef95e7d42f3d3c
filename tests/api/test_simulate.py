"""POST /api/v1/simulate: the reference examples through JSON, numbers as strings, replays."""

from decimal import Decimal

import pytest

from api.endpoints import EXAMPLE_REQUEST
from margin import ENGINE_VERSION

URL = "/api/v1/simulate"


def body(*positions, wallet="100000000", **fields):
    return {"wallet_balance": wallet, "positions": list(positions), **fields}


def pos(**fields):
    return {
        "symbol": "BTCUSDT",
        "side": "long",
        "margin_mode": "isolated",
        "leverage": "10",
        **fields,
    }


def near(text, expected, tolerance):
    return abs(Decimal(text) - Decimal(expected)) <= Decimal(tolerance)


R01 = body(
    pos(
        id="ETH",
        symbol="ETHUSDT",
        margin_mode="cross",
        entry_price="1456.84",
        mark_price="1335.18",
        quantity="3683.979",
        maintenance_margin_rate="0.10",
        maintenance_amount="135365",
    ),
    pos(
        id="BTC",
        margin_mode="cross",
        entry_price="32481.98",
        mark_price="31967.27",
        quantity="109.488",
        maintenance_margin_rate="0.025",
        maintenance_amount="16300",
    ),
    wallet="1535443.01",
)
W6 = pos(entry_price="65000", notional="10000", isolated_margin="1000")


@pytest.mark.parametrize(
    ("request_body", "venue", "index", "figure", "expected", "tolerance"),
    [
        pytest.param(R01, "binance", 0, "liquidation_price", "1153.26", "0.005", id="R01"),
        pytest.param(R01, "binance", 1, "liquidation_price", "26316.89", "0.005", id="R02"),
        pytest.param(
            body(
                pos(
                    symbol="BTCUSD",
                    margin_mode="cross",
                    entry_price="25000",
                    contracts="100",
                    maintenance_margin_rate="0.004",
                ),
                wallet="10",
                collateral="BTC",
            ),
            "binance",
            0,
            "maintenance_margin",
            "0.0016",
            "0",
            id="R04",
        ),
        pytest.param(
            body(
                pos(
                    symbol="ETHUSDT",
                    entry_price="1456.84",
                    quantity="3683.979",
                    isolated_margin="1535443.01",
                    maintenance_margin_rate="0.10",
                    maintenance_amount="135365",
                ),
                wallet="1535443.01",
            ),
            "binance",
            0,
            "liquidation_price",
            "1114.78",
            "0.005",
            id="R05",
        ),
        pytest.param(
            body(
                pos(
                    entry_price="32481.98",
                    quantity="109.488",
                    isolated_margin="1535443.01",
                    maintenance_margin_rate="0.025",
                    maintenance_amount="16300",
                ),
                wallet="1535443.01",
            ),
            "binance",
            0,
            "liquidation_price",
            "18778.73",
            "0.005",
            id="R06",
        ),
        pytest.param(
            body(
                pos(
                    side="short",
                    leverage="5",
                    entry_price="10",
                    quantity="1",
                    maintenance_margin_rate="0.01",
                    maintenance_amount="0.01",
                )
            ),
            "binance",
            0,
            "liquidation_price",
            "11.891089108910891",
            "1e-9",
            id="R07-short-5x",
        ),
        pytest.param(
            body(
                pos(
                    leverage="5",
                    entry_price="10",
                    quantity="1",
                    maintenance_margin_rate="0.01",
                    maintenance_amount="0.01",
                )
            ),
            "binance",
            0,
            "liquidation_price",
            "8.070707070707071",
            "1e-9",
            id="R07-long-5x",
        ),
        pytest.param(
            body(
                pos(
                    leverage="3",
                    entry_price="10",
                    quantity="1",
                    maintenance_margin_rate="0.01",
                    maintenance_amount="0.01",
                )
            ),
            "binance",
            0,
            "liquidation_price",
            "6.723905723905724",
            "1e-9",
            id="R07-long-3x",
        ),
        pytest.param(
            body(
                pos(
                    entry_price="20000",
                    quantity="1",
                    leverage="50",
                    maintenance_margin_rate="0.005",
                ),
                parameters_as_of="2025-09-01",  # Bybit's rule before its mark-price basis
            ),
            "bybit",
            0,
            "liquidation_price",
            "19700",
            "0",
            id="R08",
        ),
        pytest.param(
            body(
                pos(
                    entry_price="10000",
                    quantity="1",
                    leverage="50",
                    maintenance_margin_rate="0.005",
                )
            ),
            "bybit",
            0,
            "maintenance_margin",
            "50",
            "0",
            id="R09",
        ),
        pytest.param(
            body(pos(entry_price="5000", mark_price="5500", quantity="1")),
            "binance",
            0,
            "unrealized_pnl",
            "500",
            "0",
            id="R10",
        ),
        pytest.param(
            body(dict(W6, maintenance_margin_rate="0.005"), wallet="5000"),
            "binance",
            0,
            "liquidation_price",
            "58793.97",
            "0.005",
            id="R11-binance",
        ),
        pytest.param(
            body(W6, wallet="5000"),
            "binance",
            0,
            "liquidation_price",
            "58734.94",
            "0.005",
            id="R11-tier-1",
        ),
        pytest.param(
            body(dict(W6, maintenance_margin_rate="0.005"), wallet="5000"),
            "textbook",
            0,
            "liquidation_price",
            "58825",
            "0.005",
            id="R11-textbook",
        ),
        pytest.param(
            body(W6, wallet="5000"),
            "binance",
            0,
            "bankruptcy_price",
            "58500",
            "0",
            id="R11-bankruptcy",
        ),
        pytest.param(
            body(pos(side="short", entry_price="60000", quantity="0.5", leverage="20")),
            "binance",
            0,
            "liquidation_price",
            "62749.00",
            "0.005",
            id="R12",
        ),
        pytest.param(
            body(
                pos(margin_mode="cross", entry_price="60000", quantity="0.5", leverage="20"),
                wallet="5000",
            ),
            "binance",
            0,
            "liquidation_price",
            "50200.80",
            "0.005",
            id="R13",
        ),
        pytest.param(
            body(
                pos(margin_mode="cross", entry_price="60000", quantity="1"),
                pos(
                    symbol="ETHUSDT",
                    margin_mode="cross",
                    entry_price="3000",
                    mark_price="2800",
                    quantity="10",
                    id="E",
                ),
                wallet="10000",
                parameters_as_of="2024-05-28",  # margin-reference.md's tables
            ),
            "binance",
            0,
            "liquidation_price",
            "52323.62",
            "0.005",
            id="R14",
        ),
        pytest.param(
            body(
                pos(entry_price="60000", quantity="1", isolated_margin="7000"),
                wallet="10000",
                parameters_as_of="2024-05-28",
            ),
            "binance",
            0,
            "liquidation_price",
            "53216.08",
            "0.005",
            id="R15-top-up",
        ),
        pytest.param(
            body(
                pos(entry_price="50000", quantity="20", leverage="20"),
                parameters_as_of="2024-05-28",
            ),
            "binance",
            0,
            "maintenance_margin",
            "5550",
            "0",
            id="R16",
        ),
    ],
)
def test_reference_examples_through_the_api(
    post_json, request_body, venue, index, figure, expected, tolerance
):
    response = post_json(URL, {**request_body, "venue": venue})
    assert response.status_code == 200, response.content
    value = response.json()["positions"][index][figure]
    assert isinstance(value, str)
    assert near(value, expected, tolerance)


def test_the_issue_example_answers_with_every_binding_field(post_json):
    response = post_json(URL, EXAMPLE_REQUEST)
    assert response.status_code == 200
    data = response.json()
    assert data["engine_version"] == ENGINE_VERSION
    assert data["venue"] == "binance"
    position = data["positions"][0]
    position_fields = (
        "id symbol side margin_mode quantity notional initial_margin maintenance_margin "
        "unrealized_pnl liquidation_price bankruptcy_price distance_to_liquidation open_fee "
        "order_cost status"
    )
    assert set(position_fields.split()) <= set(position)
    account_fields = (
        "wallet_balance margin_balance total_maintenance_margin available_balance margin_ratio"
    )
    assert set(account_fields.split()) <= set(data["account"])
    assert data["account"]["wallet_balance"] == "5000"
    assert data["account"]["cross_wallet_balance"] == "4000"
    # the path falls to 57,200, below the bankruptcy price: the fund pays the gap
    assert data["events"] == [
        {
            "step": 2,
            "type": "liquidation",
            "position": "A",
            "price": "57200",
            "loss": "1000",
            "insurance_fund": "-200",
        },
    ]
    assert data["final"]["positions"][0]["status"] == "liquidated"
    assert data["final"]["account"]["wallet_balance"] == "4000"
    assert data["final"]["equity"][0] == "5000"


def test_numbers_are_accepted_as_json_numbers_without_float_rounding(post_json):
    as_numbers = body(pos(entry_price=65000.1, quantity=0.3, leverage=10), wallet=100000)
    as_strings = body(pos(entry_price="65000.1", quantity="0.3", leverage="10"), wallet="100000")
    first = post_json(URL, as_numbers).json()["positions"][0]
    second = post_json(URL, as_strings).json()["positions"][0]
    assert first == second
    assert first["notional"] == "19500.03"  # 0.3 x 65000.1, exact


def test_every_number_in_the_response_is_a_string_or_null(post_json):
    data = post_json(URL, EXAMPLE_REQUEST).json()
    numbers = [
        v
        for k, v in data["positions"][0].items()
        if k not in ("id", "symbol", "side", "margin_mode", "contract", "collateral", "status")
    ]
    assert all(v is None or isinstance(v, str) for v in numbers)
    assert all("e" not in v.lower() for v in numbers if v)


def test_optional_fields_take_the_markets_defaults(post_json):
    response = post_json(
        URL,
        body(
            {
                "symbol": "ETHUSDT",
                "side": "short",
                "margin_mode": "cross",
                "quantity": "1",
                "leverage": "5",
            },
            wallet="10000",
        ),
    )
    position = response.json()["positions"][0]
    assert position["id"] == "1"
    assert position["entry_price"] == "1986"
    assert position["mark_price"] == "1986"
    assert position["maintenance_margin_rate"] == "0.004"


def test_cross_positions_are_liquidated_largest_loss_first(post_json):
    request = body(
        pos(id="btc", margin_mode="cross", entry_price="60000", quantity="1"),
        pos(id="eth", symbol="ETHUSDT", margin_mode="cross", entry_price="3000", quantity="10"),
        wallet="12000",
        path=[{"BTCUSDT": "49000", "ETHUSDT": "2900"}],
    )
    events = post_json(URL, request).json()["events"]
    assert [e["position"] for e in events if e["type"] == "liquidation"][0] == "btc"


def test_funding_and_fees_appear_as_events(post_json):
    request = body(
        pos(entry_price="60000", quantity="1", margin_mode="cross"),
        wallet="10000",
        taker_fee_rate="0.0005",
        funding_rate="0.0001",
        funding_every=1,
        path=[{"BTCUSDT": "60000"}],
    )
    data = post_json(URL, request).json()
    kinds = [(e["type"], e["loss"]) for e in data["events"]]
    assert kinds == [("fee", "30"), ("funding", "6")]
    assert data["final"]["account"]["wallet_balance"] == "9964"
    assert data["positions"][0]["open_fee"] == "30"
