"""The recorded crashes shipped with the academy: which candles, where from, and what is known.

The candle files live in ``margin/data/events/`` (see ``NOTES.md`` there for the sources, the
windows and the licensing caveat). Each event offers one or more *tracks*: a set of series of one
price type and one interval, one per symbol, sharing their bar times, so a replay can hold
positions on several symbols at once. An event with a mark-price track and a last-price track of
the same interval compares the two liquidation rules.

Documented figures are the press's and the aggregators' (liquidation totals are estimates that
differ between sources); "in the data" figures were read from the shipped files.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from margin.candles import CandleSeries, parse_candles

DATA_DIR = Path(__file__).resolve().parent / "data" / "events"
RECORDED_LABEL = "Recorded market data, for education"
LICENCE_NOTE = (
    "The candles come from exchanges' public market data (Binance, via freqtrade downloads and "
    "data.binance.vision dumps), copied from public repositories whose licences cover their code, "
    "not these prices; redistribution follows the exchanges' own terms. Shown here for teaching, "
    "not for trading."
)

MARK = "mark"
LAST = "last"
PRICE_TYPE_LABELS = {MARK: "mark price", LAST: "last traded price"}


@dataclass(frozen=True)
class Fact:
    text: str
    source: str = ""  # who reported it; empty: read from the shipped data
    url: str = ""


@dataclass(frozen=True)
class Track:
    id: str
    label: str
    price_type: str  # MARK or LAST
    market: str  # which market's prices, in words
    interval: str
    files: dict[str, str]  # symbol -> file name in DATA_DIR

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self.files)


@dataclass(frozen=True)
class RecordedEvent:
    slug: str
    title: str
    dates: str
    summary: str
    facts: tuple[Fact, ...]
    tracks: tuple[Track, ...]
    comparison: tuple[str, str] | None = None  # (mark track id, last track id)
    caveats: tuple[str, ...] = ()

    def track(self, track_id: str | None = None) -> Track:
        if track_id is None:
            return self.tracks[0]
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)


BINANCE_MARK = "Binance USD-M perpetual, mark price"
BINANCE_PERP = "Binance USD-M perpetual, last traded price"
BINANCE_SPOT = "Binance spot, last traded price"


def _hourly(prefix: str, symbols: tuple[str, ...]) -> tuple[Track, Track]:
    return (
        Track(
            "mark-1h",
            "Mark price, hourly",
            MARK,
            BINANCE_MARK,
            "1h",
            {s: f"{prefix}_binance-usdm-markprice-{s}_1h.csv" for s in symbols},
        ),
        Track(
            "last-1h",
            "Last traded price, hourly",
            LAST,
            BINANCE_PERP,
            "1h",
            {s: f"{prefix}_binance-usdm-perp-{s}_1h.csv" for s in symbols},
        ),
    )


def _fine(prefix: str, market: str, kind: str, interval: str, symbols: tuple[str, ...]) -> Track:
    minutes = {"1m": "1-minute", "5m": "5-minute", "15m": "15-minute"}[interval]
    return Track(
        f"last-{interval}",
        f"Last traded price, {minutes} candles",
        LAST,
        market,
        interval,
        {s: f"{prefix}_{kind}-{s}_{interval}.csv" for s in symbols},
    )


BTC_ETH = ("BTCUSDT", "ETHUSDT")
BTC_ETH_SOL = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
HOURLY_COMPARISON = ("mark-1h", "last-1h")

E1 = "e1-black-thursday-2020-03-12"
E2 = "e2-china-crash-2021-05-19"
E2B = "e2b-flash-crash-2021-04-18"
E3 = "e3-ftx-collapse-2022-11-08"
E4 = "e4-yen-carry-2024-08-05"
E5 = "e5-record-liquidations-2025-10-10"
E6 = "e6-luna-collapse-2022-05-07"
E7 = "e7-celsius-3ac-2022-06-13"
E8 = "e8-short-squeeze-2023-10-23"

EVENTS: dict[str, RecordedEvent] = {
    event.slug: event
    for event in (
        RecordedEvent(
            slug="black-thursday-2020",
            title="Black Thursday",
            dates="12–13 March 2020",
            summary=(
                "As markets everywhere sold off at the start of the pandemic, bitcoin lost about "
                "half its price in two waves: one in the morning (UTC) of 12 March and a deeper "
                "one in the night that followed. On the perpetual, the last traded price fell "
                "well below the mark price, so the rule an exchange liquidates on decided who "
                "survived."
            ),
            facts=(
                Fact(
                    "BitMEX's bitcoin perpetual went from about $7,350 at 10:00 UTC to a first "
                    "low near $5,680, then bottomed at $3,596 just before 02:00 UTC on 13 March; "
                    "over $700 million of its perpetuals were liquidated in the first leg.",
                    "LedgerPrime research",
                    "https://www.research.ledgerprime.com/p/cryptos-black-thursday-the-market",
                ),
                Fact(
                    "More than $1 billion of long positions were reported liquidated within 24 "
                    "hours (a weaker, aggregator-based figure).",
                    "blankvar.com summary",
                    "https://api.blankvar.com/en/p/1gx7bf",
                ),
                Fact(
                    "In the data: Binance's BTCUSDT perpetual traded down to 3,621.81 at 02:16 "
                    "UTC on 13 March, 54.4% under the 12 March open of 7,938.39, while its mark "
                    "price never went below 3,801.83."
                ),
                Fact("In the data: ETH on Binance spot fell from 194.61 to 86.00 (−55.8%)."),
            ),
            tracks=(
                *_hourly(E1, BTC_ETH),
                _fine(E1, BINANCE_PERP, "binance-usdm-perp", "1m", ("BTCUSDT",)),
            ),
            comparison=HOURLY_COMPARISON,
            caveats=(
                "The ETH perpetual's hourly file records a high of 323.00 at 02:00 UTC on "
                "13 March, while spot and the mark stayed under 121: a print on that one "
                "market, not confirmed by a second copy. A last-price rule liquidates shorts "
                "on it; the mark price does not.",
            ),
        ),
        RecordedEvent(
            slug="may-2021-crash",
            title="The May 2021 crash",
            dates="19 May 2021",
            summary=(
                "After a week of bad news (China restating its ban on crypto services among "
                "it), bitcoin fell 30% in a day and the altcoins far more, with the worst hour "
                "in the early afternoon UTC."
            ),
            facts=(
                Fact(
                    "Bitcoin went from about $43,000 to about $30,000 within the day, ether to "
                    "about $1,900.",
                    "press reports",
                ),
                Fact(
                    "Bybt counted more than $8.6 billion of liquidations on 19 May; other "
                    "tallies (CoinGlass) give $6.4 billion.",
                    "Bybt, as quoted by Newsbreak and Crypteko",
                    "https://crypteko.com/news/markets/alameda-research-analyst-revealed-details-of-the-btc-exchange-rate-fall-in-may",
                ),
                Fact(
                    "In the data (Binance spot, from the day's open): BTC 42,849.8 to 30,000.00 "
                    "at 13:10 UTC (−30.0%), ETH 3,375.08 to 1,888 (−44.1%), SOL 55.969 to "
                    "26.50 (−52.7%). The perpetuals went lower: BTC 28,688 and ETH 1,400.73, "
                    "against mark lows of 29,563.4 and 1,764.3."
                ),
            ),
            tracks=(
                *_hourly(E2, BTC_ETH),
                _fine(E2, BINANCE_SPOT, "binance-spot", "1m", BTC_ETH_SOL),
            ),
            comparison=HOURLY_COMPARISON,
            caveats=(
                "The 1-minute candles are spot prices (no 1-minute perpetual data was found for "
                "this day); the ETH perpetual's 1,400.73 low at 13:00 UTC is far under spot "
                "and the mark, a print on that market alone.",
            ),
        ),
        RecordedEvent(
            slug="april-2021-flash-crash",
            title="The April 2021 flash crash",
            dates="17–18 April 2021",
            summary=(
                "In the small hours of a Sunday (UTC), bitcoin dropped about 15% in minutes, "
                "a fall blamed at the time on a power cut that took mining offline in Xinjiang."
            ),
            facts=(
                Fact(
                    "Bybt counted more than $10 billion of liquidations; bitcoin went from about "
                    "$59,000 to $52,000 in minutes.",
                    "Forbes, syndicated by ABC7",
                    "https://abc7.news/crypto-flash-crash-destroyed-300-billion-in-less-than-24-hours-leading-to-massive-bitcoin-liquidations.html",
                ),
                Fact(
                    "In the data: Binance spot BTC fell from 60,006.7 at midnight to 50,931.3 at "
                    "03:35 UTC (−15.1%); the perpetual touched 50,050 and the mark 51,326.8."
                ),
            ),
            tracks=(
                *_hourly(E2B, BTC_ETH),
                _fine(E2B, BINANCE_SPOT, "binance-spot", "1m", BTC_ETH_SOL),
            ),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="ftx-collapse-2022",
            title="The FTX collapse",
            dates="8–10 November 2022",
            summary=(
                "When the rescue of the FTX exchange by Binance fell through, prices slid for "
                "two days; a slow crash rather than a single wick."
            ),
            facts=(
                Fact(
                    "The CoinDesk bitcoin price index fell to $15,625 on 9 November after Binance "
                    "walked away from the deal; bitcoin lost about 14% that day.",
                    "CoinDesk",
                    "https://www.coindesk.com/markets/2022/11/09/bitcoin-falls-below-17k-amid-latest-ftx-meltdown",
                ),
                Fact(
                    "More than $870 million was liquidated across some 402,000 traders from "
                    "8 November on.",
                    "Investopedia",
                    "https://www.investopedia.com/binance-ftx-deal-causes-crypto-bloodbath-6827167",
                ),
                Fact(
                    "In the data: Binance spot BTC fell from 20,590.7 to 15,588 (−24.3%); the "
                    "perpetual reached 15,462.6 and the mark 15,542.9. ETH fell 31.5%."
                ),
            ),
            tracks=(
                *_hourly(E3, BTC_ETH),
                _fine(E3, BINANCE_PERP, "binance-usdm-perp", "5m", BTC_ETH),
            ),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="yen-carry-2024",
            title="The yen carry-trade unwind",
            dates="5 August 2024",
            summary=(
                "A sudden unwinding of trades financed in cheap yen hit every market on a "
                "Monday: the Nikkei fell 12%, and crypto fell with it overnight."
            ),
            facts=(
                Fact(
                    "Bitcoin went from about $58,350 to about $49,000–49,500; CoinGlass reported "
                    "about $1.05 billion of liquidations, some $901 million of them longs.",
                    "CoinGlass, as reported by The Crypto Fintech",
                    "https://thecryptofintech.com/bitcoin-falls-below-53k-wiping-out-600m-in-leveraged-longs",
                ),
                Fact(
                    "In the data (Binance spot): BTC 58,161 to 49,000 at 06:20 UTC (−15.8%), ETH "
                    "2,688.91 to 2,111 at 01:10 UTC (−21.5%), SOL 138.32 to 110 (−20.5%); the "
                    "BTC perpetual touched 48,888 and the mark 49,063.7."
                ),
            ),
            tracks=(
                *_hourly(E4, BTC_ETH),
                _fine(E4, BINANCE_PERP, "binance-usdm-perp", "15m", BTC_ETH_SOL),
            ),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="october-2025-liquidations",
            title="The record liquidation day",
            dates="10 October 2025",
            summary=(
                "A post announcing 100% tariffs on Chinese goods set off the largest "
                "liquidation cascade on record, in the evening (UTC) of a Friday: most of it "
                "within forty minutes."
            ),
            facts=(
                Fact(
                    "CoinGlass counted more than $19 billion liquidated (about $19.2–19.4 "
                    "billion) across about 1.6 million traders.",
                    "CoinGlass, as reported by Hotcoin",
                    "https://insider.hotcoin.com/news/trumps-100-tariff-shock-turned-the-crypto-market-into-a-19-2-billion-bloodbath",
                ),
                Fact(
                    "Amberdata measured $6.93 billion liquidated in 40 minutes, with $3.21 "
                    "billion in the single minute around 21:15 UTC.",
                    "Amberdata, as quoted on Binance Square",
                ),
                Fact(
                    "In the data: Binance spot BTC fell from 116,891 at 20:50 to 102,000 at "
                    "21:20 UTC (−12.7%); the perpetual traded 101,516.5 while the mark went to "
                    "101,877.7. SOL's perpetual fell 31.8% against 18.5% on spot; its mark "
                    "bottomed at 143.83 while the perpetual printed 141.28."
                ),
            ),
            tracks=(
                *_hourly(E5, BTC_ETH_SOL),
                Track(
                    "mark-5m",
                    "Mark price, 5-minute candles",
                    MARK,
                    BINANCE_MARK,
                    "5m",
                    {"BTCUSDT": f"{E5}_binance-usdm-markprice-BTCUSDT_5m.csv"},
                ),
                _fine(E5, BINANCE_PERP, "binance-usdm-perp", "5m", BTC_ETH_SOL),
                _fine(E5, BINANCE_PERP, "binance-usdm-perp", "1m", ("BTCUSDT",)),
            ),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="luna-collapse-2022",
            title="The Terra (LUNA) collapse",
            dates="7–13 May 2022",
            summary=(
                "The UST stablecoin lost its peg and LUNA went to almost nothing within a week, "
                "dragging bitcoin and ether down with them."
            ),
            facts=(
                Fact(
                    "Binance suspended its LUNA perpetuals on 12 May and then delisted the spot "
                    "pairs; the Terra chain was halted on 13 May.",
                    "Digital Currency Research",
                    "https://digitalcurrencyresearch.io/2022/05/13/binance-removes-luna-futures-margin-pairs-and-spot-trading-pairs",
                ),
                Fact(
                    "In the data: LUNA went from 77.30 on 7 May to 0.00004 on 13 May on Binance "
                    "spot (LUNA has no market in this simulator; BTC's spot low was 26,700 on "
                    "12 May)."
                ),
            ),
            tracks=_hourly(E6, BTC_ETH),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="celsius-3ac-2022",
            title="Celsius and Three Arrows",
            dates="12–18 June 2022",
            summary=(
                "The lender Celsius froze withdrawals and the fund Three Arrows Capital failed: "
                "a week-long slide that took ether under $900."
            ),
            facts=(
                Fact(
                    "On 13 June bitcoin fell about 11% to about $23,900 and ether to $1,232; the "
                    "whole crypto market fell below $1 trillion.",
                    "CoinDesk",
                    "https://www.coindesk.com/markets/2022/06/13/first-mover-americas-bitcoin-ether-plunge-anew-as-celsius-halts-withdrawals/",
                ),
                Fact(
                    "Ether touched $881 on Binance on 18 June.",
                    "ForkLog",
                    "https://forklog.com/en/week-in-review-bitcoin-fails-to-clear-18000-as-celsius-and-3ac-stand-on-the-brink-of-bankruptcy/amp",
                ),
                Fact(
                    "In the data: the perpetuals fell to 20,823 (BTC) and 1,073 (ETH) on 14 June "
                    "at 02:00–02:35 UTC; ETH spot's hourly low was 881.56 on 18 June."
                ),
            ),
            tracks=(
                *_hourly(E7, BTC_ETH),
                _fine(E7, BINANCE_PERP, "binance-usdm-perp", "5m", BTC_ETH),
            ),
            comparison=HOURLY_COMPARISON,
        ),
        RecordedEvent(
            slug="short-squeeze-2023",
            title="The October 2023 short squeeze",
            dates="23–24 October 2023",
            summary=(
                "Hopes for a spot bitcoin ETF sent the price up 12% overnight: this time the "
                "shorts were liquidated, and the perpetual's spike went far above the mark."
            ),
            facts=(
                Fact(
                    "CoinGlass reported $275.45 million of short liquidations on 22 October and "
                    "$100.44 million on 23 October; bitcoin reached $35,113 (Coin Metrics).",
                    "CNBC, as quoted on Binance Square",
                    "https://binance.com/en/square/post/1503146",
                ),
                Fact(
                    "In the data: Binance's perpetual spiked to 35,981.9 at 22:42 UTC on "
                    "23 October, while the mark's high that hour was 34,912."
                ),
            ),
            tracks=(
                *_hourly(E8, BTC_ETH),
                _fine(E8, BINANCE_PERP, "binance-usdm-perp", "1m", ("BTCUSDT",)),
            ),
            comparison=HOURLY_COMPARISON,
        ),
    )
}


@functools.lru_cache(maxsize=128)
def load_file(name: str) -> CandleSeries:
    """A shipped candle file, parsed and validated (cached: the files never change at run time)."""
    return parse_candles((DATA_DIR / name).read_text())


def load_track(event: RecordedEvent, track_id: str | None = None) -> dict[str, CandleSeries]:
    track = event.track(track_id)
    return {symbol: load_file(name) for symbol, name in track.files.items()}
