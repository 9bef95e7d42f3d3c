"""Server-rendered SVG line charts, small and dependency-free.

A chart is data first (``LineChart``): the template renders the SVG from ``svg()`` and a table of
the same points as its text alternative, so a screen-reader user or a printout gets every number.
Coordinates are floats because they are pixels: the money figures they come from stay ``Decimal``
everywhere else and are only converted here, for drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# A viewBox no wider than a phone's column, with 12-unit text: labels are never under 12 px on a
# phone, and the stylesheet caps the width on a desktop so they do not grow huge either.
WIDTH = 320
HEIGHT = 220
FONT_SIZE = 12
MARGIN_LEFT = 62
MARGIN_RIGHT = 10
MARGIN_TOP = 12
MARGIN_BOTTOM = 40
TICK_COUNT = 5
CHART_TICKS = 4  # fewer ticks than the default: the axes are phone-width

Number = float | int | Decimal


@dataclass(frozen=True)
class Series:
    """One line: ``points`` are (x, y) pairs in data units, sorted by x."""

    label: str
    points: tuple[tuple[Number, Number], ...]
    css_class: str = "series-a"
    dashed: bool = False


@dataclass(frozen=True)
class Marker:
    """A labelled dot on the plot, e.g. where a position is liquidated."""

    x: Number
    y: Number
    label: str
    css_class: str = "marker"


@dataclass(frozen=True)
class Rule:
    """A labelled vertical (``axis="x"``) or horizontal (``axis="y"``) line at ``value``."""

    value: Number
    label: str
    axis: str = "x"
    css_class: str = "rule"


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    x_label: str
    y_label: str
    series: tuple[Series, ...]
    markers: tuple[Marker, ...] = ()
    rules: tuple[Rule, ...] = ()
    x_format: str = "{:,.0f}"
    y_format: str = "{:,.0f}"
    table_x_heading: str = ""
    width: int = WIDTH
    height: int = HEIGHT

    def svg(self) -> SafeString:
        return render_svg(self, self.width, self.height)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headings and rows of the text alternative: one row per x, one column per series."""
        headings = [self.table_x_heading or self.x_label, *(s.label for s in self.series)]
        by_x: dict[float, list[str]] = {}
        for column, series in enumerate(self.series):
            for x, y in series.points:
                row = by_x.setdefault(float(x), [""] * len(self.series))
                row[column] = self.y_format.format(float(y))
        rows = [[self.x_format.format(x), *values] for x, values in sorted(by_x.items())]
        return headings, rows


def nice_step(span: float, count: int = TICK_COUNT) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``count`` ticks."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    normalized = raw / magnitude
    if normalized < 1.5:
        return magnitude
    if normalized < 3:
        return 2 * magnitude
    if normalized < 7:
        return 5 * magnitude
    return 10 * magnitude


def ticks(low: float, high: float, count: int = CHART_TICKS) -> list[float]:
    step = nice_step(high - low, count)
    first = math.ceil(low / step) * step
    values = []
    value = first
    while value <= high + step * 1e-9:
        values.append(round(value, 10))
        value += step
    return values


def _bounds(chart: LineChart) -> tuple[float, float, float, float]:
    xs = [float(x) for s in chart.series for x, _ in s.points]
    ys = [float(y) for s in chart.series for _, y in s.points]
    xs += [float(m.x) for m in chart.markers]
    ys += [float(m.y) for m in chart.markers]
    xs += [float(r.value) for r in chart.rules if r.axis == "x"]
    ys += [float(r.value) for r in chart.rules if r.axis == "y"]
    if not xs or not ys:
        return 0.0, 1.0, 0.0, 1.0
    x_low, x_high, y_low, y_high = min(xs), max(xs), min(ys), max(ys)
    if x_high == x_low:
        x_low, x_high = x_low - 1, x_high + 1
    if y_high == y_low:
        pad = abs(y_high) * 0.1 or 1.0
        y_low, y_high = y_low - pad, y_high + pad
    pad = (y_high - y_low) * 0.06
    return x_low, x_high, y_low - pad, y_high + pad


def render_svg(chart: LineChart, width: int = WIDTH, height: int = HEIGHT) -> SafeString:
    x_low, x_high, y_low, y_high = _bounds(chart)
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM

    def sx(x: Number) -> float:
        return MARGIN_LEFT + (float(x) - x_low) / (x_high - x_low) * plot_w

    def sy(y: Number) -> float:
        return MARGIN_TOP + (y_high - float(y)) / (y_high - y_low) * plot_h

    parts: list[str] = [
        format_html(
            '<svg class="sim-chart" viewBox="0 0 {} {}" role="img" font-size="12" '
            'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMidYMid meet">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            width,
            height,
            chart.id,
            chart.id,
            chart.id,
            chart.title,
            chart.id,
            chart.description,
        )
    ]
    bottom = MARGIN_TOP + plot_h
    right = MARGIN_LEFT + plot_w
    parts.append('<g class="grid" aria-hidden="true">')
    for value in ticks(y_low, y_high):
        y = sy(value)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(chart.y_format.format(value))}</text>"
        )
    for value in ticks(x_low, x_high):
        x = sx(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{MARGIN_TOP}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(chart.x_format.format(value))}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="{MARGIN_LEFT + plot_w / 2:.1f}" y="{height - 4}" '
        f'text-anchor="middle">{escape(chart.x_label)}</text>'
        f'<text class="axis-label" x="12" y="{MARGIN_TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {MARGIN_TOP + plot_h / 2:.1f})">{escape(chart.y_label)}</text>'
    )
    parts.append("</g>")

    # Labels of vertical rules (liquidation next to bankruptcy, the learner's price) each get their
    # own row from the top and sit on alternate sides of their lines, so they never overprint.
    x_rules = [rule for rule in chart.rules if rule.axis == "x"]
    for rule in chart.rules:
        if rule.axis == "x":
            x = sx(rule.value)
            order = x_rules.index(rule)
            label_y: float = MARGIN_TOP + FONT_SIZE + (FONT_SIZE + 3) * order
            label_width = len(rule.label) * FONT_SIZE * 0.6
            left = x + 3 + label_width > right  # no room on the right: write it to the left
            label_x = x - 3 if left else x + 3
            parts.append(
                f'<g class="{escape(rule.css_class)}"><line x1="{x:.1f}" y1="{MARGIN_TOP}" '
                f'x2="{x:.1f}" y2="{bottom}"/><text x="{label_x:.1f}" y="{label_y}" '
                f'text-anchor="{"end" if left else "start"}">{escape(rule.label)}</text></g>'
            )
        else:
            y = sy(rule.value)
            parts.append(
                f'<g class="{escape(rule.css_class)}"><line x1="{MARGIN_LEFT}" y1="{y:.1f}" '
                f'x2="{right}" y2="{y:.1f}"/><text x="{right - 3}" y="{y + FONT_SIZE + 2:.1f}" '
                f'text-anchor="end">{escape(rule.label)}</text></g>'
            )

    for series in chart.series:
        if not series.points:
            continue
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in series.points)
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        parts.append(
            f'<polyline class="{escape(series.css_class)}" fill="none" points="{path}"{dash}/>'
        )

    for index, marker in enumerate(chart.markers):
        # Neighbouring markers' labels go on alternate rows so two liquidations never overprint.
        x, y = sx(marker.x), sy(marker.y)
        label_y = y - 8 - (FONT_SIZE + 2) * (index % 2)
        if label_y < MARGIN_TOP + FONT_SIZE:
            label_y = y + FONT_SIZE + 6 + (FONT_SIZE + 2) * (index % 2)
        anchor = "end" if x > MARGIN_LEFT + plot_w / 2 else "start"
        label_x = x - 7 if anchor == "end" else x + 7
        parts.append(
            f'<g class="{escape(marker.css_class)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
            f'<text x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}">'
            f"{escape(marker.label)}</text></g>"
        )
    # The legend is HTML under the chart (see _chart.html), off the lines.
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above
