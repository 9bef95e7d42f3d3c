"""Margin Academy's margin engine: plain Python, exact ``Decimal`` arithmetic, no Django.

The public API (see README "The margin engine") is re-exported here; every figure the site shows
comes from these functions.
"""

from margin.compare import ModeComparison, ModeOutcome, compare_modes
from margin.errors import MarginError
from margin.evaluate import (
    AccountResult,
    Evaluation,
    LiquidationBasis,
    PositionResult,
    evaluate,
)
from margin.explain import Step, explain
from margin.margins import initial_margin_of
from margin.markets import (
    BRACKET_TABLES,
    MARKETS,
    Bracket,
    BracketTable,
    ContractKind,
    Market,
    bracket_for,
)
from margin.model import (
    AccountSpec,
    MarginMode,
    PositionSpec,
    Side,
    shock,
    switch_margin_mode,
    top_up,
    with_margin_mode,
)
from margin.montecarlo import (
    MAX_PATH_STEPS,
    ModeRisk,
    MonteCarloResult,
    run_monte_carlo,
)
from margin.replay import MAX_REPLAY_STEPS, Event, Replay, replay
from margin.sizing import max_open_notional
from margin.venues import DEFAULT_VENUE, VENUES, Venue

# Bump when any result changes (a table, a formula, a default).
ENGINE_VERSION = "2026.11.1"

__all__ = [
    "BRACKET_TABLES",
    "DEFAULT_VENUE",
    "ENGINE_VERSION",
    "MARKETS",
    "MAX_PATH_STEPS",
    "MAX_REPLAY_STEPS",
    "VENUES",
    "AccountResult",
    "AccountSpec",
    "Bracket",
    "BracketTable",
    "ContractKind",
    "Evaluation",
    "Event",
    "LiquidationBasis",
    "MarginError",
    "MarginMode",
    "Market",
    "ModeComparison",
    "ModeOutcome",
    "ModeRisk",
    "MonteCarloResult",
    "PositionResult",
    "PositionSpec",
    "Replay",
    "Side",
    "Step",
    "Venue",
    "bracket_for",
    "compare_modes",
    "evaluate",
    "explain",
    "initial_margin_of",
    "max_open_notional",
    "replay",
    "run_monte_carlo",
    "shock",
    "switch_margin_mode",
    "top_up",
    "with_margin_mode",
]
