"""Recorded crashes in the JSON API: ``GET /api/v1/events``, ``POST /api/v1/events/{slug}/replay``.

Registered on the engine API (``api.endpoints.api``) by ``ApiConfig.ready``. Same conventions as
the other endpoints: decimal strings, 422 with field paths for bad input. The candles are the
academy's shipped, recorded ones (see ``margin/data/events/NOTES.md``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, Field

from api.endpoints import (
    MAX_POSITIONS,
    DecimalIn,
    DecimalOut,
    ErrorOut,
    Symbol,
    VenueName,
    _guarded,
    _out,
    api,
)
from margin import ENGINE_VERSION, AccountSpec, MarginMode, PositionSpec
from margin.candles import interval_label
from margin.event_catalog import EVENTS, LICENCE_NOTE, RECORDED_LABEL, RecordedEvent, load_track
from margin.events import ModeReplay, compare_price_rules, replay_recorded

router = Router(tags=["recorded events"])
UNKNOWN_EVENT = "There is no recorded event {slug!r}; GET /api/v1/events lists them."
UNKNOWN_TRACK = "This event has no price series {track!r}; choose one of: {choices}."


class FactOut(Schema):
    text: str
    source: str
    url: str


class TrackOut(Schema):
    id: str
    label: str
    price_type: Literal["mark", "last"]
    market: str
    interval: str
    symbols: list[str]
    candles: int
    first_bar: str
    last_bar: str
    missing_bars: int


class RecordedEventOut(Schema):
    slug: str
    title: str
    dates: str
    summary: str
    facts: list[FactOut]
    caveats: list[str]
    tracks: list[TrackOut]
    comparison: list[str] | None = Field(description="[mark track, last-price track]")
    data_label: str
    licence: str


class EventPositionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=40, description="Default: A, B, C...")
    symbol: Symbol
    side: Literal["long", "short"]
    notional: DecimalIn | None = Field(None, description="Value at entry (USDT).")
    quantity: DecimalIn | None = Field(None, description="Base units (e.g. BTC).")
    leverage: DecimalIn
    entry_price: DecimalIn | None = Field(
        None, description="Used with keep_entry; default the event's first price."
    )


class EventReplayIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "wallet_balance": "5300",
                    "track": "last-1h",
                    "positions": [
                        {
                            "symbol": "BTCUSDT",
                            "side": "long",
                            "notional": "10000",
                            "leverage": "1.9",
                        }
                    ],
                }
            ]
        },
    )

    venue: VenueName = "binance"
    wallet_balance: DecimalIn
    track: str | None = Field(None, max_length=40, description="Default: the event's first.")
    keep_entry: bool = Field(
        False,
        description="Keep the positions' entry prices and scale the recorded moves to them.",
    )
    compare: bool = Field(True, description="Also replay on the mark and the last price.")
    positions: list[EventPositionIn] = Field(min_length=1, max_length=MAX_POSITIONS)


class LogOut(Schema):
    time: str
    candle_price: str | None = Field(description="open, high, low or close")
    type: str
    position: str | None
    positions: list[str] = Field(description="All positions closed together (merged ones).")
    symbol: str | None
    price: DecimalOut
    cost: DecimalOut
    insurance_fund: DecimalOut


class ModeOut(Schema):
    final_equity: DecimalOut
    insurance_fund: DecimalOut
    liquidated: list[str]
    log: list[LogOut]
    equity_at_close: list[DecimalOut] = Field(
        description="Equity at each candle's close, to the cent (drawn in floats)."
    )


class RuleOut(Schema):
    mark_liquidated: list[str]
    last_liquidated: list[str]
    only_on_last: list[str]
    mark_final_equity: DecimalOut
    last_final_equity: DecimalOut


class ComparisonOut(Schema):
    mark_track: str
    last_track: str
    mark_low: dict[str, DecimalOut]
    last_low: dict[str, DecimalOut]
    mark_high: dict[str, DecimalOut]
    last_high: dict[str, DecimalOut]
    isolated: RuleOut
    cross: RuleOut


class EventReplayOut(Schema):
    engine_version: str
    event: str
    track: str
    price_type: str
    venue: str
    times: list[str] = Field(description="Each candle's open time, UTC.")
    entry_prices: dict[str, DecimalOut]
    isolated: ModeOut
    cross: ModeOut
    comparison: ComparisonOut | None
    notes: list[str]
    data_label: str


def _event_out(event: RecordedEvent) -> dict[str, Any]:
    tracks = []
    for track in event.tracks:
        series = load_track(event, track.id)
        first = next(iter(series.values()))
        tracks.append(
            {
                "id": track.id,
                "label": track.label,
                "price_type": track.price_type,
                "market": track.market,
                "interval": interval_label(first.interval),
                "symbols": list(track.symbols),
                "candles": len(first.candles),
                "first_bar": first.start.isoformat(),
                "last_bar": first.end.isoformat(),
                "missing_bars": sum(s.missing_bars for s in series.values()),
            }
        )
    return {
        "slug": event.slug,
        "title": event.title,
        "dates": event.dates,
        "summary": event.summary,
        "facts": [{"text": f.text, "source": f.source, "url": f.url} for f in event.facts],
        "caveats": list(event.caveats),
        "tracks": tracks,
        "comparison": list(event.comparison) if event.comparison else None,
        "data_label": RECORDED_LABEL,
        "licence": LICENCE_NOTE,
    }


@router.get(
    "/events",
    response=list[RecordedEventOut],
    summary="The recorded crashes that can be replayed",
    url_name="events",
)
def list_events(request: HttpRequest) -> Any:
    return [_event_out(event) for event in EVENTS.values()]


def _mode_out(mode: ModeReplay) -> dict[str, Any]:
    closes = mode.equity[3::4]
    return {
        "final_equity": _out(mode.final_equity),
        "insurance_fund": _out(mode.insurance_fund),
        "liquidated": list(mode.liquidated),
        "log": [
            {
                "time": e.time.isoformat(),
                "candle_price": e.part,
                "type": e.type,
                "position": e.position,
                "positions": list(e.positions),
                "symbol": e.symbol,
                "price": _out(e.price),
                "cost": _out(e.cost),
                "insurance_fund": _out(e.insurance_fund),
            }
            for e in mode.log
        ],
        "equity_at_close": [f"{value:.2f}" for value in closes],
    }


class NotFoundOut(Schema):
    detail: str


@router.post(
    "/events/{slug}/replay",
    response={200: EventReplayOut, 404: NotFoundOut, 422: ErrorOut},
    summary="Replay positions through a recorded crash, isolated vs cross",
    description=(
        "Opens the positions at the event's first prices (or keeps their entry prices and "
        "scales the recorded moves, with keep_entry), replays the recorded candles with their "
        "highs and lows, all isolated and all cross, and, where the event has both, compares "
        "a mark-price with a last-price liquidation rule. At most 8 positions."
    ),
    url_name="event-replay",
)
def replay_event(request: HttpRequest, slug: str, payload: EventReplayIn) -> Any:
    event = EVENTS.get(slug)
    if event is None:
        raise HttpError(404, UNKNOWN_EVENT.format(slug=slug[:60]))
    track_ids = [t.id for t in event.tracks]
    if payload.track is not None and payload.track not in track_ids:
        item = {
            "loc": ["body", "track"],
            "msg": UNKNOWN_TRACK.format(track=payload.track, choices=", ".join(track_ids)),
            "type": "unknown_track",
        }
        return api.create_response(request, {"detail": [item]}, status=422)
    ids = [p.id or chr(ord("A") + i) for i, p in enumerate(payload.positions)]

    def compute() -> dict[str, Any]:
        track = event.track(payload.track)
        series = load_track(event, track.id)
        positions = []
        for position_id, p in zip(ids, payload.positions, strict=True):
            start = series[p.symbol].candles[0].open if p.symbol in series else Decimal(1)
            fields = p.model_dump(exclude_none=True, exclude={"id", "entry_price"})
            positions.append(
                PositionSpec(
                    id=position_id,
                    margin_mode=MarginMode.ISOLATED,
                    entry_price=p.entry_price or start,
                    **fields,
                )
            )
        account = AccountSpec(wallet_balance=payload.wallet_balance, positions=tuple(positions))
        result = replay_recorded(
            account, series, venue=payload.venue, keep_entry=payload.keep_entry
        )
        comparison = None
        held = {p.symbol for p in positions}
        if payload.compare and event.comparison:
            mark_track, last_track = (event.track(t) for t in event.comparison)
            if held <= set(mark_track.symbols) and held <= set(last_track.symbols):
                compared = compare_price_rules(
                    account,
                    load_track(event, mark_track.id),
                    load_track(event, last_track.id),
                    venue=payload.venue,
                    keep_entry=payload.keep_entry,
                )

                def rule(mode: MarginMode) -> dict[str, Any]:
                    on_mark = getattr(compared.mark, mode.value)
                    on_last = getattr(compared.last, mode.value)
                    return {
                        "mark_liquidated": list(on_mark.liquidated),
                        "last_liquidated": list(on_last.liquidated),
                        "only_on_last": list(compared.only_on_last(mode)),
                        "mark_final_equity": _out(on_mark.final_equity),
                        "last_final_equity": _out(on_last.final_equity),
                    }

                comparison = {
                    "mark_track": mark_track.id,
                    "last_track": last_track.id,
                    **{
                        name: {s: _out(v) for s, v in getattr(compared, name).items()}
                        for name in ("mark_low", "last_low", "mark_high", "last_high")
                    },
                    "isolated": rule(MarginMode.ISOLATED),
                    "cross": rule(MarginMode.CROSS),
                }
        return {
            "engine_version": ENGINE_VERSION,
            "event": event.slug,
            "track": track.id,
            "price_type": track.price_type,
            "venue": result.venue,
            "times": [t.isoformat() for t in result.path.times],
            "entry_prices": {s: _out(p) for s, p in result.entry_prices.items()},
            "isolated": _mode_out(result.isolated),
            "cross": _mode_out(result.cross),
            "comparison": comparison,
            "notes": list(result.notes),
            "data_label": RECORDED_LABEL,
        }

    return _guarded(request, ids, compute)


api.add_router("", router)
