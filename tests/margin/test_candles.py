"""Loading recorded candles: what is refused, with which message, and what is only reported."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from margin.candles import (
    BAD_PRICE,
    BAD_TIME,
    EMPTY_FILE,
    HIGH_TOO_LOW,
    LOW_TOO_HIGH,
    MAX_CANDLES,
    NON_POSITIVE,
    TOO_MANY_ROWS,
    CandleError,
    interval_label,
    parse_candles,
)

HEADER = "timestamp_utc,open,high,low,close\n"
GOOD = (
    HEADER
    + "2020-03-12T10:00:00Z,100,110,90,95\n"
    + "2020-03-12T10:01:00Z,95,96,80,81.5\n"
    + "2020-03-12T10:02:00Z,81.5,85,81,84\n"
)


def refused(text: str) -> CandleError:
    with pytest.raises(CandleError) as caught:
        parse_candles(text)
    return caught.value


def test_a_good_file_keeps_every_price_exactly_as_written():
    series = parse_candles(GOOD)
    assert len(series.candles) == 3
    assert series.candles[1].close == Decimal("81.5")
    assert series.candles[0].time == datetime(2020, 3, 12, 10, 0, tzinfo=UTC)
    assert series.interval == timedelta(minutes=1)
    assert series.low.low == Decimal("80")
    assert series.high.high == Decimal("110")
    assert series.gaps == ()


def test_columns_in_another_order_and_case_with_extra_columns_are_read():
    text = (
        "Close,Volume,open_time,Low,High,Open\n"
        "84,5,1584007200000,80,96,95\n"
        "90,1,1584007260000,83,91,84\n"
    )
    series = parse_candles(text)
    assert series.candles[0].open == Decimal("95")
    assert series.candles[0].time == datetime(2020, 3, 12, 10, 0, tzinfo=UTC)  # milliseconds


def test_wrong_columns_name_what_the_file_has():
    error = refused("date,price\n2020-03-12,100\n2020-03-13,101\n")
    assert error.message == (
        "The file needs the columns timestamp, open, high, low and close; it has: date, price."
    )
    assert error.row is None


def test_text_in_a_price_names_the_row_and_the_column():
    error = refused(GOOD.replace("80,81.5", "eighty,81.5"))
    assert error.message == BAD_PRICE.format(row=2, column="low", value="eighty")
    assert error.message == "Row 2: the low price 'eighty' is not a number."


def test_an_empty_price_and_nan_are_not_numbers():
    assert refused(GOOD.replace(",96,", ",,")).message == BAD_PRICE.format(
        row=2, column="high", value=""
    )
    assert refused(GOOD.replace(",96,", ",NaN,")).row == 2


def test_zero_and_negative_prices_are_refused():
    assert refused(GOOD.replace("81.5,85,81,84", "81.5,85,-1,84")).message == (
        NON_POSITIVE.format(row=3, column="low")
    )


def test_unsorted_times_are_refused_with_both_times():
    text = HEADER + "2020-03-12T10:01:00Z,1,2,1,1\n2020-03-12T10:00:00Z,1,2,1,1\n"
    error = refused(text)
    assert error.message == (
        "Row 2: 2020-03-12T10:00:00+00:00 does not come after the row before "
        "(2020-03-12T10:01:00+00:00): sort the candles oldest first, one row per bar."
    )


def test_a_repeated_bar_is_refused():
    text = HEADER + "2020-03-12T10:00:00Z,1,2,1,1\n2020-03-12T10:00:00Z,1,2,1,1\n"
    assert refused(text).row == 2


def test_a_time_that_is_not_a_time():
    error = refused(GOOD.replace("2020-03-12T10:01:00Z", "yesterday"))
    assert error.message == BAD_TIME.format(row=2, value="yesterday")


def test_inconsistent_candles_are_refused():
    assert refused(GOOD.replace("100,110,90,95", "100,99,90,95")).message == (
        HIGH_TOO_LOW.format(row=1, high="99")
    )
    assert refused(GOOD.replace("100,110,90,95", "100,110,96,95")).message == (
        LOW_TOO_HIGH.format(row=1, low="96")
    )


def test_gaps_are_reported_and_never_filled():
    text = GOOD + "2020-03-12T10:06:00Z,84,85,83,84\n2020-03-12T10:07:00Z,84,85,83,84\n"
    series = parse_candles(text)
    assert len(series.candles) == 5  # nothing added
    assert [(g.after.minute, g.before.minute, g.missing) for g in series.gaps] == [(2, 6, 3)]
    assert series.missing_bars == 3


def test_too_few_or_too_many_candles():
    assert refused(HEADER).message == EMPTY_FILE
    assert refused("").message == EMPTY_FILE
    rows = "".join(f"{1584007200 + 60 * i},1,2,1,1\n" for i in range(MAX_CANDLES + 1))
    assert refused("time,open,high,low,close\n" + rows).message == TOO_MANY_ROWS.format(
        maximum=MAX_CANDLES
    )


def test_interval_labels_read_as_exchanges_write_them():
    assert [interval_label(timedelta(minutes=m)) for m in (1, 5, 15, 60, 240, 1440)] == [
        "1m",
        "5m",
        "15m",
        "1h",
        "4h",
        "1d",
    ]
