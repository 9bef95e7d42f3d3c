"""Funding-rate rules the venues publish: the rate from premium and interest, its caps, and
Binance's switch to hourly settlement.

Payments themselves (``s * notional * rate`` from the venue's wallet) are in ``replay``.
"""

from __future__ import annotations

from decimal import Decimal

from margin.evaluate import exact
from margin.margins import ZERO
from margin.model import to_decimal

# The +/-0.05% clamp of ``interest - premium`` (Binance, Bybit "What is funding rate", OKX,
# Hyperliquid docs "Funding").
INTEREST_CLAMP = Decimal("0.0005")
HOURS_PER_PERIOD = 8
# dYdX v4 docs "Funding": the 8-hour rate is capped at 600% x (IMF - MMF).
DYDX_CAP_MULTIPLE = Decimal("6")


@exact
def funding_rate(
    premium: Decimal | str | int,
    interest: Decimal | str | int,
    *,
    clamp: Decimal | str | int = INTEREST_CLAMP,
) -> Decimal:
    """The 8-hour funding rate ``F = P + clamp(I - P, -c, c)``: ``P`` the premium index, ``I`` the
    interest rate (Hyperliquid docs example: premium 1%, interest 0.01% -> F = 0.95%)."""
    p = to_decimal(premium, field_name="premium")
    i = to_decimal(interest, field_name="interest")
    c = to_decimal(clamp, field_name="clamp")
    return p + min(max(i - p, -c), c)


@exact
def hourly_rate(rate_per_8h: Decimal | str | int) -> Decimal:
    """Hyperliquid and dYdX settle every hour at 1/8 of the 8-hour rate."""
    return to_decimal(rate_per_8h, field_name="funding_rate") / HOURS_PER_PERIOD


@exact
def dydx_funding_cap(
    initial_margin_fraction: Decimal | str | int, maintenance_margin_fraction: Decimal | str | int
) -> Decimal:
    """dYdX v4's 8-hour funding cap, ``600% x (IMF - MMF)`` (docs "Funding": 12% for 5%/3%)."""
    imf = to_decimal(initial_margin_fraction, field_name="initial_margin_fraction")
    mmf = to_decimal(maintenance_margin_fraction, field_name="maintenance_margin_fraction")
    return max(ZERO, DYDX_CAP_MULTIPLE * (imf - mmf))


def binance_next_interval_hours(
    settled_rate: Decimal | str | int,
    *,
    cap: Decimal | str | int,
    interval_hours: int,
) -> int:
    """Binance, from 2025-05-02 08:00 UTC (announcement 3243c81a35bd4f0c86a37315c3dc96cc): when a
    settlement's rate reaches the cap or the floor (``-cap``), the next settlements are hourly.
    Only the rate *at the settlement* counts: touching the floor at 07:45 and settling at
    -0.25% at 08:00 changes nothing."""
    rate = to_decimal(settled_rate, field_name="funding_rate")
    limit = abs(to_decimal(cap, field_name="cap"))
    return 1 if abs(rate) >= limit else interval_hours
