"""The one place a number becomes text for a learner: every page, partial and API message uses it.

Plain Python, no Django (the template filters in ``core.templatetags.display`` wrap these). The
engine's figures stay exact; rounding happens here only, always ``DISPLAY_ROUNDING`` (half up, as
exchanges show figures), with thousands grouped by commas.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DISPLAY_ROUNDING = ROUND_HALF_UP
# Decimals a price shows, by its size: cents from $10 up (BTC, ETH, SOL), more for coins that
# trade near or below a dollar (XRP, DOGE, ADA).
PRICE_PLACES_BY_SIZE = ((Decimal(10), 2), (Decimal(1), 4))
SMALL_PRICE_PLACES = 6
COIN_PLACES = 8
# Quote currencies shown as dollars: USD and the dollar stablecoins the markets settle in.
DOLLAR_CURRENCIES = frozenset({"USD", "USDT", "USDC"})
NO_FIGURE = "\u2014"  # an em dash: no such figure (e.g. no liquidation price)


def group(value: Decimal, places: int) -> str:
    """`value` rounded half up to `places` decimals, thousands grouped: 58793.969 -> '58,793.97'."""
    quantum = Decimal(1).scaleb(-places)
    # "f": fixed point always; plain "," writes a small Decimal as "2E-8".
    return f"{value.quantize(quantum, rounding=DISPLAY_ROUNDING):,f}"


def price_places(value: Decimal) -> int:
    """Decimals a price needs to be useful: 2 for BTC, more for cheap coins."""
    size = abs(value)
    for at_least, places in PRICE_PLACES_BY_SIZE:
        if size >= at_least:
            return places
    return SMALL_PRICE_PLACES


def display(value: Decimal | int | None, kind: str) -> str:
    """One figure as text. `kind` says how it reads: money (2 decimals, no symbol), price, quantity,
    percent (a fraction), leverage, count, plain (up to 8 decimals). None reads as an em dash."""
    if value is None:
        return NO_FIGURE
    value = Decimal(value)
    if kind == "money":
        return group(value, 2)
    if kind == "price":
        return price(value)
    if kind == "quantity":
        return _trimmed(group(value, 6))
    if kind == "plain":
        return _trimmed(group(value, COIN_PLACES))
    if kind == "percent":
        return percent(value)
    if kind == "leverage":
        return _trimmed(group(value, 2)) + "x"
    if kind == "count":
        return group(value, 0)
    raise ValueError(f"unknown figure kind {kind!r}")


def money(value: Decimal | None, currency: str = "USDT") -> str:
    """An amount of money: '$1,234.50' (and '-$1,200.00') in dollars, '0.0125 BTC' in a coin
    (up to 8 decimals, at least 2)."""
    if value is None:
        return NO_FIGURE
    if currency in DOLLAR_CURRENCIES:
        text = group(abs(value), 2)
        sign = "-" if value.quantize(Decimal("0.01"), rounding=DISPLAY_ROUNDING) < 0 else ""
        return f"{sign}${text}"
    whole, _, decimals = group(value, COIN_PLACES).partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')} {currency}"


def price(value: Decimal | None) -> str:
    """A price, to the places its size needs: '58,793.97', '3.7214', '0.162345'."""
    if value is None:
        return NO_FIGURE
    return group(value, price_places(value))


def percent(fraction: Decimal | None, places: int = 2) -> str:
    """A fraction as a percentage: Decimal('0.0953') -> '9.53%'."""
    if fraction is None:
        return NO_FIGURE
    return group(fraction * 100, places) + "%"


def signed_percent(percent_value: Decimal) -> str:
    """A move already in per cent, with its sign: -12 -> '-12', 5.5 -> '+5.5'."""
    text = f"{percent_value.normalize():f}"
    return text if percent_value <= 0 else f"+{text}"


def _trimmed(text: str) -> str:
    """'0.500000' -> '0.5', '10.00' -> '10': decimals only where they carry something."""
    return text.rstrip("0").rstrip(".") if "." in text else text
