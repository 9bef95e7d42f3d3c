"""Recorded candles: parsing and validating OHLC price bars from CSV text.

A candle is one bar of a recorded price series: its open time (UTC) and its open, high, low and
close. The loader refuses what would make a replay wrong and reports what is merely missing:

- refused (``CandleError``, with the row number): missing columns, a price that is not a positive
  number, a time that is not after the row before (unsorted or repeated bars), a high below the
  open, close or low, a low above the open or close, more than ``MAX_CANDLES`` rows;
- reported (``CandleSeries.gaps``): bars missing between two recorded ones, judged against the
  series' interval (the most common spacing). Gaps are never filled: a replay walks from the
  last bar before a gap straight to the first bar after it, as the price did.

Prices stay ``Decimal`` exactly as written in the file. No Django here.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

import numpy as np

from margin.errors import MarginError

MAX_CANDLES = 5_000
TIME_COLUMNS = ("timestamp_utc", "timestamp", "open_time", "time", "date", "datetime")
PRICE_COLUMNS = ("open", "high", "low", "close")

NOT_CSV = "The file is not readable text: export the candles as a CSV file."
EMPTY_FILE = "The file has no candles: it needs a header row and at least two candles."
MISSING_COLUMNS = (
    "The file needs the columns timestamp, open, high, low and close; it has: {found}."
)
BAD_TIME = (
    "Row {row}: {value!r} is not a time (use ISO 8601 such as 2020-03-12T10:00:00Z, or Unix "
    "seconds or milliseconds)."
)
BAD_PRICE = "Row {row}: the {column} price {value!r} is not a number."
NON_POSITIVE = "Row {row}: the {column} price must be greater than zero."
NOT_SORTED = (
    "Row {row}: {time} does not come after the row before ({previous}): sort the candles "
    "oldest first, one row per bar."
)
HIGH_TOO_LOW = "Row {row}: the high {high} is below the open, close or low of the same candle."
LOW_TOO_HIGH = "Row {row}: the low {low} is above the open or close of the same candle."
TOO_MANY_ROWS = (
    "The file has more than {maximum:,} candles: cut it to the window you want to replay."
)


class CandleError(MarginError):
    """A candle file the loader refuses; ``row`` is the 1-based data row (None: the whole file)."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message, field="candles")
        self.row = row


@dataclass(frozen=True, slots=True)
class Candle:
    time: datetime  # the bar's open time, UTC
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


@dataclass(frozen=True)
class Gap:
    """Bars missing between ``after`` and ``before`` (both recorded), ``missing`` of them."""

    after: datetime
    before: datetime
    missing: int


@dataclass(frozen=True)
class CandleSeries:
    candles: tuple[Candle, ...]
    interval: timedelta
    gaps: tuple[Gap, ...]

    @property
    def start(self) -> datetime:
        return self.candles[0].time

    @property
    def end(self) -> datetime:
        return self.candles[-1].time

    @property
    def low(self) -> Candle:
        """The candle with the lowest low (the first, on a tie)."""
        return min(self.candles, key=lambda c: c.low)

    @property
    def high(self) -> Candle:
        return max(self.candles, key=lambda c: c.high)

    @property
    def missing_bars(self) -> int:
        return sum(gap.missing for gap in self.gaps)

    @functools.cached_property
    def ohlc_floats(self) -> np.ndarray:
        """Open, high, low and close as float rows (4 x candles), for drawing and screening;
        computed once per series (the shipped ones are cached for the process)."""
        return np.array([[float(getattr(c, name)) for c in self.candles] for name in PRICE_COLUMNS])


def interval_label(interval: timedelta) -> str:
    """``1m``, ``5m``, ``1h``, ``1d`` as exchanges write them."""
    minutes = int(interval.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    if minutes:
        return f"{minutes}m"
    return f"{int(interval.total_seconds())}s"


def parse_time(value: str, row: int) -> datetime:
    text = value.strip()
    if text.lstrip("-").isdigit():
        number = int(text)
        # milliseconds since 1970 have 13 digits today; seconds have 10
        seconds = number / 1000 if abs(number) >= 10**11 else number
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise CandleError(BAD_TIME.format(row=row, value=value[:40]), row=row) from None
    try:
        moment = datetime.fromisoformat(text.replace(" UTC", "").replace("Z", "+00:00"))
    except ValueError:
        raise CandleError(BAD_TIME.format(row=row, value=value[:40]), row=row) from None
    if moment.tzinfo is None:  # exchange exports without a zone are in UTC
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _price(value: str, column: str, row: int) -> Decimal:
    try:
        price = Decimal(value.strip())
    except InvalidOperation:
        raise CandleError(
            BAD_PRICE.format(row=row, column=column, value=value[:40]), row=row
        ) from None
    if not price.is_finite():
        raise CandleError(BAD_PRICE.format(row=row, column=column, value=value[:40]), row=row)
    if price <= 0:
        raise CandleError(NON_POSITIVE.format(row=row, column=column), row=row)
    return price


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower().lstrip("\ufeff") for name in header]
    found: dict[str, int] = {}
    for wanted in PRICE_COLUMNS:
        if wanted in names:
            found[wanted] = names.index(wanted)
    for candidate in TIME_COLUMNS:
        if candidate in names:
            found["time"] = names.index(candidate)
            break
    if len(found) < 1 + len(PRICE_COLUMNS):
        shown = ", ".join(name for name in names if name)[:200] or "no named columns"
        raise CandleError(MISSING_COLUMNS.format(found=shown))
    return found


def parse_candles(text: str) -> CandleSeries:
    """Parse and validate CSV ``text`` with a header naming a time column and open, high, low,
    close (any order, any case, other columns ignored). See the module for the rules."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CandleError(EMPTY_FILE)
    columns = _columns(header)
    width = max(columns.values()) + 1
    candles: list[Candle] = []
    previous: datetime | None = None
    for row_number, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(candles) >= MAX_CANDLES:
            raise CandleError(TOO_MANY_ROWS.format(maximum=MAX_CANDLES))
        if len(row) < width:
            row = row + [""] * (width - len(row))
        time = parse_time(row[columns["time"]], row_number)
        o, h, low, c = (_price(row[columns[name]], name, row_number) for name in PRICE_COLUMNS)
        if previous is not None and time <= previous:
            raise CandleError(
                NOT_SORTED.format(
                    row=row_number, time=time.isoformat(), previous=previous.isoformat()
                ),
                row=row_number,
            )
        if h < max(o, c, low):
            raise CandleError(HIGH_TOO_LOW.format(row=row_number, high=h), row=row_number)
        if low > min(o, c):
            raise CandleError(LOW_TOO_HIGH.format(row=row_number, low=low), row=row_number)
        candles.append(Candle(time, o, h, low, c))
        previous = time
    if len(candles) < 2:
        raise CandleError(EMPTY_FILE)
    return _series(tuple(candles))


def _series(candles: tuple[Candle, ...]) -> CandleSeries:
    spacings = Counter(b.time - a.time for a, b in zip(candles, candles[1:], strict=False))
    interval = min(spacings, key=lambda s: (-spacings[s], s))  # most common, the shorter on a tie
    gaps = tuple(
        Gap(a.time, b.time, (b.time - a.time) // interval - 1)
        for a, b in zip(candles, candles[1:], strict=False)
        if b.time - a.time >= 2 * interval
    )
    return CandleSeries(candles=candles, interval=interval, gaps=gaps)


def window(series: CandleSeries, start: datetime, end: datetime) -> CandleSeries:
    """The bars of ``series`` opening in [start, end]."""
    kept = tuple(c for c in series.candles if start <= c.time <= end)
    if len(kept) < 2:
        raise CandleError(EMPTY_FILE)
    return _series(kept)
