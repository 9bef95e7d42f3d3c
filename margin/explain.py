"""``explain``: the derivation of one figure with the learner's own numbers.

Each step names its formula (the words of margin-reference.md), the formula with the numbers put
in, the value, and the concept id of the lesson that teaches it (concepts.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from margin.errors import UNKNOWN_FIGURE, MarginError
from margin.evaluate import AccountResult, LiquidationBasis, PositionResult
from margin.markets import ContractKind
from margin.model import MarginMode, Side
from margin.venues import MaintenanceBasis

SHOWN_DECIMALS = Decimal("0.00000001")


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    substituted: str
    value: Decimal | None
    concept_id: str


def shown(value: Decimal | None) -> str:
    """A number as a learner reads it: fixed point, at most 8 decimals, no trailing zeros."""
    if value is None:
        return "none"
    if abs(value) < Decimal("1e20"):
        value = value.quantize(SHOWN_DECIMALS, rounding=ROUND_HALF_EVEN)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: Decimal | None) -> str:
    """``+ 5`` or ``- 5``: a term to add in a substituted formula."""
    if value is None:
        return "+ none"
    return f"- {shown(-value)}" if value < 0 else f"+ {shown(value)}"


def _inverse(p: PositionResult) -> bool:
    return p.contract is ContractKind.INVERSE


def _entry_value(p: PositionResult) -> Decimal:
    """Q x E (linear) or N/E (inverse): the initial margin times the leverage."""
    return p.initial_margin * p.leverage


def _notional_steps(p: PositionResult) -> list[Step]:
    """Notional ``Q x P`` (linear) or ``N / P`` in coin (inverse)."""
    m = shown(p.mark_price)
    if _inverse(p):
        return [
            Step(
                "Notional (coin)",
                "contracts x contract size / P",
                f"{shown(p.notional * p.mark_price)} / {m}",
                p.notional,
                "C02",
            )
        ]
    return [Step("Notional", "Q x P", f"{shown(p.quantity)} x {m}", p.notional, "C02")]


def _initial_margin_steps(p: PositionResult) -> list[Step]:
    """Initial margin ``entry value / L``."""
    return [
        Step(
            "Initial margin",
            "entry value / L",
            f"{shown(_entry_value(p))} / {shown(p.leverage)}",
            p.initial_margin,
            "C02",
        )
    ]


def _pnl_steps(p: PositionResult) -> list[Step]:
    """uPnL ``s x Q x (P - E)`` (linear) or ``s x N x (1/E - 1/P)`` in coin (inverse)."""
    s = "+1" if p.side is Side.LONG else "-1"
    e, m = shown(p.entry_price), shown(p.mark_price)
    if _inverse(p):
        usd = shown(p.notional * p.mark_price)
        return [
            Step(
                "Unrealized PnL (coin)",
                "s x N x (1/E - 1/P)",
                f"{s} x {usd} x (1/{e} - 1/{m})",
                p.unrealized_pnl,
                "C01",
            )
        ]
    return [
        Step(
            "Unrealized PnL",
            "s x Q x (P - E)",
            f"{s} x {shown(p.quantity)} x ({m} - {e})",
            p.unrealized_pnl,
            "C01",
        )
    ]


def _maintenance_steps(p: PositionResult) -> list[Step]:
    """Maintenance ``notional x MMR - cum`` at the mark, or on the entry value where the venue
    puts it there."""
    rate, amount = shown(p.maintenance_margin_rate), shown(p.maintenance_amount)
    if p.maintenance_basis == MaintenanceBasis.ENTRY:
        return [
            Step(
                "Maintenance margin (on the entry value)",
                "entry value x MMR - cum",
                f"{shown(_entry_value(p))} x {rate} - {amount}",
                p.maintenance_margin,
                "C03",
            )
        ]
    inverse, m = _inverse(p), shown(p.mark_price)
    return [
        Step(
            "Notional at the mark",
            "Q x P" if not inverse else "N / P",
            f"{shown(p.quantity)} x {m}"
            if not inverse
            else f"{shown(p.notional * p.mark_price)} / {m}",
            p.notional,
            "C03",
        ),
        Step(
            "Maintenance margin",
            "notional x MMR - cum",
            f"{shown(p.notional)} x {rate} - {amount}",
            p.maintenance_margin,
            "C03",
        ),
    ]


def _margin_balance_steps(p: PositionResult) -> list[Step]:
    """Margin balance: ``isolated margin + uPnL``, or the account's cross margin balance."""
    if p.margin_mode is MarginMode.ISOLATED:
        return [
            Step(
                "Margin balance (isolated)",
                "isolated margin + uPnL",
                f"{shown(p.isolated_margin)} + {shown(p.unrealized_pnl)}",
                p.margin_balance,
                "C04",
            )
        ]
    return [
        Step(
            "Margin balance (cross)",
            "cross wallet + every cross uPnL",
            "the account's cross margin balance",
            p.margin_balance,
            "C05",
        )
    ]


def _margin_ratio_steps(p: PositionResult) -> list[Step]:
    """Margin ratio ``maintenance margin / margin balance`` (1 liquidates)."""
    return [
        Step(
            "Margin ratio",
            "maintenance margin / margin balance (1 liquidates)",
            f"{shown(p.maintenance_margin)} / {shown(p.margin_balance)}",
            p.margin_ratio,
            "C03",
        )
    ]


def _distance_steps(p: PositionResult) -> list[Step]:
    """Distance to liquidation ``|LP - P| / P``."""
    m = shown(p.mark_price)
    return [
        Step(
            "Distance to liquidation",
            "|LP - P| / P",
            f"|{shown(p.liquidation_price)} - {m}| / {m}",
            p.distance_to_liquidation,
            "C06",
        )
    ]


_POSITION_FIGURES: dict[str, Callable[[PositionResult], list[Step]]] = {
    "notional": _notional_steps,
    "initial_margin": _initial_margin_steps,
    "unrealized_pnl": _pnl_steps,
    "maintenance_margin": _maintenance_steps,
    "margin_balance": _margin_balance_steps,
    "margin_ratio": _margin_ratio_steps,
    "liquidation_price": lambda p: _price_steps(p, "liquidation_price"),
    "bankruptcy_price": lambda p: _price_steps(p, "bankruptcy_price"),
    "distance_to_liquidation": _distance_steps,
}


def _position_steps(p: PositionResult, figure: str) -> list[Step]:
    if figure not in _POSITION_FIGURES:
        raise MarginError(UNKNOWN_FIGURE.format(figure=figure), field="figure")
    return _POSITION_FIGURES[figure](p)


def _basis_steps(p: PositionResult, basis: LiquidationBasis) -> list[Step]:
    """What a price is solved from: ``WB`` (isolated margin or cross wallet), for cross the
    other positions' ``TMM1`` and ``UPNL1`` at their marks, and the hedge it is shared with."""
    isolated = p.margin_mode is MarginMode.ISOLATED
    concept = "C04" if isolated else "C05"
    wallet_label = "isolated margin" if isolated else "cross wallet balance"
    steps = [Step("WB", wallet_label, shown(basis.wallet_balance), basis.wallet_balance, concept)]
    if not isolated:
        steps.append(
            Step(
                "TMM1 and UPNL1",
                "other cross positions at their current marks",
                f"TMM1 = {shown(basis.other_maintenance_margin)}, "
                f"UPNL1 = {shown(basis.other_unrealized_pnl)}",
                None,
                "C05",
            )
        )
    if basis.shared_with:
        steps.append(
            Step(
                "Hedge mode",
                "one price shared by the long and the short",
                ", ".join(basis.shared_with),
                None,
                "C12",
            )
        )
    return steps


def _bankruptcy_formula(p: PositionResult, basis: LiquidationBasis) -> tuple[str, str]:
    """The bankruptcy price, where the margin balance is 0: linear
    ``(WB + UPNL1 - s x Q x E) / (-s x Q)``."""
    if basis.shared_with:
        return "margin balance = 0 for the long and short together", "-"
    wb = shown(basis.wallet_balance)
    if p.contract is ContractKind.INVERSE:
        return "price where margin balance = 0", f"WB = {wb}"
    s = "1" if p.side is Side.LONG else "-1"
    q, e = shown(p.quantity), shown(p.entry_price)
    upnl1 = signed(basis.other_unrealized_pnl)
    return (
        "(WB + UPNL1 - s x Q x E) / (-s x Q)",
        f"({wb} {upnl1} - {s} x {q} x {e}) / (-{s} x {q})",
    )


def _liquidation_formula(p: PositionResult, basis: LiquidationBasis) -> tuple[str, str]:
    """Binance's liquidation price (FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
    Contracts"): ``(WB - TMM1 + UPNL1 + cum - s x Q x E) / (Q x MMR - s x Q)``, its hedge and
    COIN-M forms, and the entry-value form where maintenance is on the entry value."""
    s = "1" if p.side is Side.LONG else "-1"
    q, e, wb = shown(p.quantity), shown(p.entry_price), shown(basis.wallet_balance)
    tmm1, upnl1 = basis.other_maintenance_margin, basis.other_unrealized_pnl
    mmr, cum = shown(basis.maintenance_margin_rate), shown(basis.maintenance_amount)
    if basis.shared_with:
        return (
            "(WB - TMM1 + UPNL1 + cumL + cumS - QL x EL + QS x ES) / "
            "(QL x MMRL + QS x MMRS - QL + QS)",
            "with both legs of the hedge (see the other position's figures)",
        )
    if p.contract is ContractKind.INVERSE:
        n = shown(p.notional * p.mark_price)
        # cross: the other positions' balance counts as wallet, held at their marks
        effective = shown(basis.wallet_balance - tmm1 + upnl1)
        if p.side is Side.LONG:
            return (
                "N x (1 + MMR) / (WB - TMM1 + UPNL1 + cum + N/E)",
                f"{n} x (1 + {mmr}) / ({effective} + {cum} + {n} / {e})",
            )
        return (
            "N x (1 - MMR) / (N/E - (WB - TMM1 + UPNL1) - cum)",
            f"{n} x (1 - {mmr}) / ({n} / {e} - {effective} - {cum})",
        )
    if p.maintenance_basis == MaintenanceBasis.ENTRY:
        return (
            "E - s x (WB - TMM1 + UPNL1 - MM) / Q, MM on the entry value",
            f"{e} - {s} x ({wb} - {shown(tmm1)} {signed(upnl1)} - "
            f"{shown(p.maintenance_margin)}) / {q}",
        )
    return (
        "(WB - TMM1 + UPNL1 + cum - s x Q x E) / (Q x MMR - s x Q)",
        f"({wb} - {shown(tmm1)} {signed(upnl1)} + {cum} - {s} x {q} x {e}) / "
        f"({q} x {mmr} - {s} x {q})",
    )


def _price_steps(p: PositionResult, figure: str) -> list[Step]:
    """The liquidation or bankruptcy price from its basis, with the bracket in force there."""
    basis = p.liquidation_basis
    assert basis is not None
    steps = _basis_steps(p, basis)
    if figure == "bankruptcy_price":
        formula, substituted = _bankruptcy_formula(p, basis)
        steps.append(Step("Bankruptcy price", formula, substituted, p.bankruptcy_price, "C15"))
        return steps
    formula, substituted = _liquidation_formula(p, basis)
    mmr, cum = shown(basis.maintenance_margin_rate), shown(basis.maintenance_amount)
    steps.append(
        Step(
            "Bracket at the liquidation price",
            "MMR and cum of that bracket",
            f"MMR = {mmr}, cum = {cum}",
            basis.maintenance_margin_rate,
            "C03",
        )
    )
    steps.append(Step("Liquidation price", formula, substituted, p.liquidation_price, "C06"))
    return steps


def _account_steps(a: AccountResult, figure: str) -> list[Step]:
    if figure == "margin_ratio":
        return [
            Step(
                "Margin ratio",
                "cross maintenance margin / cross margin balance",
                f"{shown(a.cross_maintenance_margin)} / {shown(a.cross_margin_balance)}",
                a.margin_ratio,
                "C05",
            )
        ]
    if figure == "cross_margin_balance":
        return [
            Step(
                "Cross margin balance",
                "cross wallet + cross uPnL",
                f"{shown(a.cross_wallet_balance)} + "
                f"{shown(a.cross_margin_balance - a.cross_wallet_balance)}",
                a.cross_margin_balance,
                "C05",
            )
        ]
    if figure == "available_balance":
        return [
            Step(
                "Available balance",
                "max(0, cross margin balance - cross initial margin)",
                f"max(0, {shown(a.cross_margin_balance)} - {shown(a.cross_initial_margin)})",
                a.available_balance,
                "C11",
            )
        ]
    if figure == "cross_wallet_balance":
        return [
            Step(
                "Cross wallet",
                "wallet balance - isolated margins",
                f"{shown(a.wallet_balance)} - {shown(a.isolated_margin)}",
                a.cross_wallet_balance,
                "C13",
            )
        ]
    if figure == "margin_balance":
        return [
            Step(
                "Margin balance",
                "wallet balance + every uPnL",
                f"{shown(a.wallet_balance)} + {shown(a.unrealized_pnl)}",
                a.margin_balance,
                "C05",
            )
        ]
    raise MarginError(UNKNOWN_FIGURE.format(figure=figure), field="figure")


def explain(result: PositionResult | AccountResult, figure: str) -> list[Step]:
    """The steps that derive ``figure`` of a position or account result."""
    if isinstance(result, AccountResult):
        return _account_steps(result, figure)
    return _position_steps(result, figure)
