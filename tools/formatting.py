"""Display rounding for the calculators' figures (the figures themselves stay exact).

Plain Python, no Django: rounding half up, thousands grouped with commas, as exchanges show them.
"""

from decimal import ROUND_HALF_UP, Decimal

PRICE_PLACES_BY_SIZE = ((Decimal(1000), 2), (Decimal(10), 4), (Decimal(1), 5))
SMALL_PRICE_PLACES = 6


def group(value: Decimal, places: int) -> str:
    """`value` rounded half up to `places` decimals, thousands grouped: 58793.969 -> '58,793.97'."""
    quantum = Decimal(1).scaleb(-places)
    # "f": fixed point always; plain "," writes a small Decimal as "2E-8".
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,f}"


def price_places(value: Decimal) -> int:
    """Decimals a price needs to be useful: 2 for BTC, more for cheap coins."""
    size = abs(value)
    for at_least, places in PRICE_PLACES_BY_SIZE:
        if size >= at_least:
            return places
    return SMALL_PRICE_PLACES


def display(value: Decimal | int | None, kind: str) -> str:
    """One figure as text. `kind` says how it reads: money, price, quantity, percent (a fraction),
    leverage, count, plain (up to 8 decimals). None (no such figure, e.g. no liquidation price)
    reads as an em dash."""
    if value is None:
        return "\u2014"
    value = Decimal(value)
    if kind == "money":
        return group(value, 2)
    if kind == "price":
        return group(value, price_places(value))
    if kind == "quantity":
        return _trimmed(group(value, 6))
    if kind == "plain":
        return _trimmed(group(value, 8))
    if kind == "percent":
        return group(value * 100, 2) + "%"
    if kind == "leverage":
        return _trimmed(group(value, 2)) + "x"
    if kind == "count":
        return group(value, 0)
    raise ValueError(f"unknown figure kind {kind!r}")


def _trimmed(text: str) -> str:
    """'0.500000' -> '0.5', '10.00' -> '10': decimals only where they carry something."""
    return text.rstrip("0").rstrip(".") if "." in text else text
