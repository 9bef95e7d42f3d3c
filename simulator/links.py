"""Every link into the simulator is built here: a worked example, an embeddable card, a setup.

Other apps (lessons, quiz, tools) call these instead of writing simulator URLs or its form's field
names themselves; the URLs and query-string names are binding contracts (README "The simulator").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from django.urls import reverse

from simulator.forms import FORMSET_PREFIX, SHOCK_PREFIX, Setup


def preset_url(preset_id: str) -> str:
    """The simulator page opened on a worked example: ``/simulator/?preset=W4``."""
    return f"{reverse('simulator:index')}?{urlencode({'preset': preset_id})}"


def embed_url(preset_id: str) -> str:
    """The card a lesson embeds for a worked example (loaded by htmx, a link without it)."""
    return reverse("simulator:embed", kwargs={"preset": preset_id})


def setup_url(
    *,
    wallet_balance: object,
    positions: Iterable[Mapping[str, object]],
    shocks: Mapping[str, object] | None = None,
    collateral: str = "USDT",
    venue: str = "binance",
) -> str:
    """A link that opens a setup in the simulator, in its canonical query string.

    ``positions`` are mappings of the row fields (``symbol``, ``side``, ``margin_mode``,
    ``entry_price``, ``size`` as a notional, ``leverage``, optional ``isolated_margin`` and
    ``maintenance_margin_rate`` in per cent); ``shocks`` maps symbols to per-cent moves. Values are
    written as given (pass plain decimal strings); the simulator validates them as any input.
    """
    rows = list(positions)
    data = {
        "wallet_balance": str(wallet_balance),
        "collateral": collateral,
        "venue": venue,
        f"{FORMSET_PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{FORMSET_PREFIX}-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        fields = {"size_by": "notional", **row}
        data |= {
            f"{FORMSET_PREFIX}-{index}-{key}": str(value)
            for key, value in fields.items()
            if value not in (None, "")
        }
    for symbol, percent in (shocks or {}).items():
        data[f"{SHOCK_PREFIX}-{symbol}"] = str(percent)
    return f"{reverse('simulator:index')}?{Setup(data).query_string()}"
