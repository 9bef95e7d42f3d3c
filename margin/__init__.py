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
from margin.margins import initial_margin_of, top_up
from margin.markets import (
    BRACKET_TABLES,
    MARKETS,
    PARAMETER_TABLES,
    Bracket,
    BracketTable,
    ContractKind,
    Market,
    TierUnit,
    bracket_for,
    table_for,
    tables_of,
)
from margin.match import Match, MatchStep, adverse_round, match_exchange
from margin.model import (
    AccountSpec,
    MarginMode,
    PositionSpec,
    Side,
    shock,
    switch_margin_mode,
    with_margin_mode,
)
from margin.montecarlo import (
    MAX_PATH_STEPS,
    ModeRisk,
    MonteCarloResult,
    run_monte_carlo,
)
from margin.replay import (
    MAX_REPLAY_STEPS,
    Event,
    Prepared,
    Replay,
    marked_to,
    prepare,
    replay,
    replay_prepared,
)
from margin.sizing import max_open_notional
from margin.venues import DEFAULT_VENUE, VENUES, FundingSource, ModeScope, Venue

# Bump when any result changes (a table, a formula, a default).
ENGINE_VERSION = "2026.12.1"

__all__ = [
    "BRACKET_TABLES",
    "DEFAULT_VENUE",
    "ENGINE_VERSION",
    "MARKETS",
    "MAX_PATH_STEPS",
    "MAX_REPLAY_STEPS",
    "PARAMETER_TABLES",
    "VENUES",
    "AccountResult",
    "AccountSpec",
    "Bracket",
    "BracketTable",
    "ContractKind",
    "Evaluation",
    "Event",
    "FundingSource",
    "LiquidationBasis",
    "MarginError",
    "MarginMode",
    "Market",
    "Match",
    "MatchStep",
    "ModeScope",
    "ModeComparison",
    "ModeOutcome",
    "ModeRisk",
    "MonteCarloResult",
    "PositionResult",
    "PositionSpec",
    "Replay",
    "Side",
    "Step",
    "TierUnit",
    "Venue",
    "adverse_round",
    "bracket_for",
    "compare_modes",
    "evaluate",
    "explain",
    "initial_margin_of",
    "match_exchange",
    "max_open_notional",
    "marked_to",
    "prepare",
    "Prepared",
    "replay",
    "replay_prepared",
    "run_monte_carlo",
    "shock",
    "switch_margin_mode",
    "table_for",
    "tables_of",
    "top_up",
    "with_margin_mode",
]
