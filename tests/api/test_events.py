"""The recorded-event endpoints: the list, a replay, mark vs last, and their refusals."""

import pytest

from margin.events import NO_SERIES_FOR

pytestmark = pytest.mark.django_db

REPLAY = "/api/v1/events/black-thursday-2020/replay"
LONG = {"symbol": "BTCUSDT", "side": "long", "notional": "10000", "leverage": "1.9"}


def test_the_list_names_every_event_with_its_series_and_sources(client):
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    events = {e["slug"]: e for e in response.json()}
    assert len(events) == 9
    black = events["black-thursday-2020"]
    assert black["comparison"] == ["mark-1h", "last-1h"]
    assert [t["id"] for t in black["tracks"]] == ["mark-1h", "last-1h", "last-1m"]
    one_minute = black["tracks"][2]
    assert one_minute["candles"] == 1160
    assert one_minute["first_bar"] == "2020-03-12T09:36:00+00:00"
    assert one_minute["missing_bars"] == 0
    assert black["data_label"] == "Recorded market data, for education"
    assert any(f["source"] == "LedgerPrime research" for f in black["facts"])


def test_a_replay_on_the_mark_with_the_last_price_comparison(post_json):
    response = post_json(REPLAY, {"wallet_balance": "5300", "positions": [LONG]})
    assert response.status_code == 200
    body = response.json()
    assert body["track"] == "mark-1h"
    assert body["price_type"] == "mark"
    assert body["isolated"]["liquidated"] == []
    assert len(body["times"]) == 48
    assert len(body["isolated"]["equity_at_close"]) == 48
    comparison = body["comparison"]
    assert comparison["last_low"] == {"BTCUSDT": "3621.81"}
    assert comparison["mark_low"]["BTCUSDT"].startswith("3801.83")
    assert comparison["isolated"]["only_on_last"] == ["A"]
    assert comparison["cross"]["only_on_last"] == ["A"]


def test_the_one_minute_series_logs_the_liquidation_with_its_candle(post_json):
    body = post_json(
        REPLAY,
        {
            "wallet_balance": "5300",
            "track": "last-1m",
            "positions": [LONG | {"leverage": "2"}],
        },
    ).json()
    (entry,) = body["isolated"]["log"]
    assert entry == {
        "time": "2020-03-13T02:15:00+00:00",
        "candle_price": "low",
        "type": "liquidation",
        "position": "A",
        "positions": ["A"],
        "symbol": "BTCUSDT",
        "price": "3697",
        "cost": "5000",
        "insurance_fund": entry["insurance_fund"],
    }
    # at 2x from the hourly mark's open of 7,933.86 even the mark (low 3,801.83) liquidates
    assert body["comparison"]["isolated"]["mark_liquidated"] == ["A"]


def test_unknown_event_track_and_symbol_are_refused_clearly(client, post_json):
    response = post_json(
        "/api/v1/events/nothing/replay", {"wallet_balance": "1", "positions": [LONG]}
    )
    assert response.status_code == 404
    response = post_json(REPLAY, {"wallet_balance": "5300", "track": "x", "positions": [LONG]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "track"]
    response = post_json(
        REPLAY, {"wallet_balance": "5300", "positions": [LONG, LONG | {"symbol": "XRPUSDT"}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["body", "positions", 1, "symbol"],
        "msg": NO_SERIES_FOR.format(symbol="XRPUSDT"),
        "type": "margin_error",
    }
    response = post_json(
        REPLAY, {"wallet_balance": "5300", "positions": [LONG | {"leverage": "x"}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "positions", 0, "leverage"]


def test_the_schema_lists_the_event_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/events", "/api/v1/events/{slug}/replay"} <= set(paths)
