"""The recorded-event replay pages: real crashes replayed against isolated and cross margin.

``events`` is the page (GET, so every replay has a shareable address); htmx gets only the
``#event-replay`` section. ``upload`` takes a learner's own candles into the session (never into
the database; instructors save events in the admin), ``embed`` is a compact mark-vs-last card
for lessons. The engine work is in ``margin.events``; this module chooses what to replay and
turns the result into what the templates show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url

from core.display import money, price
from margin import MarginError, MarginMode
from margin.candles import CandleSeries, interval_label, parse_candles
from margin.event_catalog import (
    EVENTS,
    LICENCE_NOTE,
    MARK,
    PRICE_TYPE_LABELS,
    RECORDED_LABEL,
    Fact,
    RecordedEvent,
    Track,
    load_track,
)
from margin.events import PriceRuleComparison, RecordedReplay, compare_price_rules, replay_recorded
from simulator.event_charts import event_chart
from simulator.event_forms import (
    EVENT_PREFIX,
    MAX_EVENT_POSITIONS,
    CandleUploadForm,
    EventSetup,
)
from simulator.models import SavedEvent

logger = logging.getLogger(__name__)

SESSION_KEY = "simulator_event_upload"
UPLOAD_KEY = "upload"
SAVED_PREFIX = "saved-"
DEFAULT_EVENT = "black-thursday-2020"
EVENT_GONE = "That event is no longer available; choose another one."
ENGINE_FAILED = "The engine could not replay this setup; try less extreme numbers."
MODE_LABELS = {MarginMode.ISOLATED: "Isolated", MarginMode.CROSS: "Cross"}


def _rows(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {f"{EVENT_PREFIX}-TOTAL_FORMS": str(len(rows)), f"{EVENT_PREFIX}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data |= {f"{EVENT_PREFIX}-{index}-{key}": value for key, value in row.items()}
    return data


def setup_data(
    event: str, rows: list[dict[str, str]], *, wallet: str, entry: str = "event", series: str = ""
) -> dict[str, str]:
    """The replay form's fields for ``rows`` (symbol, side, notional, leverage[, entry_price])."""
    return {
        "event": event,
        "series": series,
        "entry": entry,
        "wallet_balance": wallet,
        "venue": "binance",
    } | _rows(rows)


DEFAULT_DATA = setup_data(
    DEFAULT_EVENT,
    [
        {"symbol": "BTCUSDT", "side": "long", "notional": "10000", "leverage": "4"},
        {"symbol": "ETHUSDT", "side": "short", "notional": "3000", "leverage": "2"},
    ],
    wallet="6000",
)
# The lessons' mark-vs-last cards: a position whose liquidation price lies between the two lows.
EMBED_SETUPS = {
    "black-thursday-2020": {
        "side": "long",
        "leverage": "1.9",
        "notional": "10000",
        "wallet": "5300",
    },
    "short-squeeze-2023": {"side": "short", "leverage": "5", "notional": "10000", "wallet": "3000"},
}
EMBED_DEFAULT = {"side": "long", "leverage": "3", "notional": "10000", "wallet": "4000"}


@dataclass(frozen=True)
class EventSource:
    """Something to replay: a shipped event, an instructor's saved one, or the learner's upload."""

    key: str
    event: RecordedEvent
    kind: str  # "recorded", "saved" or "upload"
    data_note: str
    load: Callable[[str | None], dict[str, CandleSeries]]

    @property
    def symbols(self) -> set[str]:
        return {s for track in self.event.tracks for s in track.symbols}


def _shipped(event: RecordedEvent) -> EventSource:
    return EventSource(
        key=event.slug,
        event=event,
        kind="recorded",
        data_note=RECORDED_LABEL,
        load=lambda track_id: load_track(event, track_id),
    )


def _single(
    key: str, title: str, summary: str, symbol: str, price_type: str, series, kind: str, note: str
) -> EventSource:
    interval = interval_label(series.interval)
    track = Track(
        id=UPLOAD_KEY if kind == "upload" else "saved",
        label=f"{PRICE_TYPE_LABELS[price_type].capitalize()}, {interval} candles",
        price_type=price_type,
        market=note,
        interval=interval_label(series.interval),
        files={symbol: ""},
    )
    first, last = series.start, series.end
    event = RecordedEvent(
        slug=key,
        title=title,
        dates=f"{first:%d %b %Y %H:%M} to {last:%d %b %Y %H:%M} UTC",
        summary=summary,
        facts=(
            Fact(
                f"In the data: low {price(series.low.low)} at {series.low.time:%d %b %H:%M} UTC, "
                f"high {price(series.high.high)} at {series.high.time:%d %b %H:%M} UTC; "
                f"{len(series.candles)} candles, {series.missing_bars} missing."
            ),
        ),
        tracks=(track,),
    )
    return EventSource(key, event, kind, note, lambda _track_id: {symbol: series})


def event_choices(request) -> list[tuple[str, str]]:
    """The event select's options: the shipped events, instructors' saved ones, the upload."""
    choices = [(e.slug, f"{e.title} ({e.dates})") for e in EVENTS.values()]
    choices += [
        (f"{SAVED_PREFIX}{pk}", f"{title} (saved by an instructor)")
        for pk, title in SavedEvent.objects.filter(published=True).values_list("pk", "title")
    ]
    upload = request.session.get(SESSION_KEY)
    if isinstance(upload, dict) and "name" in upload:
        choices.append((UPLOAD_KEY, f"Your candles: {upload['name']}"))
    return choices


def event_source(request, key: str) -> EventSource | None:
    """What ``key`` replays; only the chosen event's candles are parsed."""
    if key in EVENTS:
        return _shipped(EVENTS[key])
    try:
        if key == UPLOAD_KEY:
            upload = request.session[SESSION_KEY]
            return _single(
                UPLOAD_KEY,
                f"Your candles: {upload['name']}",
                "Candles you uploaded, kept in your session only (not checked by the academy).",
                upload["symbol"],
                upload["price_type"],
                parse_candles(upload["text"]),
                "upload",
                "Uploaded by you for this session; the academy has not checked it.",
            )
        saved = SavedEvent.objects.get(pk=int(key.removeprefix(SAVED_PREFIX)), published=True)
        return _single(
            key,
            saved.title,
            saved.description,
            saved.symbol,
            saved.price_type,
            saved.series(),
            "saved",
            f"Saved by an instructor. Source: {saved.source}",
        )
    except (KeyError, TypeError, ValueError, SavedEvent.DoesNotExist):
        # MarginError is a ValueError: candles validated when saved, broken by a hand edit since
        logger.warning("event %r could not be loaded", key[:40])
        return None


def _series_choices() -> list[tuple[str, str]]:
    choices = {"": "The event's first series"}
    for event in EVENTS.values():
        for track in event.tracks:
            choices.setdefault(track.id, track.label)
    choices[UPLOAD_KEY] = "Your uploaded candles"
    choices["saved"] = "The saved candles"
    return list(choices.items())


SERIES_CHOICES = _series_choices()


def make_setup(data, choices: list[tuple[str, str]]) -> EventSetup:
    return EventSetup(data, event_choices=choices, series_choices=SERIES_CHOICES)


# --- presenting a replay -----------------------------------------------------------------------


def _when(entry_time) -> str:
    return f"{entry_time:%d %b %H:%M} UTC"


def _fund_text(change: Decimal, collateral: str) -> str:
    if change < 0:
        return f"paid {money(-change, collateral)}"
    if change > 0:
        return f"received {money(change, collateral)}"
    return "nothing"


def mode_summaries(result: RecordedReplay, collateral: str = "USDT") -> list[dict]:
    start = result.starting_equity
    summaries = []
    for mode in result.modes:
        log = [
            {
                "time": _when(e.time),
                "position": ", ".join(e.positions) or e.position or "",
                "symbol": e.symbol or "",
                "what": "closed by liquidation" if e.type == "liquidation" else "insurance fund",
                "price": price(e.price),
                "part": e.part or "",
                "cost": money(e.cost, collateral),
                "fund": _fund_text(e.insurance_fund, collateral),
            }
            for e in mode.log
        ]
        summaries.append(
            {
                "mode": mode.mode.value,
                "label": MODE_LABELS[mode.mode],
                "final_equity": money(mode.final_equity, collateral),
                "change": money(mode.final_equity - start, collateral),
                "liquidated": list(mode.liquidated),
                "verdict": (
                    f"{', '.join(mode.liquidated)} liquidated"
                    if mode.liquidated
                    else "Nothing liquidated"
                ),
                "fund": _fund_text(mode.insurance_fund, collateral),
                "log": log,
            }
        )
    return summaries


def comparison_summary(comparison: PriceRuleComparison, collateral: str = "USDT") -> dict:
    symbols = list(comparison.mark.path.candles)
    lows = [
        {
            "symbol": s,
            "mark_low": price(comparison.mark_low[s]),
            "last_low": price(comparison.last_low[s]),
            "mark_high": price(comparison.mark_high[s]),
            "last_high": price(comparison.last_high[s]),
        }
        for s in symbols
    ]
    modes = []
    for mode in (MarginMode.ISOLATED, MarginMode.CROSS):
        on_mark = getattr(comparison.mark, mode.value)
        on_last = getattr(comparison.last, mode.value)
        extra = comparison.only_on_last(mode)
        first_by_id = {
            position: e for e in on_last.log if e.type == "liquidation" for position in e.positions
        }
        modes.append(
            {
                "label": MODE_LABELS[mode],
                "mark": money(on_mark.final_equity, collateral),
                "last": money(on_last.final_equity, collateral),
                "mark_liquidated": ", ".join(on_mark.liquidated) or "nothing",
                "last_liquidated": ", ".join(on_last.liquidated) or "nothing",
                "only_on_last": [
                    {
                        "position": p,
                        "time": _when(first_by_id[p].time),
                        "price": price(first_by_id[p].price),
                    }
                    for p in extra
                ],
            }
        )
    return {"lows": lows, "modes": modes}


def replay_context(source: EventSource, setup: EventSetup) -> dict:
    """Everything the result region shows, or an error message."""
    event = source.event
    requested = setup.form.cleaned_data.get("series") or None
    track_ids = [t.id for t in event.tracks]
    track = event.track(requested if requested in track_ids else None)
    notice = None
    if requested and requested not in track_ids:
        wanted = dict(SERIES_CHOICES)[requested]
        notice = f"This event has no “{wanted}”; replayed on the {track.label.lower()}."
    series = source.load(track.id)
    starts = {symbol: s.candles[0].open for symbol, s in series.items()}
    account = setup.account_spec(starts)
    venue = setup.form.cleaned_data["venue"]
    try:
        result = replay_recorded(account, series, venue=venue, keep_entry=setup.keep_entry)
    except MarginError as error:
        return {"error": error.message, "event": event, "track": track}
    except ArithmeticError:
        logger.exception("event replay failed")
        return {"error": ENGINE_FAILED, "event": event, "track": track}
    comparison = None
    held = {p.symbol for p in account.positions}
    if event.comparison:
        mark_track, last_track = (event.track(t) for t in event.comparison)
        if held <= set(mark_track.symbols) and held <= set(last_track.symbols):
            comparison = comparison_summary(
                compare_price_rules(
                    account,
                    source.load(mark_track.id),
                    source.load(last_track.id),
                    venue=venue,
                    keep_entry=setup.keep_entry,
                )
            )
            comparison["mark_track"], comparison["last_track"] = mark_track, last_track
    chart = event_chart(result, title=f"{event.title}: price and equity, isolated vs cross")
    return {
        "event": event,
        "source": source,
        "track": track,
        "notice": notice,
        "series_notes": [
            {
                "symbol": symbol,
                "candles": len(s.candles),
                "interval": interval_label(s.interval),
                "first": f"{s.start:%d %b %Y %H:%M}",
                "last": f"{s.end:%d %b %Y %H:%M}",
                "missing": s.missing_bars,
            }
            for symbol, s in series.items()
        ],
        "entries": [
            {"symbol": s, "price": price(p)} for s, p in sorted(result.entry_prices.items())
        ],
        "modes": mode_summaries(result),
        "comparison": comparison,
        "chart": chart,
        "notes": result.notes,
        "price_label": PRICE_TYPE_LABELS[track.price_type],
        "is_mark": track.price_type == MARK,
        "licence": LICENCE_NOTE,
    }


# --- views -------------------------------------------------------------------------------------


def _wants_partial(request) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _page(request, *, data, upload_form=None, pushed=None) -> HttpResponse:
    choices = event_choices(request)
    setup = make_setup(data, choices)
    outcome = None
    if setup.is_valid():
        source = event_source(request, setup.form.cleaned_data["event"])
        outcome = replay_context(source, setup) if source else {"error": EVENT_GONE}
    context = {
        "setup": setup,
        "outcome": outcome,
        "upload_form": upload_form or CandleUploadForm(),
        "has_upload": any(key == UPLOAD_KEY for key, _ in choices),
        "recorded_label": RECORDED_LABEL,
        "licence": LICENCE_NOTE,
        "prefix": EVENT_PREFIX,
    }
    partial = _wants_partial(request) and upload_form is None
    template = "simulator/events/_replay.html" if partial else "simulator/events/page.html"
    response = render(request, template, context)
    if partial:
        # the address bar shows the replay's own URL, shareable and reloadable
        push_url(response, pushed or request.get_full_path())
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


ROW_FIELDS = ("symbol", "side", "notional", "leverage", "entry_price")


def _edit_rows(data: QueryDict) -> dict[str, str] | None:
    """The form's fields with a row added or removed (the page's add and remove buttons work
    without JavaScript), or None when neither was pressed."""
    if "add" not in data and "remove" not in data:
        return None
    try:
        count = min(int(data.get(f"{EVENT_PREFIX}-TOTAL_FORMS", "0")), MAX_EVENT_POSITIONS)
    except ValueError:
        count = 0
    rows = [
        {name: data.get(f"{EVENT_PREFIX}-{i}-{name}", "") for name in ROW_FIELDS}
        for i in range(count)
    ]
    if "add" in data and len(rows) < MAX_EVENT_POSITIONS:
        held = {row["symbol"] for row in rows}
        symbol = next((s for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT") if s not in held), "BTCUSDT")
        rows.append({"symbol": symbol, "side": "long", "notional": "5000", "leverage": "5"})
    remove = data.get("remove", "")
    if remove.isdigit() and int(remove) < len(rows) and len(rows) > 1:
        del rows[int(remove)]
    kept = {
        key: data.get(key, "")
        for key in ("event", "series", "entry", "wallet_balance", "venue")
        if key in data
    }
    return kept | _rows([{k: v for k, v in row.items() if v} for row in rows])


@require_GET
def events(request):
    if "event" not in request.GET:
        return _page(request, data=QueryDict(urlencode(DEFAULT_DATA)))
    edited = _edit_rows(request.GET)
    if edited is None:
        return _page(request, data=request.GET)
    url = f"{reverse('simulator:events')}?{urlencode(edited)}"
    if not _wants_partial(request):
        return redirect(f"{url}#event-replay")
    return _page(request, data=QueryDict(urlencode(edited)), pushed=url)


@require_POST
def upload(request):
    form = CandleUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, data=QueryDict(urlencode(DEFAULT_DATA)), upload_form=form)
    symbol = form.cleaned_data["symbol"]
    request.session[SESSION_KEY] = {
        "name": request.FILES["candles"].name[:80],
        "symbol": symbol,
        "price_type": form.cleaned_data["price_type"],
        "text": form.cleaned_data["candles"],
    }
    data = setup_data(
        UPLOAD_KEY,
        [{"symbol": symbol, "side": "long", "notional": "10000", "leverage": "5"}],
        wallet="5000",
    )
    return redirect(f"{reverse('simulator:events')}?{urlencode(data)}#event-replay")


@require_POST
def forget_upload(request):
    request.session.pop(SESSION_KEY, None)
    return redirect(reverse("simulator:events"))


def embed_setup(slug: str, params) -> dict[str, str]:
    chosen = {**EMBED_SETUPS.get(slug, EMBED_DEFAULT)}
    for name in chosen:
        if params.get(name):
            chosen[name] = params[name][:20]
    return chosen


@require_GET
def embed(request, slug: str):
    """A compact card for lessons: one BTC position on the mark price vs the last price."""
    event = EVENTS.get(slug)
    if event is None or event.comparison is None:
        raise Http404("There is no recorded event with that name.")
    chosen = embed_setup(slug, request.GET)
    data = setup_data(
        slug,
        [
            {
                "symbol": "BTCUSDT",
                "side": chosen["side"],
                "notional": chosen["notional"],
                "leverage": chosen["leverage"],
            }
        ],
        wallet=chosen["wallet"],
        series=event.comparison[0],
    )
    setup = make_setup(QueryDict(urlencode(data)), [(slug, event.title)])
    outcome = replay_context(_shipped(event), setup) if setup.is_valid() else None
    context = {
        "event": event,
        "outcome": outcome,
        "chosen": chosen,
        "errors": None if setup.is_valid() else "Check the position's numbers.",
        "url": f"{reverse('simulator:events')}?{urlencode(data)}#event-replay",
        "recorded_label": RECORDED_LABEL,
    }
    response = render(request, "simulator/events/embed.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
