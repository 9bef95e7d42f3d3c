"""The OpenAPI schema and the interactive docs, served without any CDN."""

from django.contrib.staticfiles import finders


def test_openapi_schema_lists_both_endpoints_with_the_binding_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/simulate", "/api/v1/monte-carlo"} <= set(schema["paths"])
    components = schema["components"]["schemas"]
    position_in = components["PositionIn"]["properties"]
    for field in (
        "symbol",
        "contract",
        "side",
        "margin_mode",
        "entry_price",
        "quantity",
        "notional",
        "contracts",
        "contract_size",
        "leverage",
        "isolated_margin",
        "mark_price",
        "maintenance_margin_rate",
        "maintenance_amount",
        "max_leverage",
    ):
        assert field in position_in
    # decimals are documented as strings or numbers, with the engine's bounds
    number = next(kind for kind in position_in["leverage"]["anyOf"] if kind["type"] == "number")
    assert number == {"type": "number", "exclusiveMinimum": 0}
    seed = components["MonteCarloIn"]["properties"]["seed"]
    assert seed["type"] == "integer"
    assert "liquidation_price" in components["PositionOut"]["properties"]


def test_docs_page_loads_swagger_from_our_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the settings are a JSON data block
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset
