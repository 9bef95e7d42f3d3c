"""Every link one app makes into another is built here, by URL name: a worked example in the
simulator, the card a lesson embeds, a whole setup, the lesson that teaches a concept.

The URLs and the simulator's query-string names are binding contracts (README "The simulator");
the simulator's forms take their prefixes from here, so a link and the form it opens cannot drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.concepts import CONCEPTS

FORMSET_PREFIX = "pos"  # pos-TOTAL_FORMS, pos-0-symbol, ...
SHOCK_PREFIX = "shock"  # shock-BTCUSDT=-12 (per cent)


def reversed_url(viewname: str, *args: str) -> str:
    """``reverse(viewname, args=args)``, remembered: a URL follows from the URLconf, the script
    prefix and the arguments alone, and pages such as /me/ and the learn index link every
    concept and lesson (about a hundred reverses a page, a fifth of its time; cProfile, issue
    20). Keyed by the URLconf and the prefix in force, so a request under another one reverses
    afresh; the cache is bounded, so arbitrary arguments cannot grow it."""
    return _reversed(get_urlconf(), get_script_prefix(), viewname, args)


@lru_cache(maxsize=4096)
def _reversed(urlconf: str | None, prefix: str, viewname: str, args: tuple[str, ...]) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


def preset_url(preset_id: str) -> str:
    """The simulator page opened on a worked example: ``/simulator/?preset=W4``."""
    return f"{reversed_url('simulator:index')}?{urlencode({'preset': preset_id})}"


def embed_url(preset_id: str) -> str:
    """The card a lesson embeds for a worked example (loaded by htmx, a link without it)."""
    return reversed_url("simulator:embed", preset_id)


def setup_url(
    *,
    wallet_balance: object,
    positions: Iterable[Mapping[str, object]],
    shocks: Mapping[str, object] | None = None,
    collateral: str = "USDT",
    venue: str = "binance",
) -> str:
    """A link that opens a setup in the simulator.

    ``positions`` are mappings of the row fields (``symbol``, ``side``, ``margin_mode``,
    ``entry_price``, ``size`` as a notional, ``leverage``, optional ``isolated_margin`` and
    ``maintenance_margin_rate`` in per cent); ``shocks`` maps symbols to per-cent moves. Values are
    written as given (pass plain decimal strings) and empty ones left out; the simulator validates
    them as it does anything a learner types.
    """
    rows = list(positions)
    pairs: list[tuple[str, str]] = [
        ("wallet_balance", str(wallet_balance)),
        ("collateral", collateral),
        ("venue", venue),
        (f"{FORMSET_PREFIX}-TOTAL_FORMS", str(len(rows))),
        (f"{FORMSET_PREFIX}-INITIAL_FORMS", "0"),
    ]
    for index, row in enumerate(rows):
        fields = {"size_by": "notional", **row}
        pairs += [
            (f"{FORMSET_PREFIX}-{index}-{key}", str(value))
            for key, value in fields.items()
            if value not in (None, "")
        ]
    pairs += [(f"{SHOCK_PREFIX}-{symbol}", str(move)) for symbol, move in (shocks or {}).items()]
    return f"{reverse('simulator:index')}?{urlencode(pairs)}"


def concept_lesson_url(concept_id: str) -> str:
    """The lesson that teaches a concept (a binding URL: the lessons app redirects it)."""
    return reversed_url("lessons:concept", concept_id)


def concept_lesson_links() -> dict[str, SafeString]:
    """Every concept's link to its lesson (`<a href=...>title</a>`, escaped), for the pages that
    list all of the course's concepts; the same on every page under one URLconf and script
    prefix, so built once per process for them."""
    return _concept_lesson_links(get_urlconf(), get_script_prefix())


@lru_cache(maxsize=8)
def _concept_lesson_links(urlconf: str | None, prefix: str) -> dict[str, SafeString]:
    return {
        concept_id: format_html(
            '<a href="{}">{}</a>', concept_lesson_url(concept_id), concept.title
        )
        for concept_id, concept in CONCEPTS.items()
    }
