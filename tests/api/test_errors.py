"""Every error path of the API answers 422 with the path of the bad field, never 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.endpoints import MAX_POSITIONS, TOO_MANY_DECIMALS
from margin import errors

URL = "/api/v1/simulate"


def pos(**fields):
    return {
        "symbol": "BTCUSDT",
        "side": "long",
        "margin_mode": "isolated",
        "leverage": "10",
        "entry_price": "60000",
        "quantity": "0.1",
        **fields,
    }


def body(*positions, **fields):
    return {"wallet_balance": "10000", "positions": list(positions or [pos()]), **fields}


def only_error(response):
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert len(detail) == 1, detail
    return detail[0]


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        ("{not json", ["body"]),
        ("", ["body"]),
        ('{"wallet_balance": NaN, "positions": []}', ["body"]),
        ('{"wallet_balance": "1", "positions": [' + "1" * 5000 + "]}", ["body"]),
        ("[]", ["body"]),
        ('"text"', ["body"]),
    ],
)
def test_malformed_bodies_answer_422(post_json, raw, loc):
    response = post_json(URL, raw, raw=True)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][: len(loc)] == loc


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        ({"leverage": "abc"}, ["body", "positions", 0, "leverage"], errors.NOT_A_NUMBER),
        ({"leverage": True}, ["body", "positions", 0, "leverage"], errors.NOT_A_NUMBER),
        ({"leverage": [10]}, ["body", "positions", 0, "leverage"], errors.NOT_A_NUMBER),
        (
            {"entry_price": "1e400"},
            ["body", "positions", 0, "entry_price"],
            errors.NUMBER_TOO_LARGE,
        ),
        ({"quantity": "9" * 40}, ["body", "positions", 0, "quantity"], errors.NUMBER_TOO_LARGE),
        ({"quantity": "0." + "1" * 30}, ["body", "positions", 0, "quantity"], TOO_MANY_DECIMALS),
        ({"quantity": "Infinity"}, ["body", "positions", 0, "quantity"], errors.NOT_A_NUMBER),
        (
            {"leverage": "500"},
            ["body", "positions", 0, "leverage"],
            errors.LEVERAGE_ABOVE_MAXIMUM.format(leverage="500", maximum="150"),
        ),
        ({"leverage": "0"}, ["body", "positions", 0, "leverage"], errors.NON_POSITIVE_LEVERAGE),
        ({"entry_price": "-5"}, ["body", "positions", 0, "entry_price"], errors.NON_POSITIVE_PRICE),
        ({"mark_price": "0"}, ["body", "positions", 0, "mark_price"], errors.NON_POSITIVE_PRICE),
        ({"quantity": "0"}, ["body", "positions", 0, "quantity"], errors.NON_POSITIVE_SIZE),
        ({"notional": "100"}, ["body", "positions", 0, "notional"], errors.ONE_SIZE_ONLY),
        (
            {"isolated_margin": "1"},
            ["body", "positions", 0, "isolated_margin"],
            errors.ISOLATED_MARGIN_BELOW_INITIAL.format(initial_margin="600"),
        ),
        (
            {"margin_mode": "cross", "isolated_margin": "700"},
            ["body", "positions", 0, "isolated_margin"],
            errors.TOP_UP_ON_CROSS,
        ),
        (
            {"maintenance_margin_rate": "2"},
            ["body", "positions", 0, "maintenance_margin_rate"],
            errors.RATE_OUT_OF_RANGE,
        ),
        (
            {"contract": "inverse"},
            ["body", "positions", 0, "contract"],
            errors.WRONG_CONTRACT_KIND.format(symbol="BTCUSDT", kind="linear"),
        ),
        (
            {"bracket_table": "nope"},
            ["body", "positions", 0, "bracket_table"],
            errors.UNKNOWN_BRACKET_TABLE.format(name="nope"),
        ),
    ],
)
def test_a_bad_position_field_is_pointed_at(post_json, change, loc, message):
    error = only_error(post_json(URL, body(pos(**change))))
    assert error["loc"] == loc
    assert error["msg"] == message


def test_a_margin_error_points_at_the_right_position_index(post_json):
    request = body(
        pos(id="first"), pos(id="second", symbol="ETHUSDT", entry_price="3000", leverage="500")
    )
    error = only_error(post_json(URL, request))
    assert error["loc"] == ["body", "positions", 1, "leverage"]
    assert error["type"] == "margin_error"


@pytest.mark.parametrize(
    ("request_body", "loc"),
    [
        ({"wallet_balance": "10000", "positions": []}, ["body", "positions"]),
        (
            body(
                *[
                    pos(
                        id=str(i),
                        side="short" if i % 2 else "long",
                        symbol=["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT"][i % 5],
                    )
                    for i in range(MAX_POSITIONS + 1)
                ]
            ),
            ["body", "positions"],
        ),
        ({"positions": [pos()]}, ["body", "wallet_balance"]),
        (body(venue="mtgox"), ["body", "venue"]),
        (body(surprise="field"), ["body", "surprise"]),
        (body(pos(symbol="NOPEUSDT")), ["body", "positions", 0, "symbol"]),
        (body(pos(side="up")), ["body", "positions", 0, "side"]),
        (body(pos(leverage=None)), ["body", "positions", 0, "leverage"]),
        (body(pos(colour="red")), ["body", "positions", 0, "colour"]),
        (body(wallet_balance="-1"), ["body", "wallet_balance"]),
        (body(wallet_balance="100"), ["body", "wallet_balance"]),
        (body(taker_fee_rate="1.5"), ["body", "taker_fee_rate"]),
        (body(funding_every=0), ["body", "funding_every"]),
        (body(path=[{"ETHUSDT": "3000"}]), ["body", "path"]),
        (body(path=[{"BTCUSDT": "-1"}]), ["body", "path"]),
        (body(path=[{"FOOUSDT": "1"}]), ["body", "path", 0]),
        (body(path=[{"BTCUSDT": "x"}]), ["body", "path", 0, "BTCUSDT"]),
        (body(path=[{"BTCUSDT": "1"}] * 1001), ["body", "path"]),
        (body(path="up"), ["body", "path"]),
        (
            body(pos(id="A"), pos(id="A", symbol="ETHUSDT", entry_price="3000")),
            ["body", "positions", 1, "id"],
        ),
        (
            body(pos(), pos(id="B", side="short", margin_mode="cross")),
            ["body", "positions", 1, "margin_mode"],
        ),
    ],
)
def test_bad_account_inputs_answer_422_with_their_path(post_json, request_body, loc):
    response = post_json(URL, request_body)
    assert response.status_code == 422, response.content
    locs = [error["loc"][: len(loc)] for error in response.json()["detail"]]
    assert loc in locs
    assert all(error["msg"] for error in response.json()["detail"])


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["1e999", "-0", "0.000001", "1" * 30, "NaN"]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
POSITION_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(JSON_VALUES, st.sampled_from(["60000", "10", "0.5", "1", "0", "-3"]))
        for name in (
            "symbol",
            "side",
            "margin_mode",
            "entry_price",
            "quantity",
            "notional",
            "leverage",
            "isolated_margin",
            "mark_price",
            "maintenance_margin_rate",
            "maintenance_amount",
            "contracts",
            "contract_size",
            "max_leverage",
        )
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    wallet=st.one_of(JSON_VALUES, st.sampled_from(["10000", "0"])),
    positions=st.lists(st.one_of(POSITION_FIELDS, st.builds(pos)), max_size=3),
    path=st.one_of(st.just([]), JSON_VALUES),
)
def test_any_json_gets_200_or_422_never_500(post_json, wallet, positions, path):
    request = {"wallet_balance": wallet, "positions": positions, "path": path}
    response = post_json(URL, json.loads(json.dumps(request)))
    assert response.status_code in (200, 422)


def test_a_body_over_the_upload_limit_is_refused_without_a_server_error(post_json, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(URL, body(path=[{"BTCUSDT": "60000"}] * 200))
    assert response.status_code in (400, 413, 422)


def test_deeply_nested_json_answers_422(post_json):
    response = post_json(URL, "[" * 100_000 + "]" * 100_000, raw=True)
    assert response.status_code == 422
