"""The recorded-event chart: the price on top, both modes' equity below, one time axis.

Server-rendered SVG with its numbers in a table beside it (the text alternative). Thousands of
points are thinned to at most two per pixel column, each column's lowest and highest, so a
one-minute wick still shows. Coordinates are floats because they are pixels; the figures in the
table come from the engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.display import money, price
from margin.events import RecordedReplay
from simulator.charts import nice_step

WIDTH = 760
LEFT = 84
RIGHT = 20
TOP = 52
PANEL = 160
GAP = 44
BOTTOM = 44
HEIGHT = TOP + PANEL + GAP + PANEL + BOTTOM
FONT_PX = 13  # never under 12 px, as the style guide asks
TABLE_ROWS = 48
MODE_STYLE = {"isolated": ("#0b5cad", ""), "cross": ("#b34700", ' stroke-dasharray="7 4"')}
SYMBOL_COLOURS = ("#1f1f1f", "#6a3d9a", "#1b7837", "#8c510a")


@dataclass(frozen=True)
class EventChart:
    id: str
    title: str
    description: str
    svg: SafeString
    headings: list[str]
    rows: list[list[str]]


def _thin(values: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values keeping each column's minimum and maximum, in time order."""
    count = len(values)
    if count <= 2 * columns:
        index = np.arange(count)
        return index, values
    edges = np.linspace(0, count, columns + 1).astype(int)
    keep = []
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        chunk = values[start:end]
        low, high = start + int(chunk.argmin()), start + int(chunk.argmax())
        keep += sorted({low, high})
    index = np.array(keep)
    return index, values[index]


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        return [low]
    step = nice_step(high - low, count)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _time_label(moment: datetime, multi_day: bool) -> str:
    return moment.strftime("%d %b %H:%M" if multi_day else "%H:%M")


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def event_chart(result: RecordedReplay, *, title: str, collateral: str = "USDT") -> EventChart:
    path = result.path
    points = path.length
    symbols = list(path.candles)
    single = len(symbols) == 1
    multi_day = path.times[-1].date() != path.times[0].date()
    plot_w = WIDTH - LEFT - RIGHT
    columns = plot_w // 2

    def sx(point: float) -> float:
        return LEFT + point / max(points - 1, 1) * plot_w

    # price panel: the price itself for one symbol, else each symbol's move in per cent
    if single:
        lines = {symbols[0]: path.floats[symbols[0]]}
        price_label = f"{symbols[0]} price"
    else:
        lines = {s: (path.floats[s] / path.floats[s][0] - 1) * 100 for s in symbols}
        price_label = "Move from the start (%)"
    p_low = min(float(v.min()) for v in lines.values())
    p_high = max(float(v.max()) for v in lines.values())
    equity = {m.mode.value: m.equity for m in result.modes}
    e_min = min(float(v.min()) for v in equity.values())
    e_high = max(float(v.max()) for v in equity.values())
    # room below the lowest equity, never below zero: a small loss still shows as a move
    e_low = max(0.0, e_min - 0.15 * max(e_high - e_min, 0.02 * abs(e_high)))

    def scaler(low: float, high: float, top: float):
        span = (high - low) or 1.0
        return lambda y: top + (high - y) / span * PANEL

    price_y = scaler(p_low, p_high, TOP)
    equity_top = TOP + PANEL + GAP
    equity_y = scaler(e_low, e_high, equity_top)
    bottom = equity_top + PANEL

    chart_id = "event-chart"
    description = (
        f"{price_label} and the account's equity, isolated (solid) and cross (dashed), through "
        f"{len(path.times)} recorded candles from {path.times[0]:%d %b %Y %H:%M} to "
        f"{path.times[-1]:%d %b %Y %H:%M} UTC. Dots mark liquidations."
    )
    parts = [
        f'<svg class="event-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" style="font-size:{FONT_PX}px">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    ]
    # grids and axis labels
    parts.append('<g class="grid" aria-hidden="true">')
    for low, high, y_of, label, top in (
        (p_low, p_high, price_y, price_label, TOP),
        (e_low, e_high, equity_y, f"Equity ({collateral})", equity_top),
    ):
        for value in _ticks(low, high):
            y = y_of(value)
            parts.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}"/>'
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
            )
        parts.append(f'<text class="axis-label" x="{LEFT}" y="{top - 10}">{escape(label)}</text>')
    for k in range(5):
        point = round(k * (points - 1) / 4)
        x = sx(point)
        anchor = "start" if k == 0 else "end" if k == 4 else "middle"
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="{anchor}">'
            f"{_time_label(path.time_of(point), multi_day)}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">Time (UTC)</text></g>'
    )
    # lines
    for colour, (symbol, values) in zip(SYMBOL_COLOURS, lines.items(), strict=False):
        index, thinned = _thin(values, columns)
        coords = " ".join(
            f"{sx(i):.1f},{price_y(v):.1f}" for i, v in zip(index, thinned, strict=True)
        )
        parts.append(
            f'<polyline class="price" fill="none" stroke="{colour}" stroke-width="1.5" '
            f'points="{coords}"><title>{escape(symbol)}</title></polyline>'
        )
    for mode, values in equity.items():
        colour, dash = MODE_STYLE[mode]
        index, thinned = _thin(values, columns)
        coords = " ".join(
            f"{sx(i):.1f},{equity_y(v):.1f}" for i, v in zip(index, thinned, strict=True)
        )
        parts.append(
            f'<polyline class="equity {mode}" fill="none" stroke="{colour}" stroke-width="2"'
            f'{dash} points="{coords}"/>'
        )
    # liquidations: a rule across both panels and a labelled dot on the equity line
    for m in result.modes:
        colour, _ = MODE_STYLE[m.mode.value]
        for entry in m.log:
            if entry.type != "liquidation":
                continue
            x = sx(entry.point)
            y = equity_y(float(m.equity[entry.point]))
            label = f"{entry.position} ({m.mode.value[:3]}.)"
            parts.append(
                f'<g class="liquidation {m.mode.value}"><line x1="{x:.1f}" y1="{TOP}" '
                f'x2="{x:.1f}" y2="{bottom}" stroke="{colour}" stroke-opacity="0.45" '
                f'stroke-dasharray="2 3"/><circle cx="{x:.1f}" cy="{y:.1f}" r="5" '
                f'fill="{colour}"/><text x="{x + 7:.1f}" y="{y - 8:.1f}" fill="{colour}" '
                f'font-weight="600">{escape(label)}</text></g>'
            )
    # legend
    legend = [
        (f"{s}" if not single else s, c, "") for s, c in zip(symbols, SYMBOL_COLOURS, strict=False)
    ]
    legend += [("Isolated equity", *MODE_STYLE["isolated"]), ("Cross equity", *MODE_STYLE["cross"])]
    x = LEFT + plot_w
    parts.append('<g class="legend" aria-hidden="true">')
    for label, colour, dash in reversed(legend):
        width = 40 + 8 * len(label)
        x -= width
        parts.append(
            f'<line x1="{x:.0f}" y1="12" x2="{x + 18:.0f}" y2="12" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{x + 22:.0f}" y="16">{escape(label)}</text>'
        )
    parts.append("</g></svg>")

    # the text alternative: up to TABLE_ROWS candles, evenly spaced, at their close
    candles = len(path.times)
    step = max(1, math.ceil(candles / TABLE_ROWS))
    picked = list(range(0, candles, step))
    if picked[-1] != candles - 1:
        picked.append(candles - 1)
    headings = ["Time (UTC)", *[f"{s} close" for s in symbols], "Isolated equity", "Cross equity"]
    rows = []
    for candle in picked:
        point = 4 * candle + 3
        rows.append(
            [
                f"{path.times[candle]:%d %b %H:%M}",
                *[price(path.price(s, point)) for s in symbols],
                *[money(_decimal(m.equity[point]), collateral) for m in result.modes],
            ]
        )
    return EventChart(
        id=chart_id,
        title=title,
        description=description,
        svg=mark_safe("".join(parts)),  # noqa: S308 - every interpolated text is escaped above
        headings=headings,
        rows=rows,
    )


def _decimal(value: float) -> Decimal:
    """A drawn (float) equity as a Decimal of cents, for the table's money format."""
    return Decimal(f"{float(value):.2f}")
