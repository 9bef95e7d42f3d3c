"""Markets (symbols) and their dated maintenance-margin bracket tables.

A bracket table maps the position's notional to a maintenance margin rate (MMR, a fraction) and a
maintenance amount (``cum``, in the collateral currency), so that

    maintenance margin = notional * MMR - cum

Upper bounds are inclusive: ``0 < notional <= cap`` (Binance FAQ "How to Calculate Liquidation
Price of USDⓈ-M Futures Contracts"). ``cum`` follows
``cum_n = floor_n * (MMR_n - MMR_(n-1)) + cum_(n-1)``, which makes the maintenance margin
continuous in notional; ``derive_cums`` applies that rule and a test checks every shipped
table against it.

Tables are dated and versioned because exchanges change them: BTCUSDT and ETHUSDT are Binance's
``/fapi/v1/leverageBracket`` snapshot of 2024-10 (see margin-reference.md); the other tables are
illustrative (plausible shapes, flagged ``illustrative=True``) and say so wherever they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from margin.errors import UNKNOWN_BRACKET_TABLE, UNKNOWN_SYMBOL, MarginError

ZERO = Decimal("0")


class ContractKind(StrEnum):
    """Contract kinds: linear (quote-margined, e.g. USDT) or inverse (coin-margined)."""

    LINEAR = "linear"
    INVERSE = "inverse"


@dataclass(frozen=True)
class Bracket:
    """One tier: notional in ``(floor, cap]`` (collateral currency; coin for inverse contracts)."""

    floor: Decimal
    cap: Decimal
    max_leverage: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal

    def maintenance_margin(self, notional: Decimal) -> Decimal:
        """``notional * MMR - cum``: the maintenance margin of a position of this notional."""
        return notional * self.maintenance_margin_rate - self.maintenance_amount


@dataclass(frozen=True)
class BracketTable:
    """A dated, versioned list of brackets for one symbol on one venue."""

    name: str
    symbol: str
    as_of: str
    source: str
    brackets: tuple[Bracket, ...]
    illustrative: bool = False

    def bracket_for(self, notional: Decimal) -> Bracket:
        """The bracket whose ``(floor, cap]`` holds ``notional`` (the last one above the table)."""
        for bracket in self.brackets:
            if notional <= bracket.cap:
                return bracket
        return self.brackets[-1]

    def maintenance_margin(self, notional: Decimal) -> Decimal:
        return self.bracket_for(notional).maintenance_margin(notional)


def derive_cums(rows: list[tuple[str, str, str]]) -> tuple[Bracket, ...]:
    """Build brackets from ``(cap, max_leverage, MMR)`` rows, deriving each ``cum`` by the rule
    ``cum_n = floor_n * (MMR_n - MMR_(n-1)) + cum_(n-1)`` (Binance FAQ)."""
    brackets: list[Bracket] = []
    floor, previous_rate, cum = ZERO, ZERO, ZERO
    for cap, max_leverage, rate in rows:
        rate_d = Decimal(rate)
        cum = floor * (rate_d - previous_rate) + cum
        brackets.append(Bracket(floor, Decimal(cap), Decimal(max_leverage), rate_d, cum))
        floor, previous_rate = Decimal(cap), rate_d
    return tuple(brackets)


def _table(rows: list[tuple[str, str, str, str]]) -> tuple[Bracket, ...]:
    """Brackets from published ``(cap, max_leverage, MMR, cum)`` rows, kept exactly as published."""
    brackets: list[Bracket] = []
    floor = ZERO
    for cap, max_leverage, rate, cum in rows:
        brackets.append(
            Bracket(floor, Decimal(cap), Decimal(max_leverage), Decimal(rate), Decimal(cum))
        )
        floor = Decimal(cap)
    return tuple(brackets)


BINANCE_SOURCE = "Binance /fapi/v1/leverageBracket, snapshot of 2024-10"
ILLUSTRATIVE_SOURCE = (
    "Illustrative table shaped like Binance's altcoin brackets; not a published snapshot"
)
ILLUSTRATIVE_COIN_M_SOURCE = (
    "Illustrative COIN-M table (notional in coin) shaped like Binance's; not a published snapshot"
)

_BTCUSDT_2024_10 = _table(
    [
        ("50000", "125", "0.004", "0"),
        ("600000", "100", "0.005", "50"),
        ("3000000", "75", "0.0065", "950"),
        ("12000000", "50", "0.01", "11450"),
        ("70000000", "25", "0.02", "131450"),
        ("100000000", "20", "0.025", "481450"),
        ("230000000", "10", "0.05", "2981450"),
        ("480000000", "5", "0.10", "14481450"),
        ("600000000", "4", "0.125", "26481450"),
        ("800000000", "3", "0.15", "41481450"),
        ("1200000000", "2", "0.25", "121481450"),
        ("1800000000", "1", "0.50", "421481450"),
    ]
)
_ETHUSDT_2024_10 = _table(
    [
        ("50000", "125", "0.004", "0"),
        ("600000", "100", "0.005", "50"),
        ("3000000", "75", "0.0065", "950"),
        ("12000000", "50", "0.01", "11450"),
        ("50000000", "25", "0.02", "131450"),
        ("65000000", "20", "0.025", "381450"),
        ("150000000", "10", "0.05", "2006450"),
        ("320000000", "5", "0.10", "9506450"),
        ("400000000", "4", "0.125", "17506450"),
        ("530000000", "3", "0.15", "27506450"),
        ("800000000", "2", "0.25", "80506450"),
        ("1200000000", "1", "0.50", "280506450"),
    ]
)
# Large altcoins (SOL, BNB, XRP): illustrative.
_MAJOR_ALT = derive_cums(
    [
        ("5000", "75", "0.005"),
        ("50000", "50", "0.01"),
        ("250000", "25", "0.02"),
        ("1000000", "20", "0.025"),
        ("5000000", "10", "0.05"),
        ("10000000", "5", "0.10"),
        ("15000000", "4", "0.125"),
        ("25000000", "3", "0.15"),
        ("50000000", "2", "0.25"),
        ("100000000", "1", "0.50"),
    ]
)
# Smaller altcoins (DOGE, ADA): illustrative, lower leverage from the first tier.
_MINOR_ALT = derive_cums(
    [
        ("5000", "50", "0.01"),
        ("25000", "25", "0.02"),
        ("100000", "20", "0.025"),
        ("250000", "10", "0.05"),
        ("1000000", "5", "0.10"),
        ("2000000", "4", "0.125"),
        ("5000000", "3", "0.15"),
        ("10000000", "2", "0.25"),
        ("20000000", "1", "0.50"),
    ]
)
# COIN-M (inverse): notional in coin. Illustrative.
_BTCUSD_COIN = derive_cums(
    [
        ("5", "125", "0.004"),
        ("10", "100", "0.005"),
        ("20", "50", "0.01"),
        ("40", "20", "0.025"),
        ("80", "10", "0.05"),
        ("160", "5", "0.10"),
        ("300", "4", "0.125"),
        ("500", "3", "0.15"),
        ("1000", "2", "0.25"),
        ("2000", "1", "0.50"),
    ]
)
_ETHUSD_COIN = derive_cums(
    [
        ("50", "75", "0.005"),
        ("100", "50", "0.0065"),
        ("200", "25", "0.01"),
        ("500", "20", "0.02"),
        ("1000", "10", "0.05"),
        ("2000", "5", "0.10"),
        ("5000", "4", "0.125"),
        ("10000", "3", "0.15"),
        ("20000", "2", "0.25"),
        ("40000", "1", "0.50"),
    ]
)


def _tables() -> dict[str, BracketTable]:
    tables = [
        BracketTable(
            "binance-BTCUSDT-2024-10", "BTCUSDT", "2024-10", BINANCE_SOURCE, _BTCUSDT_2024_10
        ),
        BracketTable(
            "binance-ETHUSDT-2024-10", "ETHUSDT", "2024-10", BINANCE_SOURCE, _ETHUSDT_2024_10
        ),
    ]
    for symbol in ("SOLUSDT", "BNBUSDT", "XRPUSDT"):
        tables.append(
            BracketTable(
                f"illustrative-{symbol}-2024-10",
                symbol,
                "2024-10",
                ILLUSTRATIVE_SOURCE,
                _MAJOR_ALT,
                illustrative=True,
            )
        )
    for symbol in ("DOGEUSDT", "ADAUSDT"):
        tables.append(
            BracketTable(
                f"illustrative-{symbol}-2024-10",
                symbol,
                "2024-10",
                ILLUSTRATIVE_SOURCE,
                _MINOR_ALT,
                illustrative=True,
            )
        )
    tables.append(
        BracketTable(
            "illustrative-BTCUSD-2024-10",
            "BTCUSD",
            "2024-10",
            ILLUSTRATIVE_COIN_M_SOURCE,
            _BTCUSD_COIN,
            illustrative=True,
        )
    )
    tables.append(
        BracketTable(
            "illustrative-ETHUSD-2024-10",
            "ETHUSD",
            "2024-10",
            ILLUSTRATIVE_COIN_M_SOURCE,
            _ETHUSD_COIN,
            illustrative=True,
        )
    )
    return {table.name: table for table in tables}


BRACKET_TABLES: dict[str, BracketTable] = _tables()


@dataclass(frozen=True)
class Market:
    """A perpetual contract.

    ``contract_size`` is in USD for inverse contracts (Binance: 100 for BTCUSD, 10 for the others)
    and in base units for linear ones. ``default_price`` is the seed ticker (lesson 004 of the
    sources), used when a setup names no price. ``hyperliquid_max_leverage`` feeds Hyperliquid's
    rule ``MMR = 1 / (2 * max_leverage)``.
    """

    symbol: str
    base: str
    quote: str
    kind: ContractKind
    default_price: Decimal
    contract_size: Decimal
    bracket_table: str
    hyperliquid_max_leverage: Decimal

    @property
    def collateral(self) -> str:
        """The currency its margin and PnL are counted in: the quote (linear) or the coin."""
        return self.quote if self.kind == ContractKind.LINEAR else self.base

    @property
    def max_leverage(self) -> Decimal:
        return BRACKET_TABLES[self.bracket_table].brackets[0].max_leverage

    @property
    def table(self) -> BracketTable:
        return BRACKET_TABLES[self.bracket_table]


def _market(
    symbol: str, base: str, kind: ContractKind, price: str, size: str, hl_max: str
) -> Market:
    quote = "USDT" if kind == ContractKind.LINEAR else "USD"
    table = next(t.name for t in BRACKET_TABLES.values() if t.symbol == symbol)
    return Market(symbol, base, quote, kind, Decimal(price), Decimal(size), table, Decimal(hl_max))


MARKETS: dict[str, Market] = {
    m.symbol: m
    for m in (
        _market("BTCUSDT", "BTC", ContractKind.LINEAR, "68424", "0.001", "40"),
        _market("ETHUSDT", "ETH", ContractKind.LINEAR, "1986", "0.001", "25"),
        _market("SOLUSDT", "SOL", ContractKind.LINEAR, "85.13", "1", "20"),
        _market("BNBUSDT", "BNB", ContractKind.LINEAR, "632.73", "0.01", "10"),
        _market("XRPUSDT", "XRP", ContractKind.LINEAR, "1.36", "0.1", "20"),
        _market("DOGEUSDT", "DOGE", ContractKind.LINEAR, "0.08935", "1", "10"),
        _market("ADAUSDT", "ADA", ContractKind.LINEAR, "0.2634", "1", "10"),
        _market("BTCUSD", "BTC", ContractKind.INVERSE, "68424", "100", "40"),
        _market("ETHUSD", "ETH", ContractKind.INVERSE, "1986", "10", "25"),
    )
}


def market_for(symbol: str) -> Market:
    try:
        return MARKETS[symbol]
    except KeyError:
        raise MarginError(UNKNOWN_SYMBOL.format(symbol=symbol), field="symbol") from None


def table_named(name: str) -> BracketTable:
    try:
        return BRACKET_TABLES[name]
    except KeyError:
        raise MarginError(UNKNOWN_BRACKET_TABLE.format(name=name), field="bracket_table") from None


def bracket_for(symbol_or_table: str | BracketTable, notional: Decimal) -> Bracket:
    """The bracket for ``notional`` in a table, given by table, table name or symbol."""
    if isinstance(symbol_or_table, BracketTable):
        return symbol_or_table.bracket_for(notional)
    if symbol_or_table in BRACKET_TABLES:
        return BRACKET_TABLES[symbol_or_table].bracket_for(notional)
    return market_for(symbol_or_table).table.bracket_for(notional)
