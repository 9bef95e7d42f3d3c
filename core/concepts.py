"""The academy's shared vocabulary: concept, worked-example and erratum ids.

Lessons, simulator presets and quiz questions are tagged with these ids, so coverage can be checked
(every concept taught, every worked example a preset, every concept quizzed). The ids follow the
source material's concept map; the wording here is ours.
"""

import re
from collections.abc import Collection, Iterable
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
            "Bigger positions need a higher maintenance rate; the amount keeps tiers continuous.",
        ),
        Concept(
            "C25",
            "Partial liquidation and liquidation fees",
            "Exchanges may close part of a position first; fees can sit inside the price.",
        ),
        Concept(
            "C26",
            "Hedge mode",
            "A long and a short on one symbol at once, each with its own margin and liquidation.",
        ),
        Concept(
            "C27",
            "How the venues differ",
            "Mode scope, tiers, funding intervals and leftover margin differ by exchange.",
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
    "W2": "A 10 BTC account puts 2 BTC of isolated margin behind an inverse BTC long",
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

# The playbooks module's setups: simulator presets of their own, beside the source's examples.
PLAYBOOK_SETUPS: dict[str, str] = {
    "PB1": "The conviction trade: one idea, one capped envelope",
    "PB2": "The hedged pair: long bitcoin, short ether, one shared balance",
    "PB3": "A capped isolated sleeve beside a cross book",
    "PB4": "Holding for a month: what funding does to the buffer",
    "PB5": "Sizing from the stop: one per cent at risk",
}

# Every preset's learner-facing name, by preset id (ids stay in URLs and data).
PRESET_TITLES: dict[str, str] = WORKED_EXAMPLES | PLAYBOOK_SETUPS

ALL_IDS = (
    frozenset(CONCEPTS)
    | frozenset(WORKED_EXAMPLES)
    | frozenset(ERRATA)
    | frozenset(PLAYBOOK_SETUPS)
)


# --- concept ids as data: one format (a list of ids) and one check -----------------------------

_ID_SEPARATORS = re.compile(r"[\s,;\[\]\"']+")


def parse_concept_ids(value: str | Iterable[str]) -> list[str]:
    """The ids in `value`, upper-cased, in order, repeats dropped.

    Accepts what people type and what old data holds: "C04 C09", "C04, C09", even '["C04"]',
    or a list of ids. Unknown ids are kept (`concept_id_problem` names them).
    """
    parts = [value] if isinstance(value, str) else [str(item) for item in value]
    ids = [token.upper() for part in parts for token in _ID_SEPARATORS.split(part) if token]
    return list(dict.fromkeys(ids))


def _id_number(concept_id: str) -> tuple[str, int]:
    prefix = concept_id.rstrip("0123456789")
    return prefix, int(concept_id[len(prefix) :] or 0)


def describe_ids(ids: Iterable[str]) -> str:
    """A catalogue as ranges: "C01–C28, W1–W10, E1–E5" (in the order the prefixes appear)."""
    by_prefix: dict[str, list[str]] = {}
    for concept_id in ids:
        by_prefix.setdefault(_id_number(concept_id)[0], []).append(concept_id)
    ranges = []
    for members in by_prefix.values():
        members.sort(key=_id_number)
        ranges.append(members[0] if len(members) == 1 else f"{members[0]}–{members[-1]}")
    return ", ".join(ranges)


# The ids a quiz question or quiz may carry (mastery is kept per concept) and the ids a lesson or
# glossary term may be tagged with (concepts, worked examples, errata, playbook setups).
COURSE_CONCEPT_IDS: frozenset[str] = frozenset(CONCEPTS)
TAG_IDS: tuple[str, ...] = (*CONCEPTS, *WORKED_EXAMPLES, *ERRATA, *PLAYBOOK_SETUPS)


def concept_id_problem(value: object, known: Collection[str] = ALL_IDS) -> str | None:
    """What is wrong with `value` as stored concept ids (a list of known ids), or None.

    The message is written for an instructor reading it beside the field in the admin.
    """
    catalogue = describe_ids(concept_id for concept_id in (*TAG_IDS, *known) if concept_id in known)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"Concepts are a list of ids such as C04 C09 (known: {catalogue})."
    unknown = [concept_id for concept_id in dict.fromkeys(value) if concept_id not in known]
    if not unknown:
        return None
    if len(unknown) == 1:
        return f"{unknown[0]} is not a concept of the course; known: {catalogue}."
    return f"{', '.join(unknown)} are not concepts of the course; known: {catalogue}."
