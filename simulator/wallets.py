"""The "two wallets" picture: what the same shock does to the account under isolated and cross.

Isolated draws the wallet as one envelope per position plus the free balance the envelopes never
touch; cross draws it as one shared pool. Losses drain in red, a position closed by liquidation is
drawn closed, and a price ruler per position marks each mode's liquidation and bankruptcy prices,
the entry and the shocked price. Beside the pictures go one plain sentence per mode.

Everything comes from the ``ModeComparison`` the results panel already computed: no engine call
here, and the SVG is built with plain string formatting, because it rides on every slider move.
Text inside the SVG is 12 units high in a viewBox no wider than a phone's column (``WIDTH``), so it
is never drawn below 12 px; longer wording sits in HTML beside the drawing, where it wraps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from core.display import money, price, signed_percent
from margin import MARKETS, AccountSpec, ModeComparison

WIDTH = 320  # viewBox units; a phone's results column (or a lesson card) is >= 330 px wide
BAR_HEIGHT = 34
LABEL_SIZE = 12
CHAR_WIDTH = 8.4  # an upper bound of a bold sans-serif digit's advance at 12 px, for fitting labels
RULER_WIDTH = 300  # rulers sit two abreast on a desktop, each column at least 304 px wide (CSS)
RULER_HEIGHT = 58
ZERO = Decimal(0)


@dataclass(frozen=True)
class ModePicture:
    name: str  # "isolated" / "cross"
    label: str
    sentence: str
    headline: str  # the line above the bar: "account $4,000.00 · lost $1,000.00 · A closed"
    pinned: str  # the phone's pinned bar, shorter: "Isolated: $4,000.00 · A closed"
    svg: SafeString
    closed: tuple[str, ...]


@dataclass(frozen=True)
class Ruler:
    position_id: str
    title: str
    svg: SafeString
    isolated: str
    cross: str


@dataclass(frozen=True)
class Picture:
    modes: tuple[ModePicture, ModePicture]
    rulers: tuple[Ruler, ...]
    caption: str

    @property
    def isolated(self) -> ModePicture:
        return self.modes[0]

    @property
    def cross(self) -> ModePicture:
        return self.modes[1]


def join_ids(ids) -> str:
    ids = list(ids)
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _fits(text: str, width: float) -> bool:
    return len(text) * CHAR_WIDTH + 8 <= width


def _segment(x: float, width: float, css: str, label: str = "", short: str = "") -> str:
    """A rect of the bar with the longest label that fits inside it (or none)."""
    parts = [
        f'<rect class="{css}" x="{x:.1f}" y="0" width="{max(width, 0):.1f}" height="{BAR_HEIGHT}"/>'
    ]
    text = (
        label if label and _fits(label, width) else short if short and _fits(short, width) else ""
    )
    if text:
        parts.append(
            f'<text class="{css}-label" x="{x + width / 2:.1f}" y="{BAR_HEIGHT / 2 + 4.5:.1f}" '
            f'text-anchor="middle">{escape(text)}</text>'
        )
    return "".join(parts)


def _svg(
    css: str, height: float, label: str, body: str, stretch: bool = False, width: int = WIDTH
) -> SafeString:
    # A wallet bar may be stretched (the phone's pinned bar draws it 10 px high, text hidden).
    aspect = ' preserveAspectRatio="none"' if stretch else ""
    return mark_safe(  # noqa: S308 - every label is escaped where it is interpolated
        f'<svg class="{css}" viewBox="0 0 {width} {height:.0f}"{aspect} role="img" '
        f'aria-label="{escape(label)}" font-size="{LABEL_SIZE}">{body}</svg>'
    )


def build(account: AccountSpec, comparison: ModeComparison, shock_percents: dict) -> Picture:
    currency = account.collateral
    wallet = account.wallet_balance
    iso, cro = comparison.isolated, comparison.cross
    iso_equity = iso.equity_after if iso.equity_after is not None else wallet
    cro_equity = cro.equity_after if cro.equity_after is not None else wallet
    # The bars are drawn on one scale: the wallet, plus room for the larger of the two modes'
    # gains (green, past the wallet's end).
    iso_gains = sum(
        (
            max(p.unrealized_pnl, ZERO)
            for p in _final_positions(iso).values()
            if p.id not in iso.liquidated
        ),
        ZERO,
    )
    scale_top = wallet + max(iso_gains, cro_equity - wallet, ZERO)
    scale = WIDTH / float(scale_top) if scale_top > 0 else 0.0
    # The engine merges positions on one symbol and side (one-way mode): draw what it evaluated.
    evaluated = iso.evaluation.positions
    ids = [p.id for p in evaluated]

    isolated = _isolated(iso, wallet, iso_equity, currency, scale, ids)
    cross = _cross(cro, wallet, cro_equity, currency, scale, ids)
    rulers = tuple(_ruler(p, iso, cro, shock_percents) for p in evaluated)
    caption = (
        f"The same {money(wallet, currency)} account after the price moves. "
        f"{isolated.sentence} {cross.sentence}"
    )
    return Picture(modes=(isolated, cross), rulers=rulers, caption=caption)


def _final_positions(outcome) -> dict:
    return {p.id: p for p in outcome.shocked.final.positions} if outcome.shocked else {}


def _losses(outcome) -> dict[str, Decimal]:
    if outcome.shocked is None:
        return {}
    return {e.position: e.loss for e in outcome.shocked.events if e.type == "liquidation"}


def _isolated(outcome, wallet, equity, currency, scale, ids) -> ModePicture:
    closed = outcome.liquidated
    lost = _losses(outcome)
    final = _final_positions(outcome)
    parts: list[str] = []
    alt: list[str] = []
    x = 0.0
    gains = ZERO
    for figures in outcome.evaluation.positions:
        margin = figures.isolated_margin or ZERO
        width = float(margin) * scale
        if figures.id in closed:
            parts.append(
                _segment(x, width, "closed", f"{figures.id} closed", figures.id)
                + f'<line class="closed-cross" x1="{x:.1f}" y1="0" x2="{x + width:.1f}" '
                f'y2="{BAR_HEIGHT}"/>'
            )
            alt.append(
                f"envelope {figures.id} of {money(margin, currency)} closed by liquidation, "
                f"{money(lost.get(figures.id, margin), currency)} lost"
            )
        else:
            pnl = final[figures.id].unrealized_pnl if figures.id in final else ZERO
            loss = min(max(-pnl, ZERO), margin)
            gains += max(pnl, ZERO)
            kept = width - float(loss) * scale
            parts.append(
                _segment(
                    x,
                    kept,
                    "envelope",
                    f"{figures.id} {money(margin - loss, currency)}",
                    figures.id,
                )
            )
            if loss:
                parts.append(
                    _segment(x + kept, width - kept, "lost", f"-{money(loss, currency)}", "lost")
                )
            alt.append(
                f"envelope {figures.id} of {money(margin, currency)}"
                + (f", {money(loss, currency)} of it lost so far" if loss else ", nothing lost")
            )
        x += width
    free = wallet - (outcome.evaluation.account.isolated_margin or ZERO)
    free_width = float(max(free, ZERO)) * scale
    parts.append(_segment(x, free_width, "free", f"free {money(free, currency)}", "free"))
    x += free_width
    if gains:
        parts.append(_segment(x, float(gains) * scale, "gain", f"+{money(gains, currency)}", "+"))
    alt.append(f"free balance of {money(free, currency)}, untouched")
    sentence = _isolated_sentence(closed, lost, outcome, equity, currency)
    headline = _headline(wallet, equity, closed, currency)
    svg = _svg(
        "sim-wallet iso", BAR_HEIGHT, "Isolated: " + "; ".join(alt), "".join(parts), stretch=True
    )
    pinned = _pinned("Isolated", equity, closed, currency)
    return ModePicture("isolated", "Isolated", sentence, headline, pinned, svg, tuple(closed))


def _headline(wallet, equity, closed, currency) -> str:
    """The short line above a bar (and in the phone's pinned bar): 'account $4,000.00 · lost
    $1,000.00 · A closed'. The loss is said in words because a thin red slice has no room for it."""
    change = equity - wallet
    moved = ""
    if change < 0:
        moved = f" · lost {money(-change, currency)}"
    elif change > 0:
        moved = f" · up {money(change, currency)}"
    return f"account {money(equity, currency)}{moved} · " + (
        f"{join_ids(closed)} closed" if closed else "nothing closed"
    )


def _pinned(label, equity, closed, currency) -> str:
    closed_text = f"{join_ids(closed)} closed" if closed else "nothing closed"
    return f"{label}: {money(equity, currency)} · {closed_text}"


def _isolated_sentence(closed, lost, outcome, equity, currency) -> str:
    if not closed:
        return (
            f"Isolated: nothing is closed; the account is at {money(equity, currency)}, and no "
            "position can lose more than its own envelope."
        )
    total = sum((lost.get(i, ZERO) for i in closed), ZERO)
    whose = "its" if len(closed) == 1 else "their"
    verb = "is" if len(closed) == 1 else "are"
    return (
        f"Isolated: {join_ids(closed)} {verb} closed and you lose {whose} "
        f"{money(total, currency)}; the account keeps {money(equity, currency)}."
    )


def _cross(outcome, wallet, equity, currency, scale, ids) -> ModePicture:
    closed = outcome.liquidated
    kept = min(equity, wallet)
    loss = max(wallet - equity, ZERO)
    gain = max(equity - wallet, ZERO)
    backs = join_ids(ids)
    pool_width = float(max(kept, ZERO)) * scale
    parts = [
        _segment(0, pool_width, "pool", f"shared pool {money(kept, currency)}", "pool"),
    ]
    if loss:
        parts.append(
            _segment(pool_width, float(loss) * scale, "lost", f"-{money(loss, currency)}", "lost")
        )
    if gain:
        parts.append(
            _segment(pool_width, float(gain) * scale, "gain", f"+{money(gain, currency)}", "+")
        )
    alt = f"one shared pool of {money(wallet, currency)} backing {backs}"
    if loss:
        alt += f", {money(loss, currency)} of it lost"
    if closed:
        alt += f"; {join_ids(closed)} closed by liquidation"
    sentence = _cross_sentence(closed, ids, wallet, equity, currency)
    headline = _headline(wallet, equity, closed, currency)
    svg = _svg("sim-wallet cro", BAR_HEIGHT, "Cross: " + alt, "".join(parts), stretch=True)
    pinned = _pinned("Cross", equity, closed, currency)
    return ModePicture("cross", "Cross", sentence, headline, pinned, svg, tuple(closed))


def _backs(ids) -> str:
    if len(ids) == 1:
        return "the position"
    if len(ids) == 2:
        return "both positions"
    return f"all {len(ids)} positions"


def _cross_sentence(closed, ids, wallet, equity, currency) -> str:
    if not closed:
        return (
            f"Cross: nothing is closed; the account is at {money(equity, currency)}, but every "
            f"dollar of the {money(wallet, currency)} backs {_backs(ids)}."
            if currency in ("USDT", "USDC", "USD")
            else f"Cross: nothing is closed; the account is at {money(equity, currency)}, but "
            f"all {money(wallet, currency)} backs {_backs(ids)}."
        )
    if len(closed) == len(ids):
        what = "everything is closed"
    else:
        verb = "is" if len(closed) == 1 else "are"
        what = f"{join_ids(closed)} {verb} closed"
    return (
        f"Cross: {what}; the account is left with {money(equity, currency)}, the losses paid "
        f"out of the one shared {money(wallet, currency)}."
    )


def _ruler(position, iso, cro, shock_percents) -> Ruler:
    iso_figures = iso.evaluation.position(position.id)
    cro_figures = cro.evaluation.position(position.id)
    entry = iso_figures.entry_price
    final = _final_positions(iso)
    now = final[position.id].mark_price if position.id in final else entry
    base = MARKETS[position.symbol].base
    move = shock_percents.get(position.symbol, ZERO)
    marks = [entry, now]
    for figures in (iso_figures, cro_figures):
        marks += [v for v in (figures.liquidation_price, figures.bankruptcy_price) if v]
    low, high = min(marks), max(marks)
    span = high - low or abs(entry) * Decimal("0.1") or Decimal(1)
    low, high = low - span * Decimal("0.04"), high + span * Decimal("0.04")
    inner = RULER_WIDTH - 16

    def sx(value: Decimal) -> float:
        return 8 + float((value - low) / (high - low)) * inner

    parts = [
        f'<line class="axis" x1="8" y1="{RULER_HEIGHT - 14}" x2="{RULER_WIDTH - 8}" '
        f'y2="{RULER_HEIGHT - 14}"/>'
    ]
    for lane, (css, figures, _outcome) in enumerate(
        (("iso", iso_figures, iso), ("cro", cro_figures, cro))
    ):
        y = 10 + lane * 16
        parts.append(f'<line class="lane {css}" x1="8" y1="{y}" x2="{RULER_WIDTH - 8}" y2="{y}"/>')
        if figures.bankruptcy_price:
            parts.append(
                f'<circle class="bankrupt {css}" cx="{sx(figures.bankruptcy_price):.1f}" '
                f'cy="{y}" r="4.5"/>'
            )
        if figures.liquidation_price:
            parts.append(
                f'<circle class="liquidation {css}" cx="{sx(figures.liquidation_price):.1f}" '
                f'cy="{y}" r="5.5"/>'
            )
    x_entry, x_now = sx(entry), sx(now)
    parts.append(
        f'<line class="entry" x1="{x_entry:.1f}" y1="2" x2="{x_entry:.1f}" '
        f'y2="{RULER_HEIGHT - 10}"/>'
        f'<line class="now" x1="{x_now:.1f}" y1="0" x2="{x_now:.1f}" y2="{RULER_HEIGHT - 10}"/>'
    )
    # The two labels under the axis: each on the side away from the other, so they never overlap.
    label_y = RULER_HEIGHT - 1
    # Too close for two labels (a small move near the edge): one says both, the title has prices.
    if abs(x_now - x_entry) < 1 or (
        not 6 * CHAR_WIDTH < x_now < RULER_WIDTH - 6 * CHAR_WIDTH
        and abs(x_now - x_entry) < 9 * CHAR_WIDTH
    ):
        both = "entry = now" if abs(x_now - x_entry) < 1 else "now, entry"
        parts.append(_axis_label((x_now + x_entry) / 2, label_y, both, "now-label"))
    else:
        now_left = x_now < x_entry
        parts.append(_axis_label(x_entry, label_y, "entry", "entry-label", right=now_left))
        parts.append(_axis_label(x_now, label_y, "now", "now-label", right=not now_left))

    move_text = f" ({signed_percent(move)}%)" if move else ""
    title = (
        f"{position.id} · {base} {position.side}: now {price(now)}{move_text}, entry {price(entry)}"
    )
    iso_text = _lane_text("Isolated", iso_figures, position.id in iso.liquidated)
    cro_text = _lane_text("Cross", cro_figures, position.id in cro.liquidated)
    svg = _svg(
        "sim-ruler-track",
        RULER_HEIGHT,
        f"Price ruler for {title}. {iso_text} {cro_text}",
        "".join(parts),
        width=RULER_WIDTH,
    )
    return Ruler(position.id, title, svg, iso_text, cro_text)


def _axis_label(x: float, y: float, text: str, css: str, *, right: bool | None = None) -> str:
    """A label under the ruler's axis at ``x``: to its right, to its left, or centred (``None``),
    kept inside the drawing."""
    width = len(text) * CHAR_WIDTH
    if right is None:
        anchor, x_text = "middle", min(max(x, width / 2), RULER_WIDTH - width / 2)
    elif right:
        anchor, x_text = "start", min(x + 3, RULER_WIDTH - width)
    else:
        anchor, x_text = "end", max(x - 3, width)
    return (
        f'<text class="{css}" x="{x_text:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _lane_text(label: str, figures, liquidated: bool) -> str:
    if figures.liquidation_price is None:
        return f"{label}: no liquidation price above zero."
    text = (
        f"{label}: liquidation {price(figures.liquidation_price)}, "
        f"bankruptcy {price(figures.bankruptcy_price)}"
    )
    return text + (" (reached: closed)." if liquidated else ".")
