"""Markets (symbols) and each venue's dated maintenance-margin tables.

A bracket table maps the position's size to a maintenance margin rate (MMR, a fraction) and a
maintenance amount (``cum``, in the collateral currency), so that

    maintenance margin = notional * MMR - cum

Upper bounds are inclusive: ``0 < notional <= cap`` (Binance FAQ "How to Calculate Liquidation
Price of USDⓈ-M Futures Contracts"). ``cum`` follows
``cum_n = floor_n * (MMR_n - MMR_(n-1)) + cum_(n-1)``, which makes the maintenance margin
continuous in notional; ``derive_cums`` applies that rule and a test checks every shipped
table against it. OKX counts its tiers in contracts instead (``unit == "contracts"``) and has no
maintenance amount.

The tables live in ``margin/data/<venue>.json``, one file per venue, each table with its symbol,
its effective date (null: undated, in force before the next one), the URL of its source and a
note on how it was read. ``table_for(venue, symbol, on)`` picks the table in force on a date: the
newest whose effective date is on or before it (the newest of all when no date is given). A venue
never borrows another venue's table: a symbol a venue has no table for needs the learner's own
maintenance rate.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from pathlib import Path

from margin.errors import UNKNOWN_BRACKET_TABLE, UNKNOWN_SYMBOL, MarginError

ZERO = Decimal("0")


class TierUnit(StrEnum):
    NOTIONAL = "notional"  # the position's value in the collateral currency (coin for inverse)
    CONTRACTS = "contracts"  # the number of contracts of ``contract_value`` base units (OKX)


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
    as_of: str  # the effective date as text ("2025-08-19", "before 2024-05-28", "undated")
    source: str
    brackets: tuple[Bracket, ...]
    illustrative: bool = False
    venue: str = "binance"
    effective: date | None = None
    unit: TierUnit = TierUnit.NOTIONAL
    contract_value: Decimal | None = None  # base units per contract, for tiers in contracts
    complete: bool = True  # False: tiers above the last cap exist but are not published here
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def max_size(self) -> Decimal:
        """The cap of the last tier: past it an incomplete table has no published tier."""
        return self.brackets[-1].cap

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


DATA = Path(__file__).resolve().parent / "data"
PARAMETER_VENUES = ("binance", "bybit", "okx", "hyperliquid", "dydx")
HALF = Decimal("0.5")


def _brackets(rows: list[list[str | None]], rates: str | None) -> tuple[Bracket, ...]:
    """Brackets from ``[cap, max_leverage, MMR, cum]`` rows. A null cum is derived by the rule;
    with ``rates == "half_initial"`` (Hyperliquid) rows are ``[cap, max_leverage]`` and the MMR
    is half the initial margin rate at the tier's maximum leverage, ``1 / (2 * max_leverage)``."""
    brackets: list[Bracket] = []
    floor, previous_rate, cum = ZERO, ZERO, ZERO
    for row in rows:
        cap, leverage = Decimal(str(row[0])), Decimal(str(row[1]))
        if rates == "half_initial":
            rate, given = HALF / leverage, None
        else:
            rate, given = Decimal(str(row[2])), row[3]
        cum = Decimal(given) if given is not None else floor * (rate - previous_rate) + cum
        brackets.append(Bracket(floor, cap, leverage, rate, cum))
        floor, previous_rate = cap, rate
    return tuple(brackets)


def _load_venue(venue: str) -> list[BracketTable]:
    """Every table of ``venue``'s data file, oldest first per symbol."""
    with localcontext() as context:
        context.prec = 50
        document = json.loads((DATA / f"{venue}.json").read_text(encoding="utf-8"))
        raw = sorted(
            document["tables"], key=lambda t: (t["symbol"], t["effective"] or "0000-00-00")
        )
        tables: list[BracketTable] = []
        for index, item in enumerate(raw):
            effective = date.fromisoformat(item["effective"]) if item["effective"] else None
            later = raw[index + 1] if index + 1 < len(raw) else None
            if later is not None and later["symbol"] != item["symbol"]:
                later = None
            if effective is not None:
                as_of = effective.isoformat()
            elif later is not None:
                as_of = f"before {later['effective']}"
            else:
                as_of = "undated"
            label = as_of.replace("before ", "until-")
            contract_value = item.get("contract_value")
            tables.append(
                BracketTable(
                    name=f"{venue}-{item['symbol']}-{label}",
                    symbol=item["symbol"],
                    as_of=as_of,
                    source=item["source"],
                    brackets=_brackets(item["brackets"], item.get("rates")),
                    venue=venue,
                    effective=effective,
                    unit=TierUnit(item.get("unit", TierUnit.NOTIONAL)),
                    contract_value=Decimal(contract_value) if contract_value else None,
                    complete=item.get("complete", True),
                    note=item.get("note", ""),
                    aliases=tuple(item.get("aliases", ())),
                )
            )
        return tables


def _registry() -> dict[str, BracketTable]:
    tables: dict[str, BracketTable] = {}
    for venue in PARAMETER_VENUES:
        for table in _load_venue(venue):
            for name in (table.name, *table.aliases):
                tables[name] = table
    return tables


BRACKET_TABLES: dict[str, BracketTable] = _registry()
# Each table once, by its own name (BRACKET_TABLES also holds the old names as aliases).
PARAMETER_TABLES: dict[str, BracketTable] = {table.name: table for table in BRACKET_TABLES.values()}


def _tables_by_venue_and_symbol() -> dict[tuple[str, str], tuple[BracketTable, ...]]:
    """Each venue's tables per symbol, oldest first, indexed once: the tables never change after
    loading, and every evaluation looks one up per position."""
    index: dict[tuple[str, str], list[BracketTable]] = {}
    for table in PARAMETER_TABLES.values():
        index.setdefault((table.venue, table.symbol), []).append(table)
    return {key: tuple(tables) for key, tables in index.items()}


_TABLES_OF = _tables_by_venue_and_symbol()


def tables_of(venue: str, symbol: str) -> list[BracketTable]:
    """``venue``'s tables for ``symbol``, oldest first."""
    return list(_TABLES_OF.get((venue, symbol), ()))


@functools.lru_cache(maxsize=1024)
def table_for(venue: str, symbol: str, on: date | None = None) -> BracketTable | None:
    """The table of ``venue`` for ``symbol`` in force on ``on`` (the newest when None); None when
    the venue has none, or none as old as ``on``. Cached: the tables are immutable once loaded."""
    candidates = _TABLES_OF.get((venue, symbol), ())
    if on is not None:
        candidates = tuple(t for t in candidates if t.effective is None or t.effective <= on)
    return candidates[-1] if candidates else None


@dataclass(frozen=True)
class Market:
    """A perpetual contract.

    ``contract_size`` is in USD for inverse contracts (Binance: 100 for BTCUSD, 10 for the others)
    and in base units for linear ones. ``default_price`` is the seed ticker (lesson 004 of the
    sources), used when a setup names no price. ``bracket_table`` names Binance's current table
    for the symbol (the default venue's); ``hyperliquid_max_leverage`` is Hyperliquid's first-tier
    maximum, which feeds its rule ``MMR = 1 / (2 * max_leverage)``.
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
    current = table_for("binance", symbol)
    assert current is not None, f"no Binance table for {symbol} in margin/data/binance.json"
    table = current.name
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
