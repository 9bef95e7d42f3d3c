"""The academy's shared vocabulary: concept, worked-example and erratum ids.

Lessons, simulator presets and quiz questions are tagged with these ids, so coverage can be checked
(every concept taught, every worked example a preset, every concept quizzed). The ids follow the
source material's concept map; the wording here is ours.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    summary: str


CONCEPTS: dict[str, Concept] = {
    c.id: c
    for c in (
        Concept(
            "C01",
            "Margin trading and leverage",
            "Borrowed exposure magnifies gains and losses; fees and funding eat into returns.",
        ),
        Concept(
            "C02", "Initial margin", "Collateral to open a position: notional divided by leverage."
        ),
        Concept(
            "C03",
            "Maintenance margin and liquidation",
            "When equity falls to the maintenance requirement the position is force-closed.",
        ),
        Concept(
            "C04",
            "Isolated margin",
            "Collateral ring-fenced per position; the most it can lose is that margin.",
        ),
        Concept(
            "C05",
            "Cross margin",
            "The whole balance backs every cross position; further liquidation, bigger stake.",
        ),
        Concept(
            "C06",
            "Liquidation price",
            "Where maintenance is hit; higher leverage means a narrower buffer.",
        ),
        Concept(
            "C07",
            "Cross liquidation order",
            "An account below maintenance has positions closed one by one, winners included.",
        ),
        Concept(
            "C08",
            "Per-position leverage",
            "Isolated margin lets each trade carry its own leverage.",
        ),
        Concept(
            "C09",
            "Margin top-up",
            "Adding collateral moves an isolated liquidation price away from the market.",
        ),
        Concept(
            "C10",
            "Switching margin mode",
            "Only possible while the symbol has no open position or order.",
        ),
        Concept(
            "C11",
            "Capital efficiency",
            "Cross needs less pre-funded margin; isolated ties capital to each trade.",
        ),
        Concept(
            "C12",
            "Hedged portfolios",
            "Offsetting positions suit cross: one side's gain supports the other.",
        ),
        Concept(
            "C13",
            "Mixing modes",
            "Isolated for conviction trades, cross for hedges, in one account.",
        ),
        Concept(
            "C14", "Volatility and speed", "Large fast moves and weekend gaps beat manual top-ups."
        ),
        Concept(
            "C15",
            "Gap risk",
            "Price can jump past liquidation; isolated still loses at most its margin.",
        ),
        Concept(
            "C16",
            "Insurance fund, socialized loss and ADL",
            "Who pays when a liquidation closes beyond bankruptcy.",
        ),
        Concept(
            "C17",
            "Choosing a mode",
            "Isolated for beginners and speculative bets, cross for hedged, experienced use.",
        ),
        Concept(
            "C18",
            "Risk practice",
            "Position sizing, leverage caps, stops, ATR sizing, funding, a journal.",
        ),
        Concept(
            "C19",
            "Fees and where margin applies",
            "Fees follow volume, not mode; margin needs derivatives or lending.",
        ),
        Concept(
            "C20",
            "Collateral in a coin",
            "A balance held in a coin can back a trade in another asset; its value moves too.",
        ),
        # Concepts the course teaches beyond the source material's concept map.
        Concept(
            "C21",
            "Inverse (coin-margined) contracts",
            "Sized in dollars, margined and settled in the coin: profit and loss follow 1/price.",
        ),
        Concept(
            "C22",
            "Balances and the margin ratio",
            "Wallet, margin and available balance, and the ratio of maintenance to margin balance.",
        ),
        Concept(
            "C23",
            "Mark price and last price",
            "Liquidation follows the mark price, a fair price that a thin order book cannot push.",
        ),
        Concept(
            "C24",
            "Maintenance tiers and the maintenance amount",
            "Bigger positions need a higher maintenance "
            "rate; the amount keeps the tiers continuous.",
        ),
        Concept(
            "C25",
            "Partial liquidation and liquidation fees",
            "Exchanges may close part of a position "
            "first, and fees sit inside the liquidation price.",
        ),
        Concept(
            "C26",
            "Hedge mode",
            "A long and a short on one symbol at once, each with its own margin and liquidation.",
        ),
        Concept(
            "C27",
            "How the venues differ",
            "Mode scope, tiers, funding intervals and leftover "
            "margin differ from one exchange to another.",
        ),
        Concept(
            "C28",
            "Funding payments",
            "Periodic payments between longs and shorts that move balances and liquidation prices.",
        ),
    )
}

WORKED_EXAMPLES: dict[str, str] = {
    "W1": "5:1 leverage on $5,000: a 20% move doubles or wipes out the stake",
    "W2": "10 BTC account, 2 BTC isolated on an ETH trade",
    "W3": "$500 isolated behind a 10x ETH long in a $5,000 account",
    "W4": "Two isolated longs, BTC falls 12%",
    "W5": "The same two longs under cross margin",
    "W6": "10x isolated BTC long at $65,000: where is liquidation?",
    "W7": "Three isolated positions, an ETH rally liquidates the short",
    "W8": "Mixed modes: 30% isolated conviction trade, 70% cross hedges",
    "W9": "$1,000 isolated margin at 10x in a $10,000 account",
    "W10": "Long BTC / short ETH hedge when both fall together",
}

ERRATA: dict[str, str] = {
    "E1": "W6 is liquidated near $58,794-$58,825 after about a 9.5% fall, not $58,465 after 10%",
    "E2": "A top-up does not raise the liquidation price; it moves it away from the market",
    "E3": "A $1,000 position at 10x needs $100 margin; the $1,000 at risk is the margin",
    "E4": "Cross margin is not negative balance protection; it only shares collateral",
    "E5": "A 10x isolated long is liquidated near a 9.5% fall, before a 12% crash",
}

ALL_IDS = frozenset(CONCEPTS) | frozenset(WORKED_EXAMPLES) | frozenset(ERRATA)


def preset_url(worked_example_id: str) -> str:
    """The simulator preset for a worked example (a binding URL: lessons and quiz link to it)."""
    return f"/simulator/?preset={worked_example_id}"


def concept_lesson_url(concept_id: str) -> str:
    """The lesson that teaches a concept (a binding URL: the lessons app redirects it)."""
    return f"/learn/concepts/{concept_id}/"
