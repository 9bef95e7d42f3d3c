"""Small builders for engine tests: a position or an account in one line."""

from __future__ import annotations

from decimal import Decimal

from margin import AccountSpec, PositionSpec

# margin-reference.md's computed examples use Binance's tables of 2024-05-28 (the "2024-10"
# snapshot); Bybit's help-center examples predate its mark-price margin rule of 2025-09-02.
BINANCE_2024_TABLES = "2024-05-28"
BYBIT_CLASSIC_DAY = "2025-09-01"


def position(**fields: object) -> PositionSpec:
    defaults: dict[str, object] = {
        "id": "A",
        "symbol": "BTCUSDT",
        "side": "long",
        "margin_mode": "isolated",
        "leverage": "10",
    }
    defaults.update(fields)
    # Strings on purpose: PositionSpec coerces them (to Side, MarginMode, Decimal) itself.
    return PositionSpec(**defaults)  # type: ignore[arg-type]


def account(*positions: PositionSpec, wallet: str = "100000000", **fields: object) -> AccountSpec:
    # Any AccountSpec field, as the test gives it; AccountSpec coerces and validates them.
    return AccountSpec(wallet_balance=Decimal(wallet), positions=positions, **fields)  # type: ignore[arg-type]


def close_to(value: Decimal | None, expected: str, tolerance: str) -> bool:
    assert value is not None
    return abs(value - Decimal(expected)) <= Decimal(tolerance)
