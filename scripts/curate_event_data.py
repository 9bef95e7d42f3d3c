"""Copy the curated windows of recorded crash candles into ``margin/data/events/``.

A maintainer's tool, run by hand when the shipped subset changes; nothing at run or test time
reads the source folder. It copies rows verbatim (no rounding, resampling or filling), keeps only
the bars inside each window, and writes the file list with sizes to stdout.

    python scripts/curate_event_data.py /path/to/crashdata
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DESTINATION = Path(__file__).resolve().parent.parent / "margin" / "data" / "events"
COLUMNS = ("timestamp_utc", "open", "high", "low", "close")

# (source file stem after the event prefix, first bar, last bar): windows around each low.
E1 = "e1-black-thursday-2020-03-12"
E2 = "e2-china-crash-2021-05-19"
E2B = "e2b-flash-crash-2021-04-18"
E3 = "e3-ftx-collapse-2022-11-08"
E4 = "e4-yen-carry-2024-08-05"
E5 = "e5-record-liquidations-2025-10-10"
E6 = "e6-luna-collapse-2022-05-07"
E7 = "e7-celsius-3ac-2022-06-13"
E8 = "e8-short-squeeze-2023-10-23"


def _hourly(event: str, symbols: tuple[str, ...], first: str, last: str) -> list[tuple]:
    return [
        (f"{event}_binance-usdm-{kind}-{symbol}_1h.csv", first, last)
        for kind in ("markprice", "perp")
        for symbol in symbols
    ]


WINDOWS: list[tuple[str, str, str]] = [
    *_hourly(E1, ("BTCUSDT", "ETHUSDT"), "2020-03-12T00:00:00Z", "2020-03-13T23:00:00Z"),
    (f"{E1}_binance-usdm-perp-BTCUSDT_1m.csv", "", ""),
    *_hourly(E2, ("BTCUSDT", "ETHUSDT"), "2021-05-18T12:00:00Z", "2021-05-20T11:00:00Z"),
    *[
        (f"{E2}_binance-spot-{s}_1m.csv", "2021-05-19T00:00:00Z", "2021-05-19T23:59:00Z")
        for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT")
    ],
    *_hourly(E2B, ("BTCUSDT", "ETHUSDT"), "2021-04-17T12:00:00Z", "2021-04-19T11:00:00Z"),
    *[
        (f"{E2B}_binance-spot-{s}_1m.csv", "2021-04-17T18:00:00Z", "2021-04-18T17:59:00Z")
        for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT")
    ],
    *_hourly(E3, ("BTCUSDT", "ETHUSDT"), "2022-11-08T00:00:00Z", "2022-11-10T23:00:00Z"),
    *[(f"{E3}_binance-usdm-perp-{s}_5m.csv", "", "") for s in ("BTCUSDT", "ETHUSDT")],
    *_hourly(E4, ("BTCUSDT", "ETHUSDT"), "2024-08-04T00:00:00Z", "2024-08-06T11:00:00Z"),
    *[(f"{E4}_binance-usdm-perp-{s}_15m.csv", "", "") for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT")],
    *_hourly(E5, ("BTCUSDT", "ETHUSDT", "SOLUSDT"), "2025-10-09T12:00:00Z", "2025-10-11T11:00:00Z"),
    (f"{E5}_binance-usdm-markprice-BTCUSDT_5m.csv", "", ""),
    *[(f"{E5}_binance-usdm-perp-{s}_5m.csv", "", "") for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT")],
    (f"{E5}_binance-usdm-perp-BTCUSDT_1m.csv", "", ""),
    *_hourly(E6, ("BTCUSDT", "ETHUSDT"), "2022-05-07T00:00:00Z", "2022-05-13T23:00:00Z"),
    *_hourly(E7, ("BTCUSDT", "ETHUSDT"), "2022-06-12T00:00:00Z", "2022-06-18T23:00:00Z"),
    *[(f"{E7}_binance-usdm-perp-{s}_5m.csv", "", "") for s in ("BTCUSDT", "ETHUSDT")],
    *_hourly(E8, ("BTCUSDT", "ETHUSDT"), "2023-10-22T00:00:00Z", "2023-10-24T23:00:00Z"),
    (f"{E8}_binance-usdm-perp-BTCUSDT_1m.csv", "", ""),
]


def main(source: Path) -> None:
    DESTINATION.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, first, last in WINDOWS:
        with (source / name).open(newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [
                [row[c] for c in COLUMNS]
                for row in reader
                if (not first or row["timestamp_utc"] >= first)
                and (not last or row["timestamp_utc"] <= last)
            ]
        target = DESTINATION / name
        with target.open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        size = target.stat().st_size
        total += size
        print(f"{name}\t{len(rows)} rows\t{size} bytes")
    print(f"total\t{len(WINDOWS)} files\t{total} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
