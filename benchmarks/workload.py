"""What learners send, in one place for both HTTP benchmarks (in-process and under wrk).

A learner dragging a shock slider or typing a size sends a new setup with every recalculation, so
the realistic simulator targets never repeat a body: each request is request number ``n`` of a
`Stream`, whose body is a fixed form with a few numbers that vary with ``n`` (the price shock and
a position's size), unique over far more requests than any run sends. `Stream.lua` builds the same
bodies inside wrk, so under load, too, no request is a repeat that a cache could answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from simulator.presets import PRESETS

# The account fields htmx posts with every recalculation (the setup form's rules row).
RULES_ROW = {"taker_fee_rate": "0.05", "funding_rate": "0.01", "holding_hours": "72"}
SHOCK_STEPS = 601  # -30.0 % .. +30.0 % by 0.1
SIZE_STEPS = 1_900  # 1,000 .. 19,990 by 10: with the shocks, 1.1 million distinct setups
EIGHT_CROSS = (
    # symbol, side, entry, notional, leverage
    ("BTCUSDT", "long", "65000", "20000", "10"),
    ("ETHUSDT", "short", "3400", "8000", "10"),
    ("SOLUSDT", "long", "185", "3000", "5"),
    ("BNBUSDT", "long", "600", "2000", "5"),
    ("XRPUSDT", "short", "0.6", "1500", "5"),
    ("DOGEUSDT", "long", "0.15", "1000", "5"),
    ("ADAUSDT", "short", "0.45", "1000", "5"),
    ("BTCUSDT", "long", "64000", "5000", "10"),
)
W4_MONTE_CARLO = {
    # W4 as the JSON API takes it; paths, steps and the rest at the API's defaults (5,000 x 96).
    "wallet_balance": "5000",
    "positions": [
        {
            "id": "A",
            "symbol": "BTCUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "65000",
            "notional": "10000",
            "leverage": "10",
        },
        {
            "id": "B",
            "symbol": "ETHUSDT",
            "side": "long",
            "margin_mode": "isolated",
            "entry_price": "3400",
            "notional": "2500",
            "leverage": "5",
        },
    ],
}
SHOCK_FIELD = "shock-BTCUSDT"
SIZE_FIELD = "pos-0-size"
# Placeholders that survive urlencode unchanged.
SHOCK_SLOT, SIZE_SLOT = "SHOCKSLOT", "SIZESLOT"


@dataclass(frozen=True)
class Stream:
    """Form bodies that differ in the BTC shock and the first position's size, request by
    request: request ``n`` has shock step ``n % SHOCK_STEPS`` and size step
    ``(n // SHOCK_STEPS) % SIZE_STEPS``, so consecutive requests move the slider by 0.1 %."""

    template: str  # urlencoded, with SHOCK_SLOT and SIZE_SLOT where the numbers go

    def values(self, n: int) -> tuple[str, str]:
        shock = -30 + (n % SHOCK_STEPS) / 10
        size = 1_000 + 10 * ((n // SHOCK_STEPS) % SIZE_STEPS)
        return f"{shock:.1f}", str(size)

    def body(self, n: int) -> str:
        shock, size = self.values(n)
        return self.template.replace(SHOCK_SLOT, shock).replace(SIZE_SLOT, size)

    def lua(self, n: str) -> str:
        """A Lua expression for body number ``n`` (a Lua integer expression), as ``body``."""
        numbers = {
            SHOCK_SLOT: f'string.format("%.1f", -30 + (({n}) % {SHOCK_STEPS}) / 10)',
            SIZE_SLOT: (
                f'string.format("%d", 1000 + 10 * (math.floor(({n}) / {SHOCK_STEPS})'
                f" % {SIZE_STEPS}))"
            ),
        }
        parts, rest = [], self.template
        for slot in sorted(numbers, key=self.template.index):
            before, rest = rest.split(slot)
            parts += [json.dumps(before), numbers[slot]]
        return " .. ".join([*parts, json.dumps(rest)])


def _template(fields: dict[str, str], csrf_token: str) -> str:
    # The fields in the order the browser sends them: the token first, then the form's own.
    body = {"csrfmiddlewaretoken": csrf_token, **fields, SHOCK_FIELD: SHOCK_SLOT}
    body[SIZE_FIELD] = SIZE_SLOT
    return urlencode(body)


def w4_fields() -> dict[str, str]:
    """Worked example W4 as the setup form posts it (two isolated positions, BTC and ETH)."""
    return {**PRESETS["W4"].form_data(), **RULES_ROW}


def eight_cross_fields() -> dict[str, str]:
    """Eight cross positions on seven symbols against one $20,000 wallet."""
    fields = {
        "wallet_balance": "20000",
        "collateral": "USDT",
        "venue": "binance",
        **RULES_ROW,
        "pos-TOTAL_FORMS": str(len(EIGHT_CROSS)),
        "pos-INITIAL_FORMS": "0",
    }
    for index, (symbol, side, entry, notional, leverage) in enumerate(EIGHT_CROSS):
        prefix = f"pos-{index}-"
        fields |= {
            prefix + "symbol": symbol,
            prefix + "side": side,
            prefix + "margin_mode": "cross",
            prefix + "entry_price": entry,
            prefix + "size_by": "notional",
            prefix + "size": notional,
            prefix + "leverage": leverage,
            prefix + "isolated_margin": "",
            prefix + "maintenance_margin_rate": "",
        }
    for symbol in dict.fromkeys(row[0] for row in EIGHT_CROSS):
        fields[f"shock-{symbol}"] = "0"
    return fields


def w4_slider(csrf_token: str) -> Stream:
    return Stream(_template(w4_fields(), csrf_token))


def eight_cross_slider(csrf_token: str) -> Stream:
    return Stream(_template(eight_cross_fields(), csrf_token))


def w4_same_body(csrf_token: str) -> str:
    """W4 as the preset has it, the same body every time (what a cache can answer)."""
    return urlencode({"csrfmiddlewaretoken": csrf_token, **w4_fields()})


SIMULATOR = "/simulator/"
SIMULATOR_W4 = "/simulator/?preset=W4"
CALCULATOR = "/tools/liquidation-price/"  # the worked example, computed on every request
LEARN_INDEX = "/learn/"
PROGRESS = "/me/"


def lesson_path() -> str:
    """A published lesson from the middle of the course (the first ones are the shortest)."""
    from lessons.models import Lesson

    lessons = list(Lesson.objects.published().select_related("module").in_course_order())
    return lessons[len(lessons) // 2].get_absolute_url()
