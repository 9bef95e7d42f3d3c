"""The engine's one domain exception and its messages.

Messages are module constants so that tests, forms and the JSON API can match them exactly.
"""

from __future__ import annotations

NON_POSITIVE_PRICE = "Prices must be greater than zero."
NON_POSITIVE_SIZE = "The position size must be greater than zero."
ONE_SIZE_ONLY = "Give the size once: a quantity, a notional, or contracts with a contract size."
NON_POSITIVE_LEVERAGE = "Leverage must be greater than zero."
LEVERAGE_ABOVE_MAXIMUM = "Leverage {leverage}x is above the maximum of {maximum}x for this size."
ISOLATED_MARGIN_BELOW_INITIAL = (
    "The isolated margin must be at least the initial margin ({initial_margin})."
)
TOP_UP_ON_CROSS = "A cross position has no isolated margin to top up: leave it empty."
MODE_SWITCH_WITH_OPEN_POSITION = (
    "{symbol} has an open position: close it before switching its margin mode."
)
MIXED_MODES_ON_SYMBOL = "All positions on {symbol} must use the same margin mode."
CONFLICTING_MARKS = "Positions on {symbol} give different mark prices."
DUPLICATE_ID = "Another position already uses the id {position_id!r}."
UNKNOWN_SYMBOL = "Unknown symbol {symbol!r}."
UNKNOWN_VENUE = "Unknown venue {venue!r}."
UNKNOWN_BRACKET_TABLE = "Unknown bracket table {name!r}."
WRONG_CONTRACT_KIND = "{symbol} is a {kind} contract."
WRONG_COLLATERAL = "{symbol} is margined in {needed}, but the account holds {collateral}."
NEGATIVE_WALLET = "The wallet balance cannot be negative."
ISOLATED_MARGINS_EXCEED_WALLET = (
    "The isolated margins ({isolated}) exceed the wallet balance ({wallet})."
)
CROSS_MARGIN_EXCEEDS_WALLET = (
    "The cross positions need {initial_margin} of initial margin, more than the "
    "{available} left in the cross wallet."
)
RATE_OUT_OF_RANGE = "Rates are fractions between 0 and 1 (0.005 means 0.5%)."
FEE_RATE_OUT_OF_RANGE = "Fee rates are fractions between 0 and 1 (0.0005 means 0.05%)."
FUNDING_RATE_OUT_OF_RANGE = "Funding rates are fractions between -1 and 1 (0.0001 means 0.01%)."
NEGATIVE_MAINTENANCE_AMOUNT = "The maintenance amount cannot be negative."
NON_POSITIVE_MAX_LEVERAGE = "The maximum leverage must be greater than zero."
TOO_MANY_POSITIONS = "At most {maximum} positions per account."
NO_POSITIONS = "Add at least one position."
PATH_TOO_LONG = "At most {maximum} steps in a price path."
PATH_UNKNOWN_SYMBOL = "The path moves {symbol}, which no position holds."
UNKNOWN_FIGURE = "There is no explanation for {figure!r}."
NOT_A_NUMBER = "Enter a number."
BAD_DATE = "Give the date as YYYY-MM-DD (for example 2024-05-28)."
NO_VENUE_TABLE = (
    "{venue} has no {symbol} tiers in the engine{when}: enter the maintenance margin rate "
    "(and amount) your exchange shows."
)
NO_TABLE_THAT_OLD = " on {day} (its oldest table is of {oldest})"
PAST_PUBLISHED_TIERS = (
    "{table}'s published tiers end at {cap} {unit}: enter the maintenance margin rate (and "
    "amount) your exchange shows for a larger position."
)
MODE_SCOPE_ACCOUNT = (
    "{venue} sets one margin mode for the whole account: make every position {mode} or every "
    "position the other mode."
)
NUMBER_TOO_LARGE = "This number is too large."
BAD_SHOCK = "A shock is a fraction above -1 (-0.12 means a 12% fall)."
MONTE_CARLO_TOO_LARGE = "paths x steps is {path_steps}; the limit is {maximum} path-steps per run."
MONTE_CARLO_TOO_COSTLY = (
    "paths x steps x symbols is {paths:,} x {steps:,} x {symbols} = {work:,}; the limit is "
    "{maximum:,} per run: use fewer paths, longer steps or fewer symbols."
)
MONTE_CARLO_BAD_CORRELATION = "The correlations must form a valid correlation matrix."
MONTE_CARLO_BAD_VOLATILITY = (
    "Volatility is an annualised fraction between 0 and 10 (0.6 means 60%)."
)
MONTE_CARLO_BAD_GRID = "The horizon must be at least one step, and steps at least one minute."
MONTE_CARLO_BAD_PATHS = "Run between 1 and {maximum} paths."


class MarginError(ValueError):
    """A setup the engine (or the exchange) refuses.

    ``field`` names the offending input (the words of ``PositionSpec``/``AccountSpec``) and
    ``position_id`` the position it belongs to, so a form or the API can put the message
    beside the right box.
    """

    def __init__(self, message: str, *, field: str | None = None, position_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.position_id = position_id
