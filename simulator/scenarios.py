"""Named market events to replay against a setup, shipped as data.

These paths are ILLUSTRATIVE: shaped after the kinds of moves the source material describes (a
cascade crash, an 8% weekend gap, a short squeeze, a slow bleed), not recorded exchange prices.
The page says so next to every replay.

Each event is a sequence of cumulative moves of the market (a fraction of the starting price, step
by step). A symbol follows the market scaled by its beta (altcoins move more than bitcoin), and a
price never falls below ``PRICE_FLOOR`` of its start, so every step is a valid mark price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PRICE_FLOOR = Decimal("0.05")

# How strongly each base asset follows the market move (bitcoin = 1). Illustrative, not fitted.
BETAS: dict[str, Decimal] = {
    "BTC": Decimal("1"),
    "ETH": Decimal("1.25"),
    "SOL": Decimal("1.6"),
    "BNB": Decimal("1.1"),
    "XRP": Decimal("1.4"),
    "DOGE": Decimal("1.7"),
    "ADA": Decimal("1.5"),
}
DEFAULT_BETA = Decimal("1.3")


def _moves(*percents: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(p) / 100 for p in percents)


@dataclass(frozen=True)
class MarketEvent:
    id: str
    title: str
    description: str
    step: str  # how long one step of the path lasts, in words
    moves: tuple[Decimal, ...]  # cumulative market move per step, as a fraction of the start
    concept_ids: tuple[str, ...] = ()
    source: str = "Illustrative path, not recorded prices."

    def path(self, start_prices: dict[str, Decimal], bases: dict[str, str]) -> list[dict]:
        """Mark prices per step for each symbol, from its start price and its base's beta."""
        steps = []
        for move in self.moves:
            prices = {}
            for symbol, start in start_prices.items():
                beta = BETAS.get(bases.get(symbol, ""), DEFAULT_BETA)
                factor = max(Decimal(1) + beta * move, PRICE_FLOOR)
                prices[symbol] = start * factor
            steps.append(prices)
        return steps


EVENTS: dict[str, MarketEvent] = {
    event.id: event
    for event in (
        MarketEvent(
            id="crash",
            title="Sudden crash",
            description=(
                "A liquidation cascade: the market drops 17% in under an hour, then claws part "
                "of it back. Altcoins fall further than bitcoin."
            ),
            step="5 minutes",
            moves=_moves("0", "-1", "-2.5", "-5", "-9", "-13", "-17", "-15", "-12", "-11", "-10"),
            concept_ids=("C14", "C07", "C15"),
        ),
        MarketEvent(
            id="weekend-gap",
            title="Weekend gap",
            description=(
                "A quiet Friday, then the market reopens 8% lower in a single step: the price "
                "jumps past levels where a stop or a top-up would have acted."
            ),
            step="4 hours",
            moves=_moves("0", "0.5", "0", "-0.5", "-8.5", "-8", "-7.5", "-8"),
            concept_ids=("C14", "C15", "C16"),
        ),
        MarketEvent(
            id="squeeze",
            title="Short squeeze",
            description=(
                "Shorts are forced to buy back: the price rips 22% higher in an hour, then fades."
            ),
            step="10 minutes",
            moves=_moves("0", "2", "5", "9", "14", "19", "22", "17", "14"),
            concept_ids=("C14", "C07"),
        ),
        MarketEvent(
            id="slow-bleed",
            title="Slow bleed",
            description=(
                "No drama: the market loses about 1% every four hours for four days while "
                "funding keeps being paid."
            ),
            step="4 hours",
            moves=tuple(Decimal(-step) / 100 for step in range(0, 25)),
            concept_ids=("C03", "C18"),
        ),
    )
}
