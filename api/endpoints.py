"""The engine's JSON API, ``/api/v1/`` (django-ninja).

Stable for other parts of the site and outside users: field names are binding (issue 3). Numbers
travel as decimal strings (accepted as strings or JSON numbers; JSON numbers are read as decimals,
never through a float). Every bad input answers 422 with the path of the bad field:
``{"detail": [{"loc": ["body", "positions", 0, "leverage"], "msg": "...", "type": "..."}]}``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from margin import (
    ENGINE_VERSION,
    MARKETS,
    VENUES,
    AccountResult,
    AccountSpec,
    Evaluation,
    MarginError,
    PositionResult,
    PositionSpec,
    evaluate,
    initial_margin_of,
    replay,
)
from margin import errors as engine_errors
from margin.match import match_exchange
from margin.montecarlo import (
    DEFAULT_HORIZON_HOURS,
    DEFAULT_PATHS,
    DEFAULT_STEP_MINUTES,
    MAX_PATH_STEPS,
    MAX_PATHS,
    run_monte_carlo,
)
from simulator.forms import MAX_POSITIONS

# Requests are capped so one call stays a fraction of a second: documented in the README. The
# position cap is the simulator's own (one account, one limit, wherever it is entered).
MAX_PATH_LENGTH = 1_000
# Inputs beyond these are refused with a message rather than computed.
MAX_ABSOLUTE = Decimal("1e15")
MAX_DECIMAL_PLACES = 18
# Responses: decimal strings rounded half-even to this many places, trailing zeros dropped.
RESPONSE_PLACES = Decimal("1e-12")
# Figures are written out up to this size (inputs below 1e15 reach about 1e18 through leverage);
# a figure beyond it is refused with a message naming it rather than written as digits.
MAX_OUTPUT = Decimal("1e24")
OUTPUT_DIGITS = 60  # enough for MAX_OUTPUT with 12 decimals, far beyond the 28 of the default

MALFORMED_JSON = "The request body is not valid JSON."
TOO_MANY_DECIMALS = f"Use at most {MAX_DECIMAL_PLACES} decimal places."
BODY_TOO_LARGE = "The request body is larger than {limit:,} bytes; send fewer path steps."
UNEXPECTED_ARITHMETIC = "These numbers cannot be computed together; check the sizes and prices."
FIGURE_TOO_LARGE = (
    "The {figure} comes to more than 10^24; check the sizes and prices of the positions."
)


class FigureTooLarge(ArithmeticError):
    """A result beyond ``MAX_OUTPUT``: named, so the 422 says which figure."""

    def __init__(self, figure: str):
        super().__init__(figure)
        self.figure = figure


class DecimalJSONParser(Parser):
    """JSON with numbers read as Decimal (no float on the way) and NaN/Infinity refused."""

    def parse_body(self, request: HttpRequest) -> Any:
        def refuse(constant: str) -> None:
            raise ValueError(f"{constant} is not a number")

        return json.loads(request.body, parse_float=Decimal, parse_constant=refuse)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", engine_errors.NOT_A_NUMBER)
    if isinstance(value, float):  # only reachable from Python callers, not from JSON
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace("_", "x")  # Decimal would accept "1_000"
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        raise PydanticCustomError("decimal_parsing", engine_errors.NOT_A_NUMBER) from None
    if not number.is_finite():
        raise PydanticCustomError("decimal_parsing", engine_errors.NOT_A_NUMBER)
    # copy_abs and as_tuple, not abs() and normalize(): those round in the decimal context and
    # raise Overflow on "1e999999999" (a 500) or quietly turn "1e-999999999" into 0.
    if number.copy_abs() >= MAX_ABSOLUTE:
        raise PydanticCustomError("decimal_too_large", engine_errors.NUMBER_TOO_LARGE)
    _sign, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    # Finite (checked above), so the exponent is an int, never "n", "N" or "F": hence the ignore.
    places = -(exponent + trailing_zeros)  # type: ignore[operator]
    if number != 0 and places > MAX_DECIMAL_PLACES:
        raise PydanticCustomError("decimal_max_places", TOO_MANY_DECIMALS)
    return number


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}],
            "description": "A decimal number, as a string (preferred) or a JSON number.",
        }
    ),
]
POSITIVE_PATTERN = r"^(\d*[1-9]\d*(\.\d+)?|\d+\.\d*[1-9]\d*)$"
NON_NEGATIVE_PATTERN = r"^\d+(\.\d+)?$"
# The same decimals, documented with the bounds the engine enforces (it answers 422 beyond them).
PositiveDecimalIn = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": POSITIVE_PATTERN},
                {"type": "number", "exclusiveMinimum": 0},
            ],
            "description": "A decimal number above zero, as a string (preferred) or a number.",
        }
    ),
]
NonNegativeDecimalIn = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": NON_NEGATIVE_PATTERN},
                {"type": "number", "minimum": 0},
            ],
            "description": "A decimal number of zero or more, as a string or a number.",
        }
    ),
]
FractionIn = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^0*(\.\d+)?$|^0*\.\d+$"},
                {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
            ],
            "description": "A fraction from 0 up to (not including) 1: 0.005 means 0.5%.",
        }
    ),
]


def _to_day(value: Any) -> date:
    """A day from its ISO text only: JSON has no date, and a number is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", engine_errors.BAD_DATE)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("date_parsing", engine_errors.BAD_DATE) from None


DayIn = Annotated[
    date,
    BeforeValidator(_to_day),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": (
                "Use the venue's tables and rules in force on this day (YYYY-MM-DD), e.g. "
                '"2024-05-28"; default: the newest. Each result names the table it used.'
            ),
        }
    ),
]
DecimalOut = Annotated[
    str | None, WithJsonSchema({"type": ["string", "null"], "examples": ["58793.969849246231"]})
]
if TYPE_CHECKING:
    # A Literal built from the engine's tables at import time is not a type mypy can read.
    Symbol = str
    VenueName = str
else:
    Symbol = Literal[tuple(MARKETS)]
    VenueName = Literal[tuple(VENUES)]


def _out(value: Decimal | None, figure: str = "result") -> str | None:
    """A result as a decimal string: exact to 12 decimal places, no exponent, no trailing zeros.
    Quantized with enough digits for any figure below ``MAX_OUTPUT`` (the default 28 digits would
    fail from 10^16 on); beyond it, ``FigureTooLarge`` names the figure."""
    if value is None:
        return None
    if value.copy_abs() >= MAX_OUTPUT:
        raise FigureTooLarge(figure.replace("_", " "))
    with localcontext() as context:
        context.prec = OUTPUT_DIGITS
        rounded = value.quantize(RESPONSE_PLACES, rounding=ROUND_HALF_EVEN)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _estimate_out(value: float, places: str = "1e-8") -> str | None:
    """A Monte Carlo estimate (a float) as a decimal string with ``places``."""
    return _out(Decimal(repr(float(value))).quantize(Decimal(places), rounding=ROUND_HALF_EVEN))


# --- request -----------------------------------------------------------------------------------


class PositionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=40, description="Default: the position's number.")
    symbol: Symbol
    contract: Literal["linear", "inverse"] | None = None
    side: Literal["long", "short"]
    margin_mode: Literal["isolated", "cross"]
    entry_price: PositiveDecimalIn | None = Field(None, description="Default: the market's price.")
    quantity: PositiveDecimalIn | None = Field(None, description="Base units (e.g. BTC).")
    notional: PositiveDecimalIn | None = Field(None, description="Value at entry, quote currency.")
    contracts: PositiveDecimalIn | None = None
    contract_size: PositiveDecimalIn | None = Field(None, description="Default: the market's.")
    leverage: PositiveDecimalIn
    isolated_margin: PositiveDecimalIn | None = Field(
        None, description="Default: the initial margin; at least it on opening."
    )
    mark_price: PositiveDecimalIn | None = Field(None, description="Default: the entry price.")
    maintenance_margin_rate: FractionIn | None = Field(None, description="Overrides the table.")
    maintenance_amount: NonNegativeDecimalIn | None = None
    max_leverage: PositiveDecimalIn | None = None
    bracket_table: str | None = Field(None, max_length=60)


EXAMPLE_REQUEST: dict[str, Any] = {
    "venue": "binance",
    "collateral": "USDT",
    "wallet_balance": "5000",
    "taker_fee_rate": "0",
    "funding_rate": "0",
    "positions": [
        {
            "id": "A",
            "symbol": "BTCUSDT",
            "contract": "linear",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "65000",
            "notional": "10000",
            "leverage": "10",
            "isolated_margin": "1000",
            "maintenance_margin_rate": "0.005",
        }
    ],
    "path": [{"BTCUSDT": "60000"}, {"BTCUSDT": "57200"}],
}


EXAMPLE_MONTE_CARLO: dict[str, Any] = {
    key: value for key, value in EXAMPLE_REQUEST.items() if key != "path"
} | {
    "volatility": "0.6",
    "correlation": "0.8",
    "horizon_hours": "24",
    "step_minutes": "15",
    "paths": 5000,
    "seed": 1,
}


class AccountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    venue: VenueName = "binance"
    collateral: str = Field("USDT", min_length=2, max_length=10)
    wallet_balance: NonNegativeDecimalIn
    taker_fee_rate: FractionIn | None = None
    funding_rate: DecimalIn = Decimal("0")
    parameters_as_of: DayIn | None = None
    positions: list[PositionIn] = Field(min_length=1, max_length=MAX_POSITIONS)


class SimulateIn(AccountIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REQUEST]})

    funding_every: int | None = Field(
        None, ge=1, strict=True, description="Steps between funding payments."
    )
    path: list[dict[Symbol, PositiveDecimalIn]] = Field(
        default_factory=list, max_length=MAX_PATH_LENGTH
    )


class MonteCarloIn(AccountIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_MONTE_CARLO]})

    volatility: DecimalIn | dict[Symbol, DecimalIn] = Field(
        Decimal("0.6"), description="Annualised, as a fraction; one value or one per symbol."
    )
    correlation: DecimalIn = Field(Decimal("0.8"), description="Between every pair of symbols.")
    horizon_hours: DecimalIn = DEFAULT_HORIZON_HOURS
    step_minutes: DecimalIn = DEFAULT_STEP_MINUTES
    paths: int = Field(DEFAULT_PATHS, ge=1, le=MAX_PATHS, strict=True)
    seed: int = Field(0, ge=0, le=2**63 - 1, strict=True)


# --- response ----------------------------------------------------------------------------------


class PositionOut(Schema):
    id: str
    symbol: str
    side: str
    margin_mode: str
    contract: str
    collateral: str
    quantity: DecimalOut
    notional: DecimalOut
    entry_price: DecimalOut
    mark_price: DecimalOut
    leverage: DecimalOut
    initial_margin: DecimalOut
    isolated_margin: DecimalOut
    maintenance_margin: DecimalOut
    maintenance_margin_rate: DecimalOut
    maintenance_amount: DecimalOut
    unrealized_pnl: DecimalOut
    margin_balance: DecimalOut
    margin_ratio: DecimalOut
    liquidation_price: DecimalOut
    bankruptcy_price: DecimalOut
    distance_to_liquidation: DecimalOut
    open_fee: DecimalOut
    order_cost: DecimalOut
    status: Literal["open", "liquidated"]
    close_fee: DecimalOut = Field(
        None, description="Bybit: the fee to close at the bankruptcy price, inside IM and MM."
    )
    bracket_table: str | None = Field(
        None, description="The maintenance table used (null: the request's own rate)."
    )
    parameters_effective: str | None = Field(
        None, description="The table's effective date, or 'before YYYY-MM-DD' / 'undated'."
    )
    parameters_source: str | None = Field(None, description="Where the table was published.")
    maintenance_basis: Literal["mark", "entry"] = "mark"


class AccountOut(Schema):
    collateral: str
    wallet_balance: DecimalOut
    cross_wallet_balance: DecimalOut
    margin_balance: DecimalOut
    cross_margin_balance: DecimalOut
    total_maintenance_margin: DecimalOut
    available_balance: DecimalOut
    margin_ratio: DecimalOut


class EventOut(Schema):
    step: int
    type: str
    position: str | None
    price: DecimalOut
    loss: DecimalOut
    insurance_fund: DecimalOut


class FinalOut(Schema):
    positions: list[PositionOut]
    account: AccountOut
    equity: list[DecimalOut]
    insurance_fund: DecimalOut


class SimulateOut(Schema):
    engine_version: str
    venue: str
    parameters_as_of: str | None = Field(
        None, description="The day whose tables and rules were used (null: the newest)."
    )
    rules_version: str = Field("", description="The version of the venue's rules used.")
    notes: list[str]
    positions: list[PositionOut]
    account: AccountOut
    events: list[EventOut]
    final: FinalOut


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class ModeRiskOut(Schema):
    probability_of_liquidation: DecimalOut
    positions: dict[str, DecimalOut]
    final_equity_percentiles: dict[str, DecimalOut]
    mean_final_equity: DecimalOut


class MonteCarloOut(Schema):
    engine_version: str
    venue: str
    paths: int
    steps: int
    seed: int
    isolated: ModeRiskOut
    cross: ModeRiskOut
    notes: list[str]


# --- conversion --------------------------------------------------------------------------------


def _position_out(p: PositionResult) -> dict[str, Any]:
    money = [
        "quantity",
        "notional",
        "entry_price",
        "mark_price",
        "leverage",
        "initial_margin",
        "isolated_margin",
        "maintenance_margin",
        "maintenance_margin_rate",
        "maintenance_amount",
        "unrealized_pnl",
        "margin_balance",
        "margin_ratio",
        "liquidation_price",
        "bankruptcy_price",
        "distance_to_liquidation",
        "open_fee",
        "order_cost",
        "close_fee",
    ]
    out: dict[str, Any] = {name: _out(getattr(p, name), name) for name in money}
    out.update(
        bracket_table=p.bracket_table,
        parameters_effective=p.parameters_effective,
        parameters_source=p.parameters_source,
        maintenance_basis=p.maintenance_basis,
        id=p.id,
        symbol=p.symbol,
        side=p.side.value,
        margin_mode=p.margin_mode.value,
        contract=p.contract.value,
        collateral=p.collateral,
        status=p.status,
    )
    return out


def _account_out(a: AccountResult) -> dict[str, Any]:
    names = [
        "wallet_balance",
        "cross_wallet_balance",
        "margin_balance",
        "cross_margin_balance",
        "total_maintenance_margin",
        "available_balance",
        "margin_ratio",
    ]
    return {"collateral": a.collateral} | {name: _out(getattr(a, name), name) for name in names}


def _position_ids(payload: AccountIn) -> list[str]:
    """The request's position ids; a position without one is called by its number."""
    return [p.id or str(index + 1) for index, p in enumerate(payload.positions)]


def _account_spec(payload: AccountIn, ids: list[str]) -> AccountSpec:
    positions = []
    for position_id, p in zip(ids, payload.positions, strict=True):
        fields = p.model_dump(exclude_none=True, exclude={"id"})
        fields.setdefault("entry_price", MARKETS[p.symbol].default_price)
        positions.append(PositionSpec(id=position_id, **fields))
    return AccountSpec(
        wallet_balance=payload.wallet_balance,
        collateral=payload.collateral,
        positions=tuple(positions),
        taker_fee_rate=payload.taker_fee_rate,
        funding_rate=payload.funding_rate,
        parameters_as_of=payload.parameters_as_of,
    )


def _margin_error_response(
    request: HttpRequest, error: MarginError, ids: list[str]
) -> HttpResponse:
    loc: list[str | int] = ["body"]
    if error.position_id is not None and error.position_id in ids:
        index = ids.index(error.position_id)
        if error.field == "id":  # a duplicate: point at the second use
            index = ids.index(error.position_id, index + 1)
        loc += ["positions", index]
    if error.field:
        loc.append(error.field)
    item = {"loc": loc, "msg": error.message, "type": "margin_error"}
    return api.create_response(request, {"detail": [item]}, status=422)


# --- the API -----------------------------------------------------------------------------------

api = NinjaAPI(
    title="Margin Academy engine",
    version="1",
    description=(
        "Isolated and cross margin figures, liquidation prices, replays and Monte Carlo, "
        "computed by the academy's margin engine. Numbers are decimal strings."
    ),
    urls_namespace="api-v1",
    parser=DecimalJSONParser(),
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with the path of each bad field, without ninja's parameter name in the path."""
    detail = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 1 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        detail.append({"loc": loc, "msg": str(error.get("msg", "")), "type": error.get("type")})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        item = {"loc": ["body"], "msg": MALFORMED_JSON, "type": "json_invalid"}
        return api.create_response(request, {"detail": [item]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """413 with a reason, instead of Django's bare 400 page and a logged traceback."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    item = {"loc": ["body"], "msg": BODY_TOO_LARGE.format(limit=limit), "type": "too_large"}
    return api.create_response(request, {"detail": [item]}, status=413)


def _guarded(request: HttpRequest, ids: list[str], compute: Any) -> Any:
    try:
        return compute()
    except MarginError as error:
        return _margin_error_response(request, error, ids)
    except FigureTooLarge as error:
        message = FIGURE_TOO_LARGE.format(figure=error.figure)
        item = {"loc": ["body"], "msg": message, "type": "too_large"}
        return api.create_response(request, {"detail": [item]}, status=422)
    except ArithmeticError:
        item = {"loc": ["body"], "msg": UNEXPECTED_ARITHMETIC, "type": "arithmetic"}
        return api.create_response(request, {"detail": [item]}, status=422)


@api.post(
    "/simulate",
    response={200: SimulateOut, 422: ErrorOut},
    tags=["engine"],
    # Operation ids are part of the published schema (generated clients name methods after
    # them): they stay what they were before the API moved to its own app.
    operation_id="simulator_api_simulate",
    summary="Evaluate an account and replay it along a price path",
    url_name="simulate",
)
def simulate(request: HttpRequest, payload: SimulateIn) -> Any:
    """Figures of every position and of the account at the marks, then the replay of ``path``
    (one ``{symbol: mark}`` per step): liquidations, funding, fees, insurance fund, and the
    ``final`` state. At most 8 positions and 1,000 path steps."""
    ids = _position_ids(payload)

    def compute() -> dict[str, Any]:
        account = _account_spec(payload, ids)
        start: Evaluation = evaluate(account, venue=payload.venue)
        result = replay(
            account, payload.path, venue=payload.venue, funding_every=payload.funding_every
        )
        return {
            "engine_version": ENGINE_VERSION,
            "venue": start.venue,
            "parameters_as_of": start.parameters_as_of,
            "rules_version": start.rules_version,
            "notes": list(start.notes),
            "positions": [_position_out(p) for p in start.positions],
            "account": _account_out(start.account),
            "events": [
                {
                    "step": e.step,
                    "type": e.type,
                    "position": e.position,
                    "price": _out(e.price),
                    "loss": _out(e.loss),
                    "insurance_fund": _out(e.insurance_fund),
                }
                for e in result.events
            ],
            "final": {
                "positions": [_position_out(p) for p in result.final.positions],
                "account": _account_out(result.final.account),
                "equity": [_out(v) for v in result.equity],
                "insurance_fund": _out(result.insurance_fund),
            },
        }

    return _guarded(request, ids, compute)


@api.post(
    "/monte-carlo",
    response={200: MonteCarloOut, 422: ErrorOut},
    tags=["engine"],
    operation_id="simulator_api_monte_carlo",
    summary="Probability of liquidation under simulated prices, isolated vs cross",
    description=(
        "Correlated geometric Brownian paths (seeded) for the account's symbols; the probability "
        "that each position, and the account, is liquidated within the horizon, isolated vs "
        f"cross, and percentiles of the final equity. paths x steps is capped at "
        f"{MAX_PATH_STEPS:,}; at most {MAX_POSITIONS} positions."
    ),
    url_name="monte-carlo",
)
def monte_carlo(request: HttpRequest, payload: MonteCarloIn) -> Any:
    ids = _position_ids(payload)

    def compute() -> dict[str, Any]:
        result = run_monte_carlo(
            _account_spec(payload, ids),
            volatility=payload.volatility,
            correlation=payload.correlation,
            horizon_hours=payload.horizon_hours,
            step_minutes=payload.step_minutes,
            paths=payload.paths,
            seed=payload.seed,
            venue=payload.venue,
        )

        def mode(risk: Any) -> dict[str, Any]:
            return {
                "probability_of_liquidation": _estimate_out(risk.account_probability),
                "positions": {k: _estimate_out(v) for k, v in risk.position_probability.items()},
                "final_equity_percentiles": {
                    str(k): _estimate_out(v) for k, v in risk.final_equity_percentiles.items()
                },
                "mean_final_equity": _estimate_out(risk.mean_final_equity),
            }

        return {
            "engine_version": ENGINE_VERSION,
            "venue": result.venue,
            "paths": result.paths,
            "steps": result.steps,
            "seed": result.seed,
            "isolated": mode(result.isolated),
            "cross": mode(result.cross),
            "notes": list(result.notes),
        }

    return _guarded(request, ids, compute)


# --- match my exchange -------------------------------------------------------------------------


class MatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    venue: VenueName = "binance"
    collateral: str = Field("USDT", min_length=2, max_length=10)
    wallet_balance: DecimalIn | None = Field(
        None, description="Default: just enough for the position (its isolated or initial margin)."
    )
    taker_fee_rate: DecimalIn | None = None
    parameters_as_of: DayIn | None = None
    position: PositionIn
    shown_liquidation_price: DecimalIn = Field(
        description="The liquidation price the exchange shows for this position."
    )
    tick: DecimalIn = Field(Decimal("0.01"), description="The exchange's price tick.")


class MatchStepOut(Schema):
    step: str
    change: str
    liquidation_price: DecimalOut
    matches: bool
    suggestion: str


class MatchOut(Schema):
    engine_version: str
    venue: str
    parameters_as_of: str | None
    rules_version: str
    shown_liquidation_price: DecimalOut
    liquidation_price: DecimalOut
    displayed_liquidation_price: DecimalOut
    difference: DecimalOut
    matched: bool
    position: PositionOut
    steps: list[MatchStepOut]


@api.post(
    "/match-my-exchange",
    response={200: MatchOut, 422: ErrorOut},
    tags=["engine"],
    summary="Reproduce the liquidation price an exchange shows, and name what differs",
    url_name="match-my-exchange",
)
def match_my_exchange(request: HttpRequest, payload: MatchIn) -> Any:
    """One real position and the liquidation price the exchange shows for it: the engine's own
    price for it, then each usual cause of a difference checked one at a time (parameter set
    date, maintenance amount, fees, mark vs entry, funding, rounding to the tick), each with the
    price it gives and what to check."""
    ids = [payload.position.id or "1"]

    def compute() -> dict[str, Any]:
        fields = payload.position.model_dump(exclude_none=True, exclude={"id"})
        fields.setdefault("entry_price", MARKETS[payload.position.symbol].default_price)
        spec = PositionSpec(id=ids[0], **fields)
        wallet = payload.wallet_balance
        if wallet is None:
            wallet = spec.isolated_margin or initial_margin_of(spec)
        account = AccountSpec(
            wallet_balance=wallet,
            collateral=payload.collateral,
            positions=(spec,),
            taker_fee_rate=payload.taker_fee_rate,
            parameters_as_of=payload.parameters_as_of,
        )
        result = match_exchange(
            account, payload.shown_liquidation_price, venue=payload.venue, tick=payload.tick
        )
        return {
            "engine_version": ENGINE_VERSION,
            "venue": result.evaluation.venue,
            "parameters_as_of": result.evaluation.parameters_as_of,
            "rules_version": result.evaluation.rules_version,
            "shown_liquidation_price": _out(result.shown),
            "liquidation_price": _out(result.reproduced),
            "displayed_liquidation_price": _out(result.displayed),
            "difference": _out(result.difference),
            "matched": result.matched,
            "position": _position_out(result.evaluation.positions[0]),
            "steps": [
                {
                    "step": s.step,
                    "change": s.change,
                    "liquidation_price": _out(s.liquidation_price),
                    "matches": s.matches,
                    "suggestion": s.suggestion,
                }
                for s in result.steps
            ],
        }

    try:
        return compute()
    except FigureTooLarge as error:
        message = FIGURE_TOO_LARGE.format(figure=error.figure)
        item: dict[str, Any] = {"loc": ["body"], "msg": message, "type": "too_large"}
        return api.create_response(request, {"detail": [item]}, status=422)
    except MarginError as error:
        loc: list[str | int] = ["body"]
        if error.position_id is not None:
            loc.append("position")
        if error.field:
            loc.append(error.field)
        item = {"loc": loc, "msg": error.message, "type": "margin_error"}
        return api.create_response(request, {"detail": [item]}, status=422)
    except ArithmeticError:
        item = {"loc": ["body"], "msg": UNEXPECTED_ARITHMETIC, "type": "arithmetic"}
        return api.create_response(request, {"detail": [item]}, status=422)
